"""The review workflow of a study: who may move it from which status to which, and issuing.

    draft ──send_for_review──► client_review ──confirm──► client_confirmed
      ▲  ◄──────withdraw─────────┘  │  └──request_changes──► changes_requested
      │  ◄──resume_editing───────────┼─────────────────────────────┘
      │  ◄──withdraw (auditor)── client_confirmed ──submit_for_technical_review──►
      │  ◄──return_to_auditor (lead)── technical_review ──approve──► approved ──issue──► issued
      └──────────────────────────────────────────────────────────────┘
    issued ──revise──► a new study (revision + 1, draft); issuing it supersedes the old one.

Each transition is a keyword-only, transactional service that checks the status, the user's
role and the blockers (unresolved comments, calculation errors, incompleteness), records a
StudyTransition and e-mails the people concerned once the transaction commits.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.utils import bulk_create_with_history

from ..access import can_start_revision, is_study_auditor, is_study_contact, is_study_lead_verifier
from ..choices import Role, StudyStatus
from ..models import (
    ActivityRecord,
    Study,
    StudyClaim,
    StudyGwpChange,
    StudyProduct,
    StudyTransition,
    User,
    VerificationTeamMember,
)
from .calculation import StudyResult, result_to_dict
from .results import study_results

S = StudyStatus
logger = logging.getLogger(__name__)


class WorkflowError(Exception):
    """The transition cannot happen now (wrong status, blockers); the message says why."""


class WorkflowPermissionDenied(WorkflowError):
    """The user's role does not allow this transition."""


# ------------------------------------------------------------------------------- blockers
def unresolved_comment_count(study: Study) -> int:
    return study.comments.filter(resolved=False).count()


def completeness_problems(study: Study, result: StudyResult, *, missing=None) -> list[str]:
    """The blocking elements the report still lacks (issue 4's completeness check).

    `missing`: the study's completeness items when the caller already has them (the study page)."""
    if missing is None:
        from .completeness import study_completeness

        missing = study_completeness(study, result=result)
    return [m.message for m in missing if m.blocking]


def calculation_errors(result: StudyResult) -> list[str]:
    return [f"{p.code}: {c.message}" for p in result.products for c in p.checks if c.is_error]


# Blockers take what a page has already computed (`result`, `missing`, `unresolved`) so that a
# page asking for every action's blockers runs the calculation and the checks only once.
def approval_blockers(study: Study, *, result: StudyResult | None = None, missing=None,
                      unresolved: int | None = None) -> list[str]:
    """Everything that stops a study from being approved or issued, in words."""
    blockers = []
    count = unresolved_comment_count(study) if unresolved is None else unresolved
    if count:
        blockers.append(_("还有 %(count)s 条未解决的审阅意见。") % {"count": count})
    if result is None:
        result = study_results(study)
    blockers += calculation_errors(result)
    blockers += completeness_problems(study, result, missing=missing)
    return blockers


def _comments_blocker(study: Study, *, unresolved: int | None = None, **_known) -> list[str]:
    count = unresolved_comment_count(study) if unresolved is None else unresolved
    if count:
        return [_("还有 %(count)s 条未解决的审阅意见，解决后才能提交技术评审。") % {"count": count}]
    return []


def _issue_blockers(study: Study, **known) -> list[str]:
    from .signing import signing_available

    blockers = approval_blockers(study, **known)
    available, message = signing_available()
    if not available:
        blockers.append(message)
    return blockers


