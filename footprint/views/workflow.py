"""The workflow page of a study: status, actions, timeline, comments; and the issued PDF.

Scope first (404 for studies the user may not see), then the form, then the service, which
knows the roles (403) and the blockers (shown as a message).
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ..access import can_edit_study_data, get_study_for_user
from ..choices import JobKind, JobStatus
from ..models import BackgroundJob, Comment
from ..selectors import (
    is_staff_role,
    studies_visible_to,
    study_activities,
    study_comments,
    study_transitions,
)
from ..services.jobs import JobNotQueued
from ..services.workflow import comments as comment_services
from ..services.workflow import dispatch, issue_jobs, issuing, transitions
from ..services.workflow.signing import SigningUnavailable
from .comment_links import comment_row_urls
from .panels import action_items, signed_files

ACTION_CHOICES = [(name, a.label) for name, a in transitions.ACTIONS.items()] + [
    ("revise", gettext_lazy("创建修订版"))
]


# Forms only declare and clean fields; they are small and used only here.
class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=ACTION_CHOICES)
    comment = forms.CharField(label=gettext_lazy("说明（可选）"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("意见"), max_length=comment_services.MAX_COMMENT_LENGTH,
                           widget=forms.Textarea(attrs={"rows": 3}))
    activity = forms.TypedChoiceField(label=gettext_lazy("针对的活动数据"), required=False,
                                      coerce=int, empty_value=None)

    def __init__(self, *args, activities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.activities = {a.pk: a for a in activities}
        self.fields["activity"].choices = [("", _("整份报告"))] + [
            (a.pk, f"{a.stage.study_product.product.code} · {a.stage.get_stage_display()} · {a.name}")
            for a in activities
        ]


def _page_context(request, study, *, comment_form=None) -> dict:
    activities = study_activities(study)
    comments = study_comments(study)
    unresolved = sum(1 for c in comments if not c.resolved)
    may_edit = can_edit_study_data(request.user, study)  # the study's tabs, the comments' links
    by_pk = {c.pk: c for c in comments}
    for pk, url in comment_row_urls(study, comments, request.user, editor=may_edit).items():
        by_pk[pk].row_url = url  # the row the comment is about
    return {
        "study": study,
        # The blockers compute the calculation at most once, and only for an action that has them.
        "actions": action_items(study, request.user,
                                transitions.available_actions(study, request.user, unresolved=unresolved)),
        "can_revise": transitions.can_revise(request.user, study),
        "transitions": study_transitions(study),
        "comments": comments,
        "unresolved_count": unresolved,
        "resolvable": {c.pk for c in comments if comment_services.can_resolve(request.user, c)},
        "comment_form": comment_form or CommentForm(activities=activities),
        "can_comment": not study.is_frozen,
        "is_staff_user": is_staff_role(request.user),
        "next_revision": studies_visible_to(request.user).filter(supersedes=study).first(),
        "may_edit": may_edit,
        "issue_job": issue_jobs.latest_issue_job(study),
        "signed_files": signed_files(study),
        "missing_language": issuing.missing_language_reason(study),
    }


@login_required
@require_GET
def study_workflow(request, report_number):
    study = get_study_for_user(request.user, report_number)
    return render(request, "footprint/workflow/study_workflow.html", _page_context(request, study))


def _back(study, anchor: str = ""):
    return redirect(reverse("study_workflow", args=[study.report_number]) + anchor)


# Not inside the request's transaction: each service commits its own, and an issue job must
# be committed before it is queued (a worker would not see it otherwise).
@transaction.non_atomic_requests
@login_required
@require_POST
def study_transition(request, report_number):
    study = get_study_for_user(request.user, report_number)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("未知的操作。"))
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    if action == "issue":
        return _issue(request, study, comment)
    try:
        with transaction.atomic():
            result = dispatch.perform(action, study=study, user=request.user, comment=comment)
    except transitions.WorkflowPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except (transitions.WorkflowError, SigningUnavailable) as exc:
        messages.error(request, str(exc))
        return _back(study)
    if action == "revise":
        messages.success(request, _("已创建修订版 %(number)s（草稿）。") % {"number": result.report_number})
        return _back(result)
    messages.success(request, _("报告 %(number)s 现在的状态：%(status)s。")
                     % {"number": result.report_number, "status": result.get_status_display()})
    return _back(result)


def _issue(request, study, comment: str):
    """Issuing renders and signs for seconds: it is queued, and the page follows the job."""
    try:
        job = issue_jobs.issue_request(study=study, user=request.user, comment=comment)
    except transitions.WorkflowPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except (transitions.WorkflowError, SigningUnavailable, JobNotQueued) as exc:
        messages.error(request, str(exc))
        return _back(study)
    job.refresh_from_db()
    study.refresh_from_db()
    if job.status == JobStatus.DONE:  # run at once (eager jobs)
        messages.success(request, _("报告 %(number)s 现在的状态：%(status)s。")
                         % {"number": study.report_number, "status": study.get_status_display()})
    elif job.status == JobStatus.FAILED:
        messages.error(request, job.reason)
    else:
        messages.info(request, _("报告 %(number)s 已排队签发。签发需要几秒钟，本页会显示进度；您也可以先离开，稍后回来查看。")
                      % {"number": study.report_number})
    return _back(study)


@login_required
@require_GET
def study_issue_job(request, report_number, job_id):
    """The issue job's progress, for the workflow page to poll (htmx)."""
    study = get_study_for_user(request.user, report_number)
    job = get_object_or_404(BackgroundJob, pk=job_id, study=study, kind=JobKind.ISSUE)
    study.refresh_from_db()
    return render(request, "footprint/workflow/_issue_job.html", {"study": study, "issue_job": job})


