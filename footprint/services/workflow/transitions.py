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

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from ...access import can_start_revision, is_study_auditor, is_study_contact, is_study_lead_verifier
from ...choices import StudyStatus
from ...models import (
    Study,
    StudyTransition,
)
from ..calculation.study import StudyResult
from ..jobs import queue_notice
from .readiness import approval_warnings, review_blockers, study_checks

S = StudyStatus


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
    _result, missing = study_checks(study, result=result, missing=missing)
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
    result, missing = study_checks(study, result=result, missing=missing)
    blockers += calculation_errors(result)
    blockers += completeness_problems(study, result, missing=missing)
    return blockers


def _comments_blocker(study: Study, *, unresolved: int | None = None, **_known) -> list[str]:
    count = unresolved_comment_count(study) if unresolved is None else unresolved
    if count:
        return [_("还有 %(count)s 条未解决的审阅意见，解决后才能提交技术评审。") % {"count": count}]
    return []


def _technical_review_blockers(study: Study, **known) -> list[str]:
    return [*_comments_blocker(study, **known), *review_blockers(study, **known)]


def _issue_blockers(study: Study, **known) -> list[str]:
    from .public_url import issuing_url_blockers
    from .signing import signing_available

    blockers = approval_blockers(study, **known) + issuing_url_blockers()
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
    # What the page says before the action without stopping it (same arguments as blockers).
    warnings: Callable[..., list[str]] | None = None
    comment_hint: str = ""


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        # What only a draft can fix is asked for before the data locks (readiness.py).
        Action("send_for_review", gettext_lazy("发送企业审阅"), (S.DRAFT,), S.CLIENT_REVIEW,
               is_study_auditor, blockers=review_blockers),
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
               S.TECHNICAL_REVIEW, is_study_auditor, blockers=_technical_review_blockers),
        Action("return_to_auditor", gettext_lazy("退回核查员修改"), (S.TECHNICAL_REVIEW, S.APPROVED),
               S.DRAFT, is_study_lead_verifier, style="outline-danger"),
        Action("approve", pgettext_lazy("workflow action", "批准"), (S.TECHNICAL_REVIEW,), S.APPROVED,
               is_study_lead_verifier, blockers=approval_blockers, style="success",
               warnings=approval_warnings),
        Action("issue", gettext_lazy("签发并签名"), (S.APPROVED,), S.ISSUED,
               is_study_lead_verifier, blockers=_issue_blockers, style="success"),
    )
}


@dataclass(frozen=True)
class AvailableAction:
    action: Action
    blockers: tuple[str, ...]
    warnings: tuple[str, ...] = ()

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
            if with_blockers and action.warnings and known["result"] is None:
                # one read of the study and one calculation for the blockers and the warnings
                known["result"], known["missing"] = study_checks(study, missing=known["missing"])
            blockers = action.blockers(study, **known) if (with_blockers and action.blockers) else []
            warnings = action.warnings(study, **known) if (with_blockers and action.warnings) else []
            out.append(AvailableAction(action, tuple(blockers), tuple(warnings)))
    return out


def can_revise(user, study: Study) -> bool:
    return (
        study.status == S.ISSUED
        and not Study.objects.filter(supersedes=study).exists()
        and can_start_revision(user, study)
    )


# -------------------------------------------------------------------------- transitions
def locked_study(study: Study) -> Study:
    return Study.objects.select_for_update().select_related("company").get(pk=study.pk)


def check_action(action: Action, study: Study, user) -> None:
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


def attribute_to(obj, user) -> None:
    """Name the user in the audit trail also outside a web request (commands, the API)."""
    if user is not None and getattr(user, "pk", None):
        obj._history_user = user


def record_transition(study: Study, *, from_status: str, to_status: str, user, comment: str) -> StudyTransition:
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
        study = locked_study(study)
        check_action(action, study, user)
        from_status = study.status
        study.status = action.target
        for field, value in changes.items():
            setattr(study, field, value)
        study.full_clean()
        attribute_to(study, user)
        study.save()
        transition = record_transition(study, from_status=from_status, to_status=action.target,
                             user=user, comment=comment)
        transaction.on_commit(lambda: queue_notice(transition))
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
