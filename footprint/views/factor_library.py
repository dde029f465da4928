"""Bringing a factor library in (upload → preview → confirm, all or nothing) and taking it out
(docs/factor-library.md). The rows' checks, versions and the transaction are
services/reference/library_import.py's; this only keeps the upload between the two requests."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import can_import_factors, can_manage_factors, require
from ..forms.factors import FactorLibraryImportForm
from ..services.interchange.document import FormatError
from ..services.reference.library_import import (
    LibraryRejected,
    import_library,
    library_export,
    preview_library,
)
from . import pending_uploads

SESSION_KEY = "pending_factor_libraries"
MAX_PENDING = 3
SHOWN = 200  # rows listed per part of the preview; the counts are always whole


@login_required
def factor_import(request):
    require(can_import_factors(request.user))
    if request.method == "POST" and _declared_length(request) > settings.IMPORT_MAX_BYTES + 2**20:
        # Refused from the declared length, before the body is parsed and spooled to disk.
        messages.error(request, FactorLibraryImportForm.too_large_message())
        return render(request, "footprint/factors/import.html",
                      {"form": FactorLibraryImportForm()}, status=413)
    form = FactorLibraryImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            preview = preview_library([(upload.name, content)])
        except FormatError as exc:
            form.add_error("file", str(exc))
        else:
            token = _remember(request, upload.name, content)
            return render(request, "footprint/factors/import_preview.html",
                          _context(preview, token=token, name=upload.name))
    return render(request, "footprint/factors/import.html", {"form": form})


@login_required
@require_POST
def factor_import_confirm(request):
    require(can_import_factors(request.user))
    token = request.POST.get("token", "")
    pending = request.session.get(SESSION_KEY, {}).get(token)
    if not pending or not default_storage.exists(pending["path"]):
        messages.error(request, _("上传的文件已过期，请重新上传。"))
        return redirect("factor_import")
    with default_storage.open(pending["path"], "rb") as fh:
        content = fh.read()
    try:
        done = import_library(files=[(pending["name"], content)], user=request.user)
    except LibraryRejected as exc:
        messages.error(request, str(exc))
        return render(request, "footprint/factors/import_preview.html",
                      _context(exc.preview, token=token, name=pending["name"]))
    except FormatError as exc:
        messages.error(request, str(exc))
        return redirect("factor_import")
    _forget(request, token)
    messages.success(request, _(
        "因子库已导入：新增 %(new)s 个因子，%(changed)s 个因子创建了新版本，%(unchanged)s 个未变。"
        "使用旧版本的报告数值不变。") % {
        "new": len(done.new), "changed": len(done.changed), "unchanged": len(done.unchanged)})
    return redirect("factor_list")


@login_required
@require_POST
def factor_import_cancel(request):
    require(can_import_factors(request.user))
    _forget(request, request.POST.get("token", ""))
    return redirect("factor_import")


@login_required
def factor_export(request):
    """The library's current versions as one workbook, in the import format."""
    require(can_manage_factors(request.user))
    name = f"factor-library-{timezone.localdate():%Y%m%d}.xlsx"
    [(name, content)] = library_export(name).items()
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _context(preview, *, token: str, name: str) -> dict:
    return {
        "preview": preview, "token": token, "name": name, "shown": SHOWN,
        "new": preview.new[:SHOWN], "changed": preview.changed[:SHOWN],
        "unchanged": preview.unchanged[:SHOWN], "rejected": preview.rejected[:SHOWN],
    }


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _remember(request, name: str, content: bytes) -> str:
    return pending_uploads.remember(request, session_key=SESSION_KEY, limit=MAX_PENDING,
                                    name=name, content=content)


def _forget(request, token: str) -> None:
    pending_uploads.forget(request, session_key=SESSION_KEY, token=token)
