"""Forms of the web application: they declare and clean fields; services do the writing.

crispy-forms lays out the ordinary forms. The activity table is a model formset rendered by a
hand-written table template (templates/footprint/stages/_activity_row.html): crispy renders
one template per field, which for a stage of several hundred rows costs more than the whole
rest of the page.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from functools import cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from .choices import FactorCategory, Gas, Role, StudyStatus
from .models import (
    ActivityRecord,
    Company,
    EmissionFactor,
    LifecycleStage,
    Product,
    Study,
    User,
    VerificationTeamMember,
)
from .services import report_translation
from .services.activities import activity_unit_problem
from .services.distribution_fields import (
    DISTRIBUTION_COLUMNS,
    RATING_COLUMNS,
    distribution_problems,
)
from .services.distribution_fields import PARAMETERS as DISTRIBUTION_PARAMETERS
from .services.study_format import NARRATIVE_FIELDS
from .services.units import (
    UnitError,
    UnitSyntaxError,
    activity_unit_of,
    fuel_factor_value,
    parse_unit,
)

RESERVED_REPORT_NUMBERS = frozenset({"new", "import"})
KNOWN_STANDARDS = (
    "GB/T 24067-2024/ISO 14067:2018",
    "PAS 2050:2011",
    "ISO 14067:2018",
    "GHG Protocol Product Life Cycle Accounting and Reporting Standard",
)


def plain_decimal(value):
    """281683.000000000 → 281683, so an edit form shows what was typed, not the column's scale."""
    if isinstance(value, Decimal):
        normalized = value.normalize()
        return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized
    return value


_SMALL = {"class": "form-control form-control-sm"}
_SMALL_SELECT = {"class": "form-select form-select-sm"}


