"""Product images of a study: upload and caption."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class StudyImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("图片文件"),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,image/jpeg,image/png"}),
    )
    caption = forms.CharField(
        label=_("图片说明"), required=False, max_length=200,
        help_text=_("报告中印在图下；留空则使用文件名。图片按说明排序。"),
    )


class StudyImageCaptionForm(forms.Form):
    caption = forms.CharField(label=_("图片说明"), max_length=200)
