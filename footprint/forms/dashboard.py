"""The dashboard's filter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import StudyStatus
from ..models import Company
from .common import SMALL_SELECT


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *StudyStatus.choices])
    company = forms.ModelChoiceField(label=_("企业"), required=False, queryset=Company.objects.none(),
                                     empty_label=_("全部企业"),
                                     widget=forms.Select(attrs=SMALL_SELECT))

    def __init__(self, *args, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if companies is not None:
            self.fields["company"].queryset = companies