# -------------------------------------------------------------------------------- actions
@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    allowed: Callable[[object, Study], bool]
    blockers: Callable[..., list[str]] | None = None  # (study, *, result, missing, unresolved)
    style: str = "primary"
    comment_hint: str = ""


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action("send_for_review", gettext_lazy("发送企业审阅"), (S.DRAFT,), S.CLIENT_REVIEW,
               is_study_auditor),
        Action("withdraw", gettext_lazy("收回修改"), (S.CLIENT_REVIEW, S.CLIENT_CONFIRMED), S.DRAFT,
               is_study_auditor, style="outline-secondary"),
        Action("request_changes", gettext_lazy("要求修改"), (S.CLIENT_REVIEW,), S.CHANGES_REQUESTED,
               is_study_contact, style="outline-danger",
               comment_hint=gettext_lazy("请说明需要修改的内容")),
        Action("confirm", gettext_lazy("确认数据"), (S.CLIENT_REVIEW,), S.CLIENT_CONFIRMED,
               is_study_contact, style="success"),
        Action("resume_editing", gettext_lazy("开始修改"), (S.CHANGES_REQUESTED,), S.DRAFT,
               is_study_auditor),
        Action("submit_for_technical_review", gettext_lazy("提交技术评审"), (S.CLIENT_CONFIRMED,),
               S.TECHNICAL_REVIEW, is_study_auditor, blockers=_comments_blocker),
        Action("return_to_auditor", gettext_lazy("退回核查员修改"), (S.TECHNICAL_REVIEW, S.APPROVED),
               S.DRAFT, is_study_lead_verifier, style="outline-danger"),
        Action("approve", pgettext_lazy("workflow action", "批准"), (S.TECHNICAL_REVIEW,), S.APPROVED,
               is_study_lead_verifier, blockers=approval_blockers, style="success"),
        Action("issue", gettext_lazy("签发并签名"), (S.APPROVED,), S.ISSUED,
               is_study_lead_verifier, blockers=_issue_blockers, style="success"),
    )
}


@dataclass(frozen=True)
class AvailableAction:
    action: Action
    blockers: tuple[str, ...]

    @property
    def enabled(self) -> bool:
        return not self.blockers


def available_actions(study: Study, user, *, with_blockers: bool = True,
                      result: StudyResult | None = None, missing=None,
                      unresolved: int | None = None) -> list[AvailableAction]:
    """The transitions this user may make on this study now, with what blocks each.

    `result` (the calculation), `missing` (the completeness items) and `unresolved` (the open
    comment count): pass them when the page already has them; otherwise they are computed."""
    known = {"result": result, "missing": missing, "unresolved": unresolved}
    out = []
    for action in ACTIONS.values():
        if study.status in action.sources and action.allowed(user, study):
            blockers = action.blockers(study, **known) if (with_blockers and action.blockers) else []
            out.append(AvailableAction(action, tuple(blockers)))
    return out


def can_revise(user, study: Study) -> bool:
    return (
        study.status == S.ISSUED
        and not Study.objects.filter(supersedes=study).exists()
        and can_start_revision(user, study)
    )


# -------------------------------------------------------------------------- transitions
def _locked(study: Study) -> Study:
    return Study.objects.select_for_update().select_related("company").get(pk=study.pk)


def _check(action: Action, study: Study, user) -> None:
    if not action.allowed(user, study):
        raise WorkflowPermissionDenied(
            _("您的角色不能对报告 %(number)s 执行“%(action)s”。")
            % {"number": study.report_number, "action": action.label}
        )
    if study.status not in action.sources:
        raise WorkflowError(
            _("报告 %(number)s 处于“%(status)s”状态，不能执行“%(action)s”。")
            % {"number": study.report_number, "status": study.get_status_display(),
               "action": action.label}
        )
    if action.blockers:
        blockers = action.blockers(study)
        if blockers:
            raise WorkflowError(
                _("不能执行“%(action)s”：%(reasons)s")
                % {"action": action.label, "reasons": " ".join(blockers)}
            )


def _attribute(obj, user) -> None:
    """Name the user in the audit trail also outside a web request (commands, the API)."""
    if user is not None and getattr(user, "pk", None):
        obj._history_user = user


def _record(study: Study, *, from_status: str, to_status: str, user, comment: str) -> StudyTransition:
    transition = StudyTransition(
        study=study, from_status=from_status, to_status=to_status,
        user=user if user and user.pk else None, comment=comment.strip(),
    )
    transition.full_clean()
    transition.save()
    return transition


def _transition(name: str, *, study: Study, user, comment: str = "", **changes) -> Study:
    action = ACTIONS[name]
    with transaction.atomic():
        study = _locked(study)
        _check(action, study, user)
        from_status = study.status
        study.status = action.target
        for field, value in changes.items():
            setattr(study, field, value)
        study.full_clean()
        _attribute(study, user)
        study.save()
        transition = _record(study, from_status=from_status, to_status=action.target,
                             user=user, comment=comment)
        transaction.on_commit(lambda: notify(transition))
    return study


def study_send_for_review(*, study: Study, user, comment: str = "") -> Study:
    """Auditor → company: the company contacts can see the study from now on."""
    return _transition("send_for_review", study=study, user=user, comment=comment,
                       sent_to_client_at=timezone.now())


def study_withdraw(*, study: Study, user, comment: str = "") -> Study:
    return _transition("withdraw", study=study, user=user, comment=comment)


