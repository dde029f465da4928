"""A user's own particulars."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ProfileForm(forms.Form):
    """A user's own particulars; the verification team copies them (staff only)."""

    name = forms.CharField(label=_("姓名"), max_length=150,
                           help_text=_("按报告中的写法填写，例如“张三”。"))
    email = forms.EmailField(label=_("电子邮箱"), required=False,
                             help_text=_("报告状态变化的通知发到这里。"))
    organisation = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    certificate_number = forms.CharField(
        label=_("核查员证书号"), max_length=100, required=False,
        help_text=_("例如 CCAA 温室气体核查员证书号；加入核查组时复制到报告附件。"),
    )

    def __init__(self, *args, staff: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["organisation"]
            del self.fields["certificate_number"]
