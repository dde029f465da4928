"""Data requests (docs/data-requests.md): the auditor's list and request pages, the company's
filling page (browser or workbook), the inbox, and inviting a company's contacts. Thin: scope
through the selectors (404), roles through access.py (403), every change through one service
of services/data_requests."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..access import (
    can_edit_study_data,
    can_fill_data_request,
    can_invite_contact,
    can_manage_data_requests,
    can_view_data_request,
    get_study_for_user,
    require,
    require_staff,
)
from ..choices import DATA_ROWS_TO_FILL, DataRequestStatus, DataRowStatus
from ..forms.data_requests import (
    DataRequestDueDateForm,
    DataRequestForm,
    DataRequestRowForm,
    InviteContactForm,
    WorkbookUploadForm,
)
from ..responses import evidence_file_response
from ..selectors import (
    companies_visible_to,
    company_contacts,
    data_request_evidence_visible_to,
    data_request_rows,
    data_requests_visible_to,
    is_staff_role,
    notices_for,
    study_data_requests,
)
from ..services.data_requests import requesting as R
from ..services.data_requests.evidence import row_evidence_add
from ..services.data_requests.invitations import invitation_resend, invite_contact
from ..services.data_requests.notices import notice_link, notice_text
from ..services.data_requests.workbook import read_request_workbook, write_request_workbook
from ..services.freeze import StudyFrozenError, study_is_editable
from ..services.interchange.document import FormatError
from ..services.interchange.importing import pending_upload_delete
from . import pending_uploads

SESSION_KEY = "pending_request_uploads"
MAX_PENDING = 5


def get_data_request_for_user(user, report_number: str, request_id: int):
    """The request, if the user may see it; 404 otherwise (never reveal that it exists)."""
    data_request = get_object_or_404(data_requests_visible_to(user), pk=request_id,
                                     study__report_number=report_number)
    if not can_view_data_request(user, data_request):
        raise Http404
    return data_request


# --------------------------------------------------------------------- the study's requests
@login_required
def study_data_requests_view(request, report_number):
    study = get_study_for_user(request.user, report_number)
    require_staff(request.user)
    may_manage = can_manage_data_requests(request.user, study)
    form = DataRequestForm(request.POST or None)
    if request.method == "POST":
        require(may_manage)
        if form.is_valid():
            try:
                data_request = R.data_request_create(study=study, user=request.user, **form.cleaned_data)
            except StudyFrozenError as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("数据请求已创建：请添加要企业填写的活动数据行，然后发送。"))
                return redirect("data_request_detail", report_number=study.report_number,
                                request_id=data_request.pk)
    return render(request, "footprint/data_requests/list.html", {
        "study": study, "requests": study_data_requests(request.user, study), "form": form,
        "may_manage": may_manage and study_is_editable(study), "may_edit": can_edit_study_data(request.user, study),
    })


# ---------------------------------------------------------------------------- one request
def _values_from_post(post, rows, only: int | None = None) -> list[R.RowValue]:
    values = []
    for row in rows:
        if only is not None and row.pk != only:
            continue
        if row.status not in DATA_ROWS_TO_FILL:
            continue
        quantity = post.get(f"row-{row.pk}-quantity", "")
        if only is None and not str(quantity).strip():
            continue
        values.append(R.RowValue(row.pk, quantity, post.get(f"row-{row.pk}-unit", ""),
                                 post.get(f"row-{row.pk}-note", "")))
    return values


@login_required
def data_request_detail(request, report_number, request_id):
    data_request = get_data_request_for_user(request.user, report_number, request_id)
    study = data_request.study
    may_manage = can_manage_data_requests(request.user, study)
    may_fill = can_fill_data_request(request.user, data_request)
    row_form = DataRequestRowForm(study=study)
    row_errors: dict[int, list] = {}
    entered: dict = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        require(may_fill if action == "submit" else (may_fill or may_manage) if action == "attach"
                else may_manage)
        rows = data_request_rows(data_request)
        try:
            if action == "add_row":
                row_form = DataRequestRowForm(request.POST, study=study)
                if row_form.is_valid():
                    data = row_form.cleaned_data
                    R.data_request_add_row(
                        data_request=data_request, user=request.user, study_product=data["study_product"],
                        stage=data["stage"], name=data["name"], unit=data["unit"],
                        expected_evidence=data["expected_evidence"], hint=data["hint"],
                        factor=data["factor_code"], activity=data["activity"])
                    messages.success(request, _("已添加数据行“%(name)s”。") % {"name": data["name"]})
                    return _back(data_request)
            elif action == "remove_row":
                row = _row(data_request, request.POST.get("row"))
                R.data_request_remove_row(row=row, user=request.user)
                return _back(data_request)
            elif action == "remind":
                n = R.data_request_remind(data_request=data_request, user=request.user)
                messages.success(request, ngettext("已再次通知企业：%(n)s 项数据待填写。",
                                                   "已再次通知企业：%(n)s 项数据待填写。", n) % {"n": n})
                return _back(data_request)
            elif action == "due_date":
                due_form = DataRequestDueDateForm(request.POST)
                if not due_form.is_valid():
                    raise ValidationError([m for ms in due_form.errors.values() for m in ms])
                R.data_request_set_due_date(data_request=data_request, user=request.user,
                                            due_date=due_form.cleaned_data["due_date"])
                messages.success(request, _("截止日期已改为 %(due)s。") % {
                    "due": due_form.cleaned_data["due_date"].isoformat()})
                return _back(data_request)
            elif action == "send":
                R.data_request_send(data_request=data_request, user=request.user)
                messages.success(request, _("数据请求已发送给企业。"))
                return _back(data_request)
            elif action in ("accept", "accept_all"):
                row_ids = None if action == "accept_all" else [_row(data_request, request.POST.get("row")).pk]
                accepted = R.data_request_accept(data_request=data_request, user=request.user, row_ids=row_ids,
                                                 verified_against_evidence=request.POST.get("verify") == "1")
                messages.success(request, _("已接受 %(n)s 项数据，计算结果已更新。") % {"n": len(accepted)})
                return _back(data_request)
            elif action == "reject":
                row = _row(data_request, request.POST.get("row"))
                R.data_request_reject(row=row, user=request.user, comment=request.POST.get("comment", ""))
                messages.success(request, _("已退回“%(name)s”，企业会收到您的意见。") % {"name": row.name})
                return _back(data_request)
            elif action == "attach":
                row = _row(data_request, request.POST.get("row"))
                upload = request.FILES.get("file")
                if upload is None:
                    raise ValidationError(_("请选择要上传的文件。"))
                evidence = row_evidence_add(row=row, user=request.user, upload=upload, filename=upload.name)
                messages.success(request, _("已为“%(name)s”上传证据文件 %(file)s。") % {
                    "name": row.name, "file": evidence.original_name})
                return _back(data_request)
            elif action == "submit":
                only = request.POST.get("row")
                only = int(only) if only and only.isdigit() else None
                entered = request.POST
                values = _values_from_post(request.POST, rows, only)
                submitted = R.data_request_submit(data_request=data_request, user=request.user, values=values)
                messages.success(request, _("已提交 %(n)s 项数据，等待核查员核查。") % {"n": len(submitted)})
                return _back(data_request)
            else:
                return HttpResponse(status=400)
        except StudyFrozenError as exc:
            messages.error(request, str(exc))
        except R.RowErrors as exc:
            row_errors = {pk: [m for _c, m in problems] for pk, problems in exc.row_errors.items()}
            messages.error(request, _("数据有误，未提交任何数据：请按各行的提示更正。"))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    rows = data_request_rows(data_request)
    for row in rows:
        row.errors = row_errors.get(row.pk, [])
        row.entered = {
            "quantity": entered.get(f"row-{row.pk}-quantity", "") if entered else (
                "" if row.quantity is None else _plain(row.quantity)),
            "unit": entered.get(f"row-{row.pk}-unit", "") if entered else (row.submitted_unit or row.unit),
            "note": entered.get(f"row-{row.pk}-note", "") if entered else row.note,
        }
    editable = study_is_editable(study)
    for row in rows:
        row.fillable = may_fill and editable and row.status in DATA_ROWS_TO_FILL
        row.attachable = editable and (may_fill or may_manage) and row.status != DataRowStatus.ACCEPTED
    return render(request, "footprint/data_requests/detail.html", {
        "study": study, "data_request": data_request, "rows": rows, "row_form": row_form,
        "may_manage": may_manage and editable, "may_fill": may_fill and editable,
        "editable": editable, "is_draft": data_request.status == DataRequestStatus.DRAFT,
        "submitted_count": sum(1 for r in rows if r.status == DataRowStatus.SUBMITTED),
        "upload_form": WorkbookUploadForm(),
        "may_remind": may_manage and editable and data_request.status == DataRequestStatus.SENT,
        "may_change_due_date": may_manage and editable and data_request.status != DataRequestStatus.CLOSED,
        "may_edit": can_edit_study_data(request.user, study),
        "staff_view": is_staff_role(request.user),
    })


def _plain(value) -> str:
    from ..services.formatting import plain

    return plain(value)


def _row(data_request, row_id):
    if not str(row_id or "").isdigit():
        raise ValidationError(_("请选择一行。"))
    row = data_request.rows.filter(pk=int(row_id)).first()
    if row is None:
        raise ValidationError(_("该行不属于此数据请求。"))
    return row


def _back(data_request):
    return redirect("data_request_detail", report_number=data_request.study.report_number,
                    request_id=data_request.pk)


@login_required
def data_request_evidence(request, report_number, request_id, pk):
    """A file attached to one of the request's rows, as a download only (never inline), to
    whoever may see the request (the company's contacts before the study is sent to them)."""
    data_request = get_data_request_for_user(request.user, report_number, request_id)
    evidence = get_object_or_404(data_request_evidence_visible_to(request.user),
                                 pk=pk, request_rows__request=data_request)
    return evidence_file_response(evidence)


# ------------------------------------------------------------------------- the workbook
@login_required
def data_request_workbook(request, report_number, request_id):
    """The request as a workbook in the reader's language, to fill offline."""
    data_request = get_data_request_for_user(request.user, report_number, request_id)
    content = write_request_workbook(data_request, data_request_rows(data_request),
                                     language=translation.get_language())
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"{data_request.study.report_number}-request-{data_request.pk}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def data_request_upload(request, report_number, request_id):
    """Upload the filled workbook: a preview of what it submits and every problem with its
    place; nothing is submitted until confirmed."""
    data_request = get_data_request_for_user(request.user, report_number, request_id)
    require(can_fill_data_request(request.user, data_request))
    form = WorkbookUploadForm(request.POST, request.FILES)
    token = request.POST.get("token", "")
    pending = pending_uploads.get(request, session_key=SESSION_KEY, token=token)
    if pending:  # the confirmation of a preview
        return _confirm_upload(request, data_request, token, pending)
    if not form.is_valid():
        for message in form.errors.get("file", []):
            messages.error(request, message)
        return _back(data_request)
    content = form.cleaned_data["file"].read()
    try:
        preview = read_request_workbook(content, data_request)
    except FormatError as exc:
        messages.error(request, str(exc))
        return _back(data_request)
    token = ""
    if preview.ok:
        token = pending_uploads.remember(request, session_key=SESSION_KEY, limit=MAX_PENDING,
                                         name="request.xlsx", content=content,
                                         extra={"request": data_request.pk})
    return render(request, "footprint/data_requests/preview.html", {
        "study": data_request.study, "data_request": data_request, "preview": preview, "token": token,
        "name": form.cleaned_data["file"].name,
    })


def _confirm_upload(request, data_request, token, pending):
    pending_uploads.take(request, session_key=SESSION_KEY, token=token)
    if pending.get("request") != data_request.pk or not default_storage.exists(pending["path"]):
        messages.error(request, _("上传的文件已过期，请重新上传。"))
        return _back(data_request)
    with default_storage.open(pending["path"], "rb") as fh:
        content = fh.read()
    pending_upload_delete(path=pending["path"])
    try:
        preview = read_request_workbook(content, data_request)
        submitted = R.data_request_submit(data_request=data_request, user=request.user, values=preview.values)
    except (FormatError, StudyFrozenError) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已从工作簿提交 %(n)s 项数据，等待核查员核查。") % {"n": len(submitted)})
    return _back(data_request)


# ------------------------------------------------------------------------------ the inbox
@login_required
def inbox(request):
    notices = notices_for(request.user)
    if request.method == "POST":
        if request.POST.get("notice", "").isdigit():
            notice = get_object_or_404(notices, pk=int(request.POST["notice"]))
            if notice.read_at is None:
                notice.read_at = timezone.now()
                notice.save(update_fields=["read_at"])
            return redirect(notice_link(notice))
        notices.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("inbox")
    entries = [{"notice": n, "text": notice_text(n), "link": notice_link(n)} for n in notices[:200]]
    return render(request, "footprint/data_requests/inbox.html", {"entries": entries})


# ----------------------------------------------------------------------- company contacts
@login_required
def company_contacts_view(request, pk):
    company = get_object_or_404(companies_visible_to(request.user), pk=pk)
    may_invite = can_invite_contact(request.user, company)
    form = InviteContactForm(request.POST or None)
    link = ""
    if request.method == "POST" and request.POST.get("resend", "").isdigit():
        require(may_invite)
        contact = get_object_or_404(company_contacts(company), pk=int(request.POST["resend"]))
        form = InviteContactForm()
        try:
            link = invitation_resend(user=contact, invited_by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已重新发送邀请给 %(name)s。") % {"name": contact.display_name})
    elif request.method == "POST":
        require(may_invite)
        if form.is_valid():
            try:
                user, link = invite_contact(company=company, invited_by=request.user, **form.cleaned_data)
            except PermissionDenied:
                raise
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("已邀请 %(name)s：邀请邮件已发送，其中的链接用于设置密码。") % {
                    "name": user.display_name})
                form = InviteContactForm()
    return render(request, "footprint/data_requests/contacts.html", {
        "company": company, "contacts": company_contacts(company), "form": form, "may_invite": may_invite,
        "link": link,
    })