def _helper(*layout, submit: str | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    if submit:
        helper.add_input(Submit("save", submit))
    return helper


# ---------------------------------------------------------------------------- company
class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = ("name", "credit_code", "address", "legal_representative", "contact_name",
                  "contact_phone", "overview")
        widgets = {"overview": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "name",
            Row(Column("credit_code", css_class="col-md-6"), Column("legal_representative", css_class="col-md-6")),
            "address",
            Row(Column("contact_name", css_class="col-md-6"), Column("contact_phone", css_class="col-md-6")),
            "overview",
        )


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ("code", "name", "model", "functional_unit", "description", "energy_using")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"functional_unit": _("例如 1 台、1 kg、1 m²。结果按每功能单位计算。")}

    def __init__(self, *args, company: Company | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company or getattr(self.instance, "company", None)
        self.helper = _helper(
            Row(Column("code", css_class="col-md-4"), Column("name", css_class="col-md-8")),
            Row(Column("model", css_class="col-md-8"), Column("functional_unit", css_class="col-md-4")),
            "description",
            "energy_using",
        )

    def clean_code(self):
        code = self.cleaned_data["code"]
        if self.company is not None:
            clash = Product.objects.filter(company=self.company, code=code).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(_("该企业已有代码为 %(code)s 的产品。") % {"code": code})
        return code

    def _get_validation_exclusions(self):
        # The company is not a form field; clean_code checks the per-company uniqueness.
        exclusions = super()._get_validation_exclusions()
        exclusions.add("company")
        return exclusions


# ------------------------------------------------------------------------------ study
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
        self.helper = _helper(
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
        for key in NARRATIVE_FIELDS:
            self.fields[key] = forms.CharField(
                label=Study._meta.get_field(key).verbose_name,
                required=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )


# ------------------------------------------------------------- English wording of a study
def term_field_name(term: str) -> str:
    """A stable field name for a text as entered (any length, any characters)."""
    return "term_" + hashlib.sha1(term.encode("utf-8")).hexdigest()[:16]


class TranslationForm(forms.Form):
    """The English wording of a study: one field per passage (`text_<key>`) and one per
    short text the report prints (`term_<hash>`, labelled with the text as entered)."""

    def __init__(self, *args, terms: list[str], entry: dict, text_labels: dict[str, str],
                 suggestions: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        texts, known = entry.get("texts") or {}, entry.get("terms") or {}
        # Texts this study has not translated yet start with another study's wording.
        self.suggested = {t: suggestions[t] for t in terms if t not in known and t in (suggestions or {})}
        for key in report_translation.TEXT_KEYS:
            widget = forms.TextInput() if key == "title" else forms.Textarea(attrs={"rows": 5})
            self.fields[f"text_{key}"] = forms.CharField(
                label=text_labels[key], required=False, initial=texts.get(key, ""), widget=widget,
                max_length=report_translation.MAX_TEXT_LENGTH)
        self.terms = terms
        for term in terms:
            self.fields[term_field_name(term)] = forms.CharField(
                label=term, required=False, initial=known.get(term) or self.suggested.get(term, ""),
                max_length=report_translation.MAX_TERM_LENGTH)

    def texts(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"text_{key}") or "" for key in report_translation.TEXT_KEYS}

    def term_translations(self) -> dict[str, str]:
        return {term: self.cleaned_data.get(term_field_name(term)) or "" for term in self.terms}

    def term_rows(self):
        """(text as entered, its field, whether the field starts with a suggestion)"""
        return [(term, self[term_field_name(term)], term in self.suggested) for term in self.terms]


# ------------------------------------------------------------------- study team (people)
def _person_label(user) -> str:
    """The name, and the login name where the name alone could be ambiguous."""
    return user.display_name if user.display_name == user.username else f"{user.display_name} ({user.username})"


class _PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return _person_label(user)


class _PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return _person_label(user)


class StudyPeopleForm(forms.Form):
    """Who works on a study. The independence of the lead verifier is the service's rule
    (services/team.people_problems); its errors come back onto these fields."""

    auditors = _PeopleChoice(
        label=_("核查员"), required=False, queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("编制报告、录入和核对数据的核查员；他们可以编辑本报告。"),
    )
    lead_verifier = _PersonChoice(
        label=_("技术负责人"), required=False, queryset=User.objects.none(),
        empty_label=_("（未指定）"),
        help_text=_("审核、批准并签发报告；不能是本报告的核查员或编制人。"),
    )
    certification_body = forms.CharField(label=_("认证机构"), required=False, max_length=200)

    def __init__(self, *args, default_body: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True).order_by("first_name", "username")
        self.fields["auditors"].queryset = people.filter(role=Role.AUDITOR)
        self.fields["lead_verifier"].queryset = people.filter(role=Role.LEAD_VERIFIER)
        if default_body:
            self.fields["certification_body"].widget.attrs["placeholder"] = default_body
            self.fields["certification_body"].help_text = _("留空则使用“%(body)s”。") % {"body": default_body}


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = VerificationTeamMember
        fields = ("name", "organisation", "certificate_number", "role")
        widgets = {name: forms.TextInput(attrs=_SMALL) for name in
                   ("name", "organisation", "certificate_number", "role")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        if "ORDER" in self.fields:
            self.fields["ORDER"].widget.attrs.update({"class": "form-control form-control-sm",
                                                       "aria-label": str(_("序号")), "min": "1"})


@cache
def team_formset_class(extra: int = 0):
    """The verification team as rows to add, remove (DELETE) and reorder (ORDER)."""
    return modelformset_factory(
        VerificationTeamMember, form=TeamMemberForm, extra=extra, can_delete=True, can_order=True,
    )


TeamFormSet = team_formset_class(0)


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


# ---------------------------------------------------------------------- product images
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


# ------------------------------------------------------------------- stage and activities
class StageBoundaryForm(forms.ModelForm):
    class Meta:
        model = LifecycleStage
        fields = ("included", "excluded", "exclusion_reason")
        widgets = {
            "included": forms.Textarea(attrs={"rows": 2}),
            "excluded": forms.Textarea(attrs={"rows": 2}),
            "exclusion_reason": forms.Textarea(attrs={"rows": 2}),
        }


class FactorField(forms.ModelChoiceField):
    """An emission factor chosen with the picker, submitted as its id.

    Looks the id up in a dict filled once per formset (`cache`) so that validating a stage of
    hundreds of rows does not run one query per row."""

    widget = forms.HiddenInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", EmissionFactor.objects.all())
        super().__init__(*args, **kwargs)
        self.cache: dict[int, EmissionFactor] = {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.cache[int(value)]
        except (KeyError, ValueError, TypeError):
            return super().to_python(value)


class _KnownRowField(forms.ModelChoiceField):
    def __init__(self, *args, known: dict[int, ActivityRecord], **kwargs):
        super().__init__(*args, **kwargs)
        self.known = known

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.known[int(value)]
        except (KeyError, ValueError, TypeError):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None




def _check_distribution(form: forms.Form, cleaned: dict, value) -> None:
    """The distribution's parameters fit its kind and the entered value (distribution_fields)."""
    params = {name: cleaned.get(name) for name in DISTRIBUTION_PARAMETERS}
    for name, message in distribution_problems(cleaned.get("distribution") or "", params, value).items():
        if name not in form.errors:
            form.add_error(name, message)


class ActivityForm(forms.ModelForm):
    factor = FactorField(label=_("排放因子"), error_messages={
        "required": _("请选择排放因子。"),
        "invalid_choice": _("所选排放因子不存在。"),
    })
    quantity = forms.DecimalField(
        label=_("活动数据"), min_value=0, max_digits=28, decimal_places=9,
        widget=forms.NumberInput(attrs={**_SMALL, "step": "any", "inputmode": "decimal"}),
    )
    allocation = forms.DecimalField(
        label=_("分配比例"), max_digits=9, decimal_places=8, initial=Decimal(1),
        validators=[MinValueValidator(Decimal("0.00000001")), MaxValueValidator(Decimal(1))],
        widget=forms.NumberInput(attrs={**_SMALL, "step": "any", "min": "0", "max": "1"}),
        error_messages={"min_value": _("分配比例必须大于 0 且不超过 1。")},
    )
    uncertainty_pct = forms.DecimalField(
        label=_("不确定性 (%)"), required=False, min_value=0, max_digits=7, decimal_places=3,
        widget=forms.NumberInput(attrs={**_SMALL, "step": "any"}),
    )

    class Meta:
        model = ActivityRecord
        fields = ("name", "quantity", "unit", "basis", "factor", "allocation", "data_type",
                  "source", "claimed_kgco2e_per_unit", "uncertainty_pct", "notes",
                  *DISTRIBUTION_COLUMNS, *RATING_COLUMNS)
        widgets = {
            "name": forms.TextInput(attrs=_SMALL),
            "unit": forms.TextInput(attrs={**_SMALL, "data-unit-input": "", "autocomplete": "off"}),
            "basis": forms.Select(attrs=_SMALL_SELECT),
            "data_type": forms.Select(attrs=_SMALL_SELECT),
            "source": forms.TextInput(attrs=_SMALL),
            "claimed_kgco2e_per_unit": forms.NumberInput(attrs={**_SMALL, "step": "any"}),
            "notes": forms.TextInput(attrs=_SMALL),
        }

    def __init__(self, *args, factor_cache: dict[int, EmissionFactor] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].cache = factor_cache or {}
        # The table's column headers are the visual labels; screen readers get aria-label.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        for name in ("quantity", "allocation", "claimed_kgco2e_per_unit", "uncertainty_pct",
                     *DISTRIBUTION_PARAMETERS):
            value = self.initial.get(name)
            if value is not None:
                self.initial[name] = plain_decimal(value)

    def full_clean(self):
        super().full_clean()
        # Mark the inputs in error for Bootstrap's red outline (the messages sit under them).
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"

    @property
    def factor_object(self) -> EmissionFactor | None:
        """The factor this row shows: the one typed in (bound) or the saved one."""
        if self.is_bound:
            raw = self.data.get(self.add_prefix("factor"))
            try:
                return self.fields["factor"].cache.get(int(raw))
            except (TypeError, ValueError):
                return None
        return self.instance.factor if self.instance.factor_id else None

    def clean(self):
        cleaned = super().clean()
        unit, factor = cleaned.get("unit"), cleaned.get("factor")
        if unit is not None and "unit" not in self.errors:
            problem = activity_unit_problem(unit, factor)
            if problem:
                self.add_error("unit", problem)
        _check_distribution(self, cleaned, cleaned.get("quantity"))
        return cleaned

    def _get_validation_exclusions(self):
        # The bounds of quantity, allocation and uncertainty are checked by the fields above;
        # the model's CheckConstraints would repeat them with one query per row and constraint.
        # The service's full_clean() checks them again for the rows that are saved.
        exclusions = super()._get_validation_exclusions()
        exclusions.update({"quantity", "allocation", "uncertainty_pct"})
        return exclusions


class BaseActivityFormSet(BaseModelFormSet):
    """One stage's activity rows. Factors named in the submitted data are read in one query."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.factor_cache: dict[int, EmissionFactor] = {}
        if self.is_bound:
            from .selectors import factors_by_pk

            self.factor_cache = factors_by_pk(
                v for k, v in self.data.items() if k.startswith(self.prefix) and k.endswith("-factor")
            )

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # The hidden row id resolves among this page's rows (already read), not with one query
        # per row; an id from elsewhere is rejected instead of being looked up.
        name = self.model._meta.pk.name
        generic = form.fields[name]
        form.fields[name] = _KnownRowField(
            generic.queryset, initial=generic.initial, required=False, widget=generic.widget,
            known=self._rows_by_pk(),
        )

    def _rows_by_pk(self) -> dict[int, ActivityRecord]:
        if not hasattr(self, "_rows_cache"):
            self._rows_cache = {row.pk: row for row in self.get_queryset()}
        return self._rows_cache

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["factor_cache"] = self.factor_cache
        return kwargs

    @property
    def empty_form(self):
        form = super().empty_form
        form.fields["factor"].cache = self.factor_cache
        return form


@cache
def activity_formset_class(extra: int = 0):
    """The activity formset with `extra` blank rows (for adding rows without JavaScript)."""
    return modelformset_factory(
        ActivityRecord, form=ActivityForm, formset=BaseActivityFormSet, extra=extra, can_delete=True,
    )


ActivityFormSet = activity_formset_class(0)


# -------------------------------------------------------------------------- factors
class FactorForm(forms.ModelForm):
    """A library factor: a value, or a fuel's NCV × carbon content × oxidation rate."""

    class Meta:
        model = EmissionFactor
        fields = ("code", "name_zh", "name_en", "category", "gas", "value", "unit", "ncv",
                  "carbon_content", "oxidation_rate", "year", "region", "source", "published",
                  "notes", *DISTRIBUTION_COLUMNS)
        widgets = {"source": forms.Textarea(attrs={"rows": 2}), "notes": forms.Textarea(attrs={"rows": 2})}
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
        # entered with (services/factors.py), so an unchanged value keeps its precision.
        decimals = (new_version_of or self.instance).value_decimals
        if self.initial.get("value") is not None and decimals is not None:
            self.initial["value"] = Decimal(self.initial["value"]).quantize(Decimal(1).scaleb(-decimals))
        self.helper = _helper(
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
        _check_distribution(self, cleaned, value)
        return cleaned

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        if self.new_version_of is not None:
            # A new version shares the code with the versions before it.
            exclusions.update({"code", "version"})
        return exclusions

    def validate_unique(self):
        if self.new_version_of is None:
            super().validate_unique()


# ---------------------------------------------------------------------------- filters
class DashboardFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部状态")), *StudyStatus.choices])
    company = forms.ModelChoiceField(label=_("企业"), required=False, queryset=Company.objects.none(),
                                     empty_label=_("全部企业"),
                                     widget=forms.Select(attrs=_SMALL_SELECT))

    def __init__(self, *args, companies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if companies is not None:
            self.fields["company"].queryset = companies


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
