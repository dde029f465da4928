"""Uploading a pcf-study/1 file."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("研究文件"),
        help_text=_("pcf-study/1 格式的 .xlsx 工作簿或 .json 文件。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.json"}),
    )
    replace = forms.BooleanField(
        label=_("替换同编号的已有报告"), required=False,
        help_text=_("已有报告的产品、阶段和活动数据将被文件内容替换；已签发的报告不能替换。"),
    )

    @staticmethod
    def too_large_message() -> str:
        return _("文件太大（上限 %(mb)s MB）。") % {"mb": f"{settings.IMPORT_MAX_BYTES / 2**20:g}"}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".json")):
            raise forms.ValidationError(_("不支持的文件类型：请上传 .json 或 .xlsx 文件。"))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(self.too_large_message())
        return upload