def study_request_changes(*, study: Study, user, comment: str = "") -> Study:
    return _transition("request_changes", study=study, user=user, comment=comment)


def study_confirm(*, study: Study, user, comment: str = "") -> Study:
    return _transition("confirm", study=study, user=user, comment=comment)


def study_resume_editing(*, study: Study, user, comment: str = "") -> Study:
    return _transition("resume_editing", study=study, user=user, comment=comment)


def study_submit_for_technical_review(*, study: Study, user, comment: str = "") -> Study:
    return _transition("submit_for_technical_review", study=study, user=user, comment=comment)


def study_return_to_auditor(*, study: Study, user, comment: str = "") -> Study:
    return _transition("return_to_auditor", study=study, user=user, comment=comment)


def study_approve(*, study: Study, user, comment: str = "") -> Study:
    return _transition("approve", study=study, user=user, comment=comment)


def new_verification_code() -> str:
    """Unguessable: 144 random bits, URL-safe."""
    return secrets.token_urlsafe(18)


def _signature_reason(study: Study) -> str:
    reason = _("%(body)s 批准签发产品碳足迹报告 %(number)s") % {
        "body": settings.CERTIFICATION_BODY_NAME, "number": study.report_number,
    }
    if settings.SIGNING_IS_DEMO:
        reason += " — " + _("演示签名：使用演示 CA 签发的证书，不具法律效力 (DEMO signature, demo CA)")
    return reason


def issue_snapshot(study: Study, *, result: StudyResult | None = None) -> dict:
    """Everything the issued report was computed from and what it said: the pcf-study/1
    document (data and every factor version), the GWP values and the results."""
    from ..selectors import gwp_values, gwp_version_of
    from .exporting import study_to_document

    if result is None:
        result = study_results(study)
    version = gwp_version_of(study)
    document = study_to_document(study)
    factor_keys = sorted({
        f"{a.factor.code}@{a.factor.version}"
        for a in ActivityRecord.objects.filter(stage__study_product__study=study).select_related("factor")
    })
    return {
        "format": "pcf-issued-snapshot/1",
        "report_number": study.report_number,
        "document": document,
        "factor_versions": factor_keys,
        "gwp": {"set": study.gwp_set, "version": version.version if version else None,
                "source": version.source if version else "", "values": gwp_values(version)},
        "results": result_to_dict(result),
    }


def study_issue(*, study: Study, user, comment: str = "") -> Study:
    """Render the final PDF, sign it, store it with its SHA-256 and a snapshot of the data,
    and freeze the study. A revision's issue supersedes the study it revises."""
    from ..reports.pdf import ReportTooLarge, render_issued_pdf
    from .signing import SigningUnavailable, sign_pdf

    action = ACTIONS["issue"]
    with transaction.atomic():
        study = _locked(study)
        _check(action, study, user)
        now = timezone.now()
        study.issued_at = now
        study.issue_date = timezone.localdate(now)
        study.verification_code = study.verification_code or new_verification_code()
        if study.gwp_version_id is None:
            # Issued means pinned: the edition it is signed with, whatever comes later.
            from ..selectors import gwp_version_of

            study.gwp_version = gwp_version_of(study)
        with translation.override(study.language):
            try:
                rendering = render_issued_pdf(study, issued_by=user.display_name)
            except ReportTooLarge as exc:
                raise WorkflowError(str(exc)) from exc
            try:
                signed = sign_pdf(rendering.pdf, box=rendering.signature_box, signer_name=user.display_name,
                                  reason=_signature_reason(study), location=settings.SIGNING_LOCATION)
            except SigningUnavailable:
                raise
            except Exception as exc:  # pyHanko, the timestamp server: say so, change nothing
                logger.exception("signing %s failed", study.report_number)
                raise WorkflowError(_("签名失败，报告未签发：%(error)s") % {"error": exc}) from exc
            snapshot = issue_snapshot(study)
        snapshot["issued_at"] = now.isoformat()
        snapshot["issued_by"] = user.display_name
        # The body the report names, as printed (the verification page shows it).
        from ..reports.inputs import certification_body

        snapshot["certification_body"] = certification_body(study, study.language)
        study.issued_sha256 = hashlib.sha256(signed).hexdigest()
        study.issued_snapshot = snapshot
        study.status = S.ISSUED
        study.issued_pdf.save(f"{study.report_number}.pdf", ContentFile(signed), save=False)
        stored_name = study.issued_pdf.name
        # The file is written before the row: if anything below fails, remove it again.
        try:
            study.full_clean()
            _attribute(study, user)
            study.save()
            transition = _record(study, from_status=S.APPROVED, to_status=S.ISSUED, user=user,
                                 comment=comment)
            superseded = _supersede_previous(study, user=user)
        except Exception:
            study.issued_pdf.storage.delete(stored_name)
            raise
        transaction.on_commit(lambda: notify(transition))
        if superseded is not None:
            transaction.on_commit(lambda: notify(superseded))
    return study