@login_required
@require_POST
def comment_create(request, report_number):
    study = get_study_for_user(request.user, report_number)
    activities = study_activities(study)
    form = CommentForm(request.POST, activities=activities)
    if form.is_valid():
        activity = form.activities.get(form.cleaned_data["activity"]) if form.cleaned_data["activity"] else None
        try:
            comment_services.comment_create(study=study, user=request.user,
                                            text=form.cleaned_data["text"], activity=activity)
        except transitions.WorkflowPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except transitions.WorkflowError as exc:
            messages.error(request, str(exc))
            return _back(study)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("意见已添加。"))
            return _back(study, "#comments")
    context = _page_context(request, study, comment_form=form)
    return render(request, "footprint/workflow/study_workflow.html", context, status=400)


def _comment_for(request, report_number, comment_id) -> Comment:
    study = get_study_for_user(request.user, report_number)
    return get_object_or_404(Comment.objects.select_related("study"), pk=comment_id, study=study)


@login_required
@require_POST
def comment_resolve(request, report_number, comment_id):
    return _set_resolved(request, report_number, comment_id, resolved=True)


@login_required
@require_POST
def comment_reopen(request, report_number, comment_id):
    return _set_resolved(request, report_number, comment_id, resolved=False)


def _set_resolved(request, report_number, comment_id, *, resolved: bool):
    comment = _comment_for(request, report_number, comment_id)
    try:
        comment_services.comment_set_resolved(comment=comment, user=request.user, resolved=resolved)
    except transitions.WorkflowPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except transitions.WorkflowError as exc:
        messages.error(request, str(exc))
    return _back(comment.study, "#comments")


@login_required
@require_GET
def issued_pdf(request, report_number, language=None):
    """A signed PDF, byte for byte as issued (for superseded reports too): the study's own
    language, or `language` when the report was issued in it too."""
    study = get_study_for_user(request.user, report_number)
    if not study.issued_sha256:
        raise Http404(_("这份报告尚未签发。"))
    file = issuing.issued_file(study, language)
    if file is None:
        raise Http404(_("这份报告没有签发该语言的文件。"))
    try:
        data = issuing.issued_pdf_bytes(study, file.language)
    except (issuing.IssuedFileMissing, OSError) as exc:
        raise Http404(str(exc)) from exc
    response = HttpResponse(data, content_type="application/pdf")
    name = study.report_number if file.primary else f"{study.report_number}_{file.language}"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    response["Content-Length"] = str(len(data))
    return response
