"""The public verification page: no login, only the facts listed in PublicFacts.

It accepts an uploaded PDF and says whether it is the authentic issued file and whether its
signature is intact. Uploads are hostile until proven otherwise: size-capped, never stored,
parsed only by pyHanko inside a guard that turns any failure into "not authentic".
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from ..services.workflow import verification


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("报告 PDF 文件"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.VERIFY_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("文件太大（上限 %(mb)s MB）。") % {"mb": settings.VERIFY_UPLOAD_MAX_BYTES // (1024 * 1024)}
            )
        return upload


class CodeForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("验证码"), max_length=64)


def _verdict(form: UploadForm, expected=None):
    data = form.cleaned_data["file"].read(settings.VERIFY_UPLOAD_MAX_BYTES + 1)
    return verification.verify_pdf(data, expected=expected)


@never_cache
def verify_index(request):
    """Enter a verification code, or upload a PDF to find the report it belongs to."""
    code_form = CodeForm(request.GET or None)
    if code_form.is_bound and code_form.is_valid():
        return redirect("verify_report", code=code_form.cleaned_data["code"].strip())
    upload_form = UploadForm(request.POST or None, request.FILES or None)
    verdict = None
    facts = None
    if request.method == "POST" and upload_form.is_valid():
        verdict = _verdict(upload_form)
        if verdict.matched is not None:
            facts = verification.public_facts(verdict.matched)
    status = 400 if request.method == "POST" and not upload_form.is_valid() else 200
    return render(request, "verify/index.html", {
        "code_form": code_form if code_form.is_bound else CodeForm(),
        "upload_form": upload_form, "verdict": verdict, "facts": facts,
    }, status=status)


@never_cache
def verify_report(request, code):
    study = verification.issued_study_for_code(code)
    if study is None:
        raise Http404(_("没有这个验证码对应的已签发报告。"))
    upload_form = UploadForm(request.POST or None, request.FILES or None)
    verdict = None
    if request.method == "POST" and upload_form.is_valid():
        verdict = _verdict(upload_form, expected=study)
    status = 400 if request.method == "POST" and not upload_form.is_valid() else 200
    return render(request, "verify/report.html", {
        "facts": verification.public_facts(study), "upload_form": upload_form, "verdict": verdict,
        "code": code,
    }, status=status)