def _supersede_previous(study: Study, *, user) -> StudyTransition | None:
    if study.supersedes_id is None:
        return None
    previous = Study.objects.select_for_update().get(pk=study.supersedes_id)
    if previous.status != S.ISSUED:
        return None
    previous.status = S.SUPERSEDED
    _attribute(previous, user)
    previous.save(update_fields=["status"])
    return _record(
        previous, from_status=S.ISSUED, to_status=S.SUPERSEDED, user=user,
        comment=_("被修订版 %(number)s 替代。") % {"number": study.report_number},
    )


_REVISION_SUFFIX = re.compile(r"-R\d+$")


def revision_report_number(study: Study, revision: int) -> str:
    return f"{_REVISION_SUFFIX.sub('', study.report_number)}-R{revision}"


def study_revise(*, study: Study, user, comment: str = "") -> Study:
    """Start a revision of an issued study: a draft copy of all its data with the next
    revision number. The issued study stays valid until the revision is issued; then it is
    marked superseded."""
    with transaction.atomic():
        original = _locked(study)
        if not can_start_revision(user, original):
            raise WorkflowPermissionDenied(_("您的角色不能创建修订版。"))
        if original.status != S.ISSUED:
            raise WorkflowError(_("只有已签发的报告可以修订。"))
        if Study.objects.filter(supersedes=original).exists():
            raise WorkflowError(
                _("报告 %(number)s 已有修订版。") % {"number": original.report_number}
            )
        revision = original.revision + 1
        number = revision_report_number(original, revision)
        if Study.objects.filter(report_number=number).exists():
            raise WorkflowError(_("报告编号 %(number)s 已存在。") % {"number": number})
        copy = _copy_study(original, report_number=number, revision=revision, user=user)
        _record(copy, from_status=S.ISSUED, to_status=S.DRAFT, user=user,
                comment=comment.strip() or _("基于 %(number)s 创建修订版。") % {"number": original.report_number})
    return copy


_RESET_ON_REVISION = {
    "status": S.DRAFT, "sent_to_client_at": None, "issue_date": None, "issued_at": None,
    "verification_code": None, "issued_pdf": "", "issued_sha256": "", "issued_snapshot": None,
}


def _copy_study(original: Study, *, report_number: str, revision: int, user) -> Study:
    auditors = list(original.auditors.all())
    copy = Study.objects.get(pk=original.pk)
    copy.pk = None
    copy.id = None
    copy._state.adding = True
    copy.report_number = report_number
    copy.revision = revision
    copy.supersedes = original
    copy.created_by = user if user.role == Role.AUDITOR else original.created_by
    for field, value in _RESET_ON_REVISION.items():
        setattr(copy, field, value)
    # A revision is a new draft: it is computed with the current GWP edition, and its study
    # page says what moving from the issued study's edition changed.
    from ..selectors import current_gwp_version

    issued_version, current = copy.gwp_version, current_gwp_version(copy.gwp_set)
    if current is not None:
        copy.gwp_version = current
    copy.full_clean()
    _attribute(copy, user)
    copy.save()
    if issued_version is not None and current is not None and issued_version.pk != current.pk:
        StudyGwpChange.objects.create(study=copy, from_version=issued_version, to_version=current)
    copy.auditors.set(auditors)
    claims = list(StudyClaim.objects.filter(study=original))
    new_product: dict[int, StudyProduct] = {}
    for sp in StudyProduct.objects.filter(study=original).prefetch_related("stages__activities"):
        stages = list(sp.stages.all())
        old_pk = sp.pk
        new_product[old_pk] = sp
        sp.pk = None
        sp.study = copy
        sp.save()
        for stage in stages:
            activities = list(stage.activities.all())
            stage.pk = None
            stage.study_product = sp
            stage.save()
            for activity in activities:
                activity.pk = None
                activity.stage = stage
            bulk_create_with_history(activities, ActivityRecord, batch_size=1000)
    for member in VerificationTeamMember.objects.filter(study=original):
        member.pk = None
        member.study = copy
        member.save()
    for claim in claims:
        claim.pk = None
        claim.study = copy
        claim.study_product = new_product.get(claim.study_product_id) if claim.study_product_id else None
        claim.save()
    # The product images live under the report number: the revision starts with copies.
    from .images import copy_study_images

    copy_study_images(source=original, target=copy)
    return copy


