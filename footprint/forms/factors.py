"""The emission factor library: a factor (a new version on edit) and the library's filter."""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.layout import Column, Field, Row
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..choices import FactorCategory, Gas
from ..models import EmissionFactor
from ..services.calculation.units import (
    UnitError,
    UnitSyntaxError,
    activity_unit_of,
    fuel_factor_value,
    parse_unit,
)
from ..services.interchange.distribution_fields import DISTRIBUTION_COLUMNS
from .common import check_distribution, form_helper, plain_decimal


class FactorForm(forms.ModelForm):
    """A library factor: a value, or a fuel's NCV × carbon content × oxidation rate."""

    class Meta:
        model = EmissionFactor
        fields = ("code", "name_zh", "name_en", "category", "gas", "value", "unit", "ncv",
                  "carbon_content", "oxidation_rate", "year", "region", "source", "published",
                  "notes", "licence_note", "redistribution_allowed", *DISTRIBUTION_COLUMNS)
        widgets = {"source": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2}),
                   "licence_note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "ncv": _("例如 43.330 GJ/t"),
            "carbon_content": _("例如 20.20 t/TJ"),
        }

    def __init__(self, *args, new_version_of: EmissionFactor | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_version_of = new_version_of
        if new_version_of is not None:
            self.fields["code"].disabled = True
            self.fields["code"].initial = new_version_of.code
        for name in ("value", "oxidation_rate"):
            if self.initial.get(name) is not None:
                self.initial[name] = plain_decimal(self.initial[name])
        # The value as published (0.5500, not 0.55): the service keeps the decimals it is
        # entered with (services/reference/factors.py), so an unchanged value keeps its precision.
        decimals = (new_version_of or self.instance).value_decimals
        if self.initial.get("value") is not None and decimals is not None:
            self.initial["value"] = Decimal(self.initial["value"]).quantize(Decimal(1).scaleb(-decimals))
        self.helper = form_helper(
            Row(Column("code", css_class="col-md-4"), Column("name_zh", css_class="col-md-4"),
                Column("name_en", css_class="col-md-4")),
            Row(Column("category", css_class="col-md-4"), Column("gas", css_class="col-md-4"),
                Column("unit", css_class="col-md-4")),
            Row(Column("value", css_class="col-md-3"), Column("ncv", css_class="col-md-3"),
                Column("carbon_content", css_class="col-md-3"),
                Column("oxidation_rate", css_class="col-md-3")),
            Row(Column("year", css_class="col-md-3"), Column("region", css_class="col-md-3"),
                Column("published", css_class="col-md-6")),
            Field("source"),
            Field("notes"),
            Field("licence_note"),
            Field("redistribution_allowed"),
            # The uncertainty its source publishes (docs/uncertainty.md); blank: basic uncertainty.
            Row(*(Column(name, css_class="col-md") for name in DISTRIBUTION_COLUMNS)),
        )

    def clean_unit(self):
        unit = self.cleaned_data["unit"].strip()
        try:
            parse_unit(unit)
            activity_unit_of(unit)
        except UnitSyntaxError as exc:
            raise forms.ValidationError(str(exc)) from None
        except UnitError:
            raise forms.ValidationError(_("无法识别的单位 %(unit)s。") % {"unit": unit}) from None
        return unit

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value")
        derivation = [cleaned.get(k) for k in ("ncv", "carbon_content", "oxidation_rate")]
        has_derivation = any(d not in (None, "") for d in derivation)
        if value is not None and has_derivation:
            raise forms.ValidationError(_("因子值和燃料推导参数只能给出其中之一。"))
        if value is None and not has_derivation:
            self.add_error("value", _("请填写因子值，或低位发热量、含碳量和氧化率。"))
        elif value is None:
            ncv, carbon, rate = derivation
            if not (ncv and carbon and rate):
                self.add_error("ncv", _("燃料推导需要低位发热量、含碳量和氧化率三项。"))
            elif cleaned.get("unit"):
                try:
                    fuel_factor_value(ncv, carbon, float(rate), cleaned["unit"])
                except UnitError as exc:
                    self.add_error("ncv", _("无法由推导参数计算因子：%(error)s") % {"error": exc})
        if value is not None and value < 0:
            self.add_error("value", _("因子值不能为负数。"))
        check_distribution(self, cleaned, value)
        return cleaned

    def validate_unique(self):
        if self.new_version_of is None:
            super().validate_unique()


class FactorFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    category = forms.ChoiceField(label=_("类别"), required=False,
                                 choices=[("", _("全部类别")), *FactorCategory.choices])
    region = forms.ChoiceField(label=_("地区"), required=False)
    year = forms.TypedChoiceField(label=_("年份"), required=False, coerce=int, empty_value=None)
    gas = forms.ChoiceField(label=_("温室气体"), required=False, choices=[("", _("全部气体")), *Gas.choices])
    source = forms.CharField(label=_("来源"), required=False)
    all_versions = forms.BooleanField(label=_("包含旧版本"), required=False)

    def __init__(self, *args, regions=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("全部地区")), *((r, r) for r in regions)]
        self.fields["year"].choices = [("", _("全部年份")), *((y, y) for y in years)]


class FactorLibraryImportForm(forms.Form):
    """Uploading a factor library (docs/factor-library.md)."""

    file = forms.FileField(
        label=_("因子库文件"),
        help_text=_(".csv 或 .xlsx，列与 emission_factors_cn.csv 相同（燃料推导因子与 fuel_defaults_cn.csv 相同）。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    @staticmethod
    def too_large_message() -> str:
        return _("文件太大（上限 %(mb)s MB）。") % {"mb": f"{settings.IMPORT_MAX_BYTES / 2**20:g}"}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("不支持的文件类型：请上传 .csv 或 .xlsx 文件。"))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(self.too_large_message())
        return upload
