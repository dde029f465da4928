"""Who works on a study: the assigned auditors, the lead verifier, the certification body,
and the verification team printed in the report's annex.

The rule of independence is the workflow's (services/workflow.is_study_lead_verifier): the
lead verifier approves and signs, so they must not be one of the study's auditors nor the
person who created it. Refusing such a choice here, next to the field, is better than a study
that later nobody may approve.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from ...choices import Role
from ...models import Study, User, VerificationTeamMember
from ..facts.reading import certification_body
from ..freeze import ensure_study_editable

TEAM_FIELDS = ("name", "organisation", "certificate_number", "role")


@dataclass(frozen=True)
class TeamMemberInput:
    """One row of the verification team as typed; `pk` names an existing member of the study."""

    name: str
    organisation: str = ""
    certificate_number: str = ""
    role: str = ""
    pk: int | None = None


def _locked(study: Study) -> Study:
    # The issuing step locks the same row: a change cannot slip in while a study is issued.
    locked = Study.objects.select_for_update().get(pk=study.pk)
    ensure_study_editable(locked)
    return locked


def people_problems(*, study: Study, auditors: Sequence[User], lead_verifier: User | None) -> dict[str, list[str]]:
    """What is wrong with a choice of auditors and lead verifier, by field (empty: nothing)."""
    errors: dict[str, list[str]] = {}
    for user in auditors:
        if user.role != Role.AUDITOR or not user.is_active:
            errors.setdefault("auditors", []).append(
                _("%(name)s 不是在职的核查员，不能指定为本报告的核查员。") % {"name": user.display_name})
    if lead_verifier is not None:
        if lead_verifier.role != Role.LEAD_VERIFIER or not lead_verifier.is_active:
            errors.setdefault("lead_verifier", []).append(
                _("%(name)s 不是在职的技术负责人。") % {"name": lead_verifier.display_name})
        elif any(u.pk == lead_verifier.pk for u in auditors):
            errors.setdefault("lead_verifier", []).append(
                _("%(name)s 已是本报告的核查员，不能同时担任技术负责人：技术评审必须独立于核查。")
                % {"name": lead_verifier.display_name})
        elif study.created_by_id == lead_verifier.pk:
            errors.setdefault("lead_verifier", []).append(
                _("%(name)s 创建了本报告，不能担任其技术负责人：技术评审必须独立于报告编制。")
                % {"name": lead_verifier.display_name})
    return errors


def _member_problems(members: Sequence[TeamMemberInput], known: dict[int, VerificationTeamMember]) -> dict:
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for member in members:
        if member.pk is not None and member.pk not in known:
            errors.setdefault("team", []).append(_("核查组成员已被他人修改，请刷新页面后重试。"))
            continue
        name = member.name.strip()
        if not name:
            errors.setdefault("team", []).append(_("核查组成员必须填写姓名。"))
        elif name in seen:
            errors.setdefault("team", []).append(
                _("%(name)s 在核查组中出现了两次。") % {"name": name})
        seen.add(name)
    return errors


@transaction.atomic
def study_team_update(
    *,
    study: Study,
    auditors: Iterable[User],
    lead_verifier: User | None,
    certification_body: str,
    members: Sequence[TeamMemberInput],
) -> Study:
    """Save who works on the study and the verification team, in the order given.

    `members` is the whole team: existing members not in it are removed, the others updated,
    new ones (pk None) added. Raises ValidationError keyed by field ("auditors",
    "lead_verifier", "certification_body", "team") and changes nothing then."""
    study = _locked(study)
    auditors = list(auditors)
    known = {m.pk: m for m in VerificationTeamMember.objects.filter(study=study)}
    errors = people_problems(study=study, auditors=auditors, lead_verifier=lead_verifier)
    for field, messages in _member_problems(members, known).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    study.lead_verifier = lead_verifier
    study.certification_body = certification_body.strip()
    study.full_clean()
    study.save()
    study.auditors.set(auditors)

    keep = {m.pk for m in members if m.pk is not None}
    for pk, member in known.items():
        if pk not in keep:
            member.delete()
    for position, data in enumerate(members):
        member = known[data.pk] if data.pk is not None else VerificationTeamMember(study=study)
        values = {f: getattr(data, f).strip() for f in TEAM_FIELDS}
        values["position"] = position
        if member.pk is not None and all(getattr(member, k) == v for k, v in values.items()):
            continue  # unchanged: no history record
        for field, value in values.items():
            setattr(member, field, value)
        try:
            member.full_clean()
        except ValidationError as exc:
            raise ValidationError({"team": [
                _("核查组成员 %(name)s：%(errors)s") % {"name": data.name, "errors": " ".join(exc.messages)}
            ]}) from exc
        member.save()
    return study


def team_role_for(*, study: Study, user: User, members: Sequence[TeamMemberInput]) -> str:
    """The role in the team of someone added from the study's people, in the report's language:
    the first auditor leads the team, the other auditors are members, the lead verifier reviews."""
    with translation.override(study.language):
        if user.role == Role.LEAD_VERIFIER:
            return _("技术复核")
        leader = _("组长")
        if any(m.role.strip() == leader for m in members):
            return _("组员")
        return leader


def member_from_user(*, study: Study, user: User, members: Sequence[TeamMemberInput]) -> TeamMemberInput:
    """A new team row with the person's name, organisation and certificate number (from their
    profile); the organisation defaults to the study's certification body."""
    return TeamMemberInput(
        name=user.display_name,
        organisation=user.organisation or certification_body(study, study.language),
        certificate_number=user.certificate_number,
        role=team_role_for(study=study, user=user, members=members),
    )


def study_people(study: Study) -> list[User]:
    """The study's assigned auditors and its lead verifier: who may be copied into the team."""
    people = list(study.auditors.order_by("first_name", "username"))
    if study.lead_verifier_id and all(p.pk != study.lead_verifier_id for p in people):
        people.append(study.lead_verifier)
    return people


def user_delete_refusal(user: User) -> str:
    """Why this user may not be deleted ("" if they may): someone who created, worked on,
    reviewed, signed, approved or commented on a study stays named in its record for good.
    They are deactivated instead (User.is_active), which ends their access."""
    from django.db.models import Q

    from ...models import Comment, DataRequest, DataRequestRow, StudyTransition

    if user.pk is None:
        return ""
    studies = Study.objects.filter(
        Q(lead_verifier=user) | Q(created_by=user) | Q(auditors=user)
    ).values_list("report_number", flat=True).distinct()
    numbers = sorted(set(studies) | set(
        StudyTransition.objects.filter(user=user).values_list("study__report_number", flat=True)
    ) | set(
        Comment.objects.filter(Q(author=user) | Q(resolved_by=user))
        .values_list("study__report_number", flat=True)
    ) | set(
        # who asked for, supplied or reviewed a value of a data request (issue 15)
        DataRequest.objects.filter(created_by=user).values_list("study__report_number", flat=True)
    ) | set(
        DataRequestRow.objects.filter(Q(supplied_by=user) | Q(reviewed_by=user))
        .values_list("request__study__report_number", flat=True)
    ))
    if not numbers:
        return ""
    from django.utils.translation import pgettext

    return _("用户 %(name)s 参与过报告 %(numbers)s（编制、核查、审阅、批准或签发），"
             "审计记录必须保留其姓名：只能停用（取消勾选“有效”），不能删除。") % {
        "name": user.display_name, "numbers": pgettext("list separator", "、").join(numbers)}