def perform(action: str, *, study: Study, user, comment: str = "") -> Study:
    """Run the named transition (the views and the API post the action's name)."""
    services = {
        "send_for_review": study_send_for_review,
        "withdraw": study_withdraw,
        "request_changes": study_request_changes,
        "confirm": study_confirm,
        "resume_editing": study_resume_editing,
        "submit_for_technical_review": study_submit_for_technical_review,
        "return_to_auditor": study_return_to_auditor,
        "approve": study_approve,
        "issue": study_issue,
        "revise": study_revise,
    }
    if action not in services:
        raise WorkflowError(_("未知的操作：%(action)s") % {"action": action})
    return services[action](study=study, user=user, comment=comment)


# ------------------------------------------------------------------------ notifications
def recipients(transition: StudyTransition) -> list[User]:
    """Who is told about a transition: the other side of the step."""
    study = transition.study
    to = transition.to_status
    contacts = Q(role=Role.COMPANY_CONTACT, company_id=study.company_id)
    auditors = Q(pk__in=study.auditors.values("pk")) | Q(pk=study.created_by_id)
    leads = Q(pk=study.lead_verifier_id) if study.lead_verifier_id else Q(role=Role.LEAD_VERIFIER)
    if to in (S.CLIENT_REVIEW,):
        who = contacts
    elif to in (S.CHANGES_REQUESTED, S.CLIENT_CONFIRMED, S.APPROVED, S.SUPERSEDED):
        who = auditors
    elif to == S.TECHNICAL_REVIEW:
        who = leads
    elif to == S.ISSUED:
        who = contacts | auditors
    elif to == S.DRAFT:
        # back to draft: the auditors; the contacts too if it had been sent to them
        who = auditors | (contacts if study.sent_to_client_at else Q(pk__in=[]))
    else:
        who = Q(pk__in=[])
    users = User.objects.filter(who, is_active=True).exclude(email="")
    if transition.user_id:
        users = users.exclude(pk=transition.user_id)
    return list(users.distinct())


def notify(transition: StudyTransition) -> int:
    """E-mail the people concerned; returns how many messages were sent."""
    study = transition.study
    people = recipients(transition)
    if not people:
        return 0
    with translation.override(study.language):
        link = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/studies/{study.report_number}/workflow/"
        subject = _("[碳足迹] %(number)s：%(status)s") % {
            "number": study.report_number,
            "status": StudyStatus(transition.to_status).label,
        }
        who = transition.user.display_name if transition.user else _("系统")
        body = [
            _("报告：%(number)s %(title)s") % {"number": study.report_number, "title": study.title},
            _("企业：%(company)s") % {"company": study.company.name},
            _("状态：%(from)s → %(to)s") % {
                "from": StudyStatus(transition.from_status).label,
                "to": StudyStatus(transition.to_status).label,
            },
            _("操作人：%(user)s") % {"user": who},
        ]
        if transition.comment:
            body.append(_("说明：%(comment)s") % {"comment": transition.comment})
        body.append(_("查看：%(link)s") % {"link": link})
        sent = 0
        for person in people:
            sent += send_mail(str(subject), "\n".join(str(line) for line in body),
                              settings.DEFAULT_FROM_EMAIL, [person.email], fail_silently=True)
    return sent


# -------------------------------------------------------------------------- issued files
class IssuedFileMissing(Exception):
    """The stored signed PDF is missing or no longer matches its recorded SHA-256."""


def issued_pdf_bytes(study: Study) -> bytes:
    """The signed PDF exactly as issued; refuses to return a file whose hash changed."""
    if not study.issued_pdf or not study.issued_sha256:
        raise IssuedFileMissing(_("报告 %(number)s 没有签发的 PDF。") % {"number": study.report_number})
    with study.issued_pdf.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != study.issued_sha256:
        raise IssuedFileMissing(
            _("报告 %(number)s 的签发文件与记录的 SHA-256 不符，已拒绝提供。") % {"number": study.report_number}
        )
    return data
