"""Forms for a study, its products and its narrative sections."""

from __future__ import annotations

from crispy_forms.layout import Column, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from ..choices import NARRATIVE_SECTIONS
from ..models import (
    Product,
    Study,
)
from .common import form_helper

RESERVED_REPORT_NUMBERS = frozenset({"new", "import"})
KNOWN_STANDARDS = (
    "GB/T 24067-2024/ISO 14067:2018",
    "PAS 2050:2011",
    "ISO 14067:2018",
    "GHG Protocol Product Life Cycle Accounting and Reporting Standard",
)


class StudyForm(forms.ModelForm):
    standards = forms.MultipleChoiceField(
        label=_("核算和报告依据"),
        choices=[(s, s) for s in KNOWN_STANDARDS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    other_standards = forms.CharField(
        label=_("其他依据"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("每行一项。"),
    )

    class Meta:
        model = Study
        fields = ("report_number", "title", "company", "language", "period_start", "period_end",
                  "gwp_set", "boundary", "certification_body")
        widgets = {
            "period_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "period_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if companies is not None:
            self.fields["company"].queryset = companies
        if self.instance.pk:
            # The report number is the study's identity (URLs, files); it is fixed once created.
            self.fields["report_number"].disabled = True
            if self.instance.study_products.exists():
                self.fields["company"].disabled = True
                self.fields["company"].help_text = _("报告已有产品，不能更换企业。")
            current = list(self.instance.standards or [])
            self.initial["standards"] = [s for s in current if s in KNOWN_STANDARDS]
            self.initial["other_standards"] = "\n".join(s for s in current if s not in KNOWN_STANDARDS)
        elif not self.is_bound and "standards" not in self.initial:
            self.initial["standards"] = [KNOWN_STANDARDS[0]]
        self.helper = form_helper(
            Row(Column("report_number", css_class="col-md-4"), Column("title", css_class="col-md-8")),
            Row(Column("company", css_class="col-md-8"), Column("language", css_class="col-md-4")),
            Row(Column("period_start", css_class="col-md-3"), Column("period_end", css_class="col-md-3"),
                Column("gwp_set", css_class="col-md-6")),
            Row(Column("boundary", css_class="col-md-4"), Column("certification_body", css_class="col-md-8")),
            Row(Column("standards", css_class="col-md-6"), Column("other_standards", css_class="col-md-6")),
        )

    def clean_report_number(self):
        number = self.cleaned_data["report_number"]
        # These would be shadowed by /studies/new/ and /studies/import/.
        if number.lower() in RESERVED_REPORT_NUMBERS:
            raise forms.ValidationError(_("报告编号不能是 %(number)s。") % {"number": number})
        return number

    def clean(self):
        cleaned = super().clean()
        standards = list(cleaned.get("standards") or [])
        for line in (cleaned.get("other_standards") or "").splitlines():
            if line.strip() and line.strip() not in standards:
                standards.append(line.strip())
        if not standards:
            self.add_error("standards", _("至少选择或填写一项核算依据。"))
        cleaned["standards"] = standards
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("报告期结束日期不能早于开始日期。"))
        return cleaned

    def _post_clean(self):
        # The combined list, not the checkbox values, is what the model stores.
        super()._post_clean()
        self.instance.standards = self.cleaned_data.get("standards", [])


class StudyProductAddForm(forms.Form):
    product = forms.ModelChoiceField(label=_("产品"), queryset=Product.objects.none())
    annual_output = forms.DecimalField(
        label=_("报告期产量"), min_value=0, max_digits=24, decimal_places=6,
        help_text=_("报告期内生产的功能单位数量。"),
    )

    def __init__(self, *args, study: Study, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = (
            Product.objects.filter(company_id=study.company_id)
            .exclude(study_products__study=study).order_by("code")
        )
        self.fields["product"].label_from_instance = lambda p: f"{p.code} · {p.name} ({p.functional_unit})"


class StudyProductOutputForm(forms.Form):
    annual_output = forms.DecimalField(
        label=_("报告期产量"), min_value=0, max_digits=24, decimal_places=6
    )


class NarrativeForm(forms.Form):
    """The narrative sections; an empty section means the report uses our default paragraph."""

    company_overview = forms.CharField(label=_("企业概况"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in NARRATIVE_SECTIONS:
            self.fields[key] = forms.CharField(
                label=Study._meta.get_field(key).verbose_name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
