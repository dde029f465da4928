"""Data requests: the auditor's request and rows, the company's workbook upload, inviting a
contact (docs/data-requests.md)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..choices import Stage
from .common import SMALL, SMALL_SELECT


class _Styled:
    """Bootstrap's small controls on every field (the templates print the widgets as they are)."""

    def style(self):
        for field in self.fields.values():
            widget = field.widget
            attrs = SMALL_SELECT if isinstance(widget, forms.Select) else SMALL
            widget.attrs = {**attrs, **widget.attrs}


class DataRequestForm(_Styled, forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    due_date = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    message = forms.CharField(label=_("给企业的说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class DataRequestDueDateForm(_Styled, forms.Form):
    due_date = forms.DateField(label=_("新的截止日期"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()


class DataRequestRowForm(_Styled, forms.Form):
    """One row to fill. The factor is given by its code (the current version is used); with an
    existing activity record chosen, an accepted value updates that record instead."""

    study_product = forms.ModelChoiceField(label=_("产品"), queryset=None)
    stage = forms.ChoiceField(label=_("生命周期阶段"), choices=Stage.choices)
    name = forms.CharField(label=_("活动名称"), max_length=200)
    unit = forms.CharField(label=_("单位"), max_length=40, required=False,
                           help_text=_("更新已有活动数据时可留空（沿用其单位）。"))
    expected_evidence = forms.CharField(label=_("需提供的证据"), max_length=300, required=False)
    hint = forms.CharField(label=_("填写提示"), required=False)
    factor_code = forms.CharField(label=_("排放因子代码"), max_length=64, required=False,
                                  help_text=_("接受数值时新建活动数据所用的因子。"))
    activity = forms.ModelChoiceField(label=_("更新已有活动数据"), queryset=None, required=False)

    def __init__(self, *args, study, **kwargs):
        from ..models import ActivityRecord, StudyProduct

        super().__init__(*args, **kwargs)
        self.fields["study_product"].queryset = StudyProduct.objects.filter(study=study).select_related("product")
        self.fields["study_product"].label_from_instance = lambda sp: f"{sp.product.code} {sp.product.name}"
        self.fields["activity"].queryset = ActivityRecord.objects.filter(
            stage__study_product__study=study).select_related("stage__study_product__product")
        self.fields["activity"].label_from_instance = lambda a: (
            f"{a.stage.study_product.product.code} / {a.stage.get_stage_display()} / {a.name} ({a.unit})")
        self.style()

    def clean_factor_code(self):
        from ..selectors import current_factors_by_code

        code = (self.cleaned_data.get("factor_code") or "").strip()
        if not code:
            return None
        factor = current_factors_by_code([code]).get(code)
        if factor is None:
            raise forms.ValidationError(_("因子库中没有代码为 %(code)s 的因子。") % {"code": code})
        return factor


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(label=_("填好的工作簿"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("不支持的文件类型：请上传 .xlsx 工作簿。"))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("文件太大（上限 %(mb)s MB）。") % {
                "mb": f"{settings.IMPORT_MAX_BYTES / 2**20:g}"})
        return upload


class InviteContactForm(_Styled, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    email = forms.EmailField(label=_("电子邮箱"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()
