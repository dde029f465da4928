"""Evidence files of a study: the list, upload, download, delete.

Downloads are served here, for users who may see the study, never from a public media URL:
always as an attachment, with the content type of what the file is and `nosniff`, so that no
browser renders an uploaded file inline (a sandboxing CSP too, should one try).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..access import (
    can_add_evidence,
    can_delete_evidence,
    can_edit_study_data,
    get_study_for_user,
    require,
)
from ..forms.evidence import EvidenceUploadForm
from ..responses import evidence_file_response
from ..selectors import evidence_visible_to, study_activities, study_evidence
from ..services.evidence import storage
from ..services.freeze import StudyFrozenError, study_is_editable


def _back(request, report_number):
    """Where to go after a POST: the page that sent it (the stage editor's row), if it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    return redirect("study_evidence", report_number=report_number)


def _page(request, study, *, form=None, status=200):
    activities = study_activities(study)
    may_add = can_add_evidence(request.user, study)
    files = study_evidence(study)
    return render(request, "footprint/studies/evidence.html", {
        "study": study,
        "files": [{"file": f, "may_delete": can_delete_evidence(request.user, f)} for f in files],
        "form": form or EvidenceUploadForm(activities=activities),
        "may_add": may_add,
        "editable": study_is_editable(study),
        "max_mb": f"{storage.max_file_bytes() / 1024 / 1024:g}",
        "total_mb": f"{storage.max_study_bytes() / 1024 / 1024:g}",
        "used_bytes": sum(f.size for f in files),
        "may_edit": can_edit_study_data(request.user, study),
    }, status=status)


@login_required
def study_evidence_view(request, report_number):
    """GET: the study's evidence; POST: upload a file (to the study or one of its activities)."""
    study = get_study_for_user(request.user, report_number)
    if request.method != "POST":
        return _page(request, study)
    require(can_add_evidence(request.user, study))
    form = EvidenceUploadForm(request.POST, request.FILES, activities=study_activities(study))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            evidence = storage.evidence_add(
                study=study, upload=upload, filename=upload.name, user=request.user,
                activity=form.cleaned_data["activity"], description=form.cleaned_data["description"])
        except StudyFrozenError as exc:
            messages.error(request, str(exc))
            return _back(request, report_number)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("证据文件“%(name)s”已上传。") % {"name": evidence.original_name})
            return _back(request, report_number)
    if request.POST.get("next"):  # from the stage editor: say it there
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(request, report_number)
    return _page(request, study, form=form, status=400)


def _evidence(request, report_number, pk):
    study = get_study_for_user(request.user, report_number)
    evidence = get_object_or_404(evidence_visible_to(request.user), pk=pk, study=study)
    return study, evidence


@login_required
@require_GET
def evidence_download(request, report_number, pk):
    _study, evidence = _evidence(request, report_number, pk)
    return evidence_file_response(evidence)


@login_required
@require_POST
def evidence_delete(request, report_number, pk):
    study, evidence = _evidence(request, report_number, pk)
    require(can_delete_evidence(request.user, evidence))
    try:
        storage.evidence_delete(evidence=evidence)
    except StudyFrozenError as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("证据文件“%(name)s”已删除。") % {"name": evidence.original_name})
    return _back(request, report_number)
