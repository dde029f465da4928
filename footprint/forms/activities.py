"""A stage's boundary and its activity records, edited as one formset.

The activity table is a model formset rendered by a hand-written table template
(templates/footprint/stages/_activity_row.html): crispy renders one template per field, which
for a stage of several hundred rows costs more than the whole rest of the page.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from ..choices import VerificationStatus
from ..models import (
    ActivityRecord,
    EmissionFactor,
    EvidenceFile,
    LifecycleStage,
)
from ..services.entry.activities import activity_unit_problem
from ..services.interchange.distribution_fields import (
    DISTRIBUTION_COLUMNS,
    PARAMETERS,
    RATING_COLUMNS,
)
from .common import SMALL, SMALL_SELECT, check_distribution, plain_decimal


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




class EvidenceChoiceField(forms.Field):
    """One of the study's evidence files, submitted as its id and resolved among the files the
    page has read (`known`), not with a query per row; a file of another study is refused."""

    widget = forms.Select

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.known: dict[int, EvidenceFile] = {}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.known[int(value)]
        except (KeyError, ValueError, TypeError):
            raise forms.ValidationError(_("所选证据文件不属于本报告。"), code="invalid_choice") from None


# Row fields whose bounds the form's own fields check (see ActivityForm.Meta.fields).
FORM_CHECKED_FIELDS = ("quantity", "allocation", "uncertainty_pct", "distribution_gsd2")
# Row fields the form checks together (verified ⇔ a file), set on the row by `save`: left out
# of model validation, which would check their constraint with one query per row.
VERIFICATION_FIELDS = ("verification", "verified_evidence")


class ActivityForm(forms.ModelForm):
    factor = FactorField(label=_("排放因子"), error_messages={
        "required": _("请选择排放因子。"),
        "invalid_choice": _("所选排放因子不存在。"),
    })
    quantity = forms.DecimalField(
        label=_("活动数据"), min_value=0, max_digits=28, decimal_places=9,
        widget=forms.NumberInput(attrs={**SMALL, "step": "any", "inputmode": "decimal"}),
    )
    allocation = forms.DecimalField(
        label=_("分配比例"), max_digits=9, decimal_places=8, initial=Decimal(1),
        validators=[MinValueValidator(Decimal("0.00000001")), MaxValueValidator(Decimal(1))],
        widget=forms.NumberInput(attrs={**SMALL, "step": "any", "min": "0", "max": "1"}),
        error_messages={"min_value": _("分配比例必须大于 0 且不超过 1。")},
    )
    uncertainty_pct = forms.DecimalField(
        label=_("不确定性 (%)"), required=False, min_value=0, max_digits=7, decimal_places=3,
        widget=forms.NumberInput(attrs={**SMALL, "step": "any"}),
    )
    # GSD² ≥ 1 is checked by check_distribution (a CheckConstraint too).
    distribution_gsd2 = forms.DecimalField(
        label=_("几何标准差平方 GSD²"), required=False, max_digits=12, decimal_places=6,
        widget=forms.NumberInput(attrs={**SMALL, "step": "any"}),
    )

    verification = forms.ChoiceField(label=_("核实状态"), choices=VerificationStatus.choices,
                                     required=False)
    verified_evidence = EvidenceChoiceField(label=_("核实依据"), required=False)

    # The table's column order (the row fields declared above would otherwise come last).
    field_order = ("name", "quantity", "unit", "basis", "factor", "allocation", "data_type",
                   "source", "claimed_kgco2e_per_unit", "uncertainty_pct", "notes",
                  *DISTRIBUTION_COLUMNS, *RATING_COLUMNS)

    class Meta:
        model = ActivityRecord
        # quantity, allocation, uncertainty_pct and distribution_gsd2 are declared above and left out here: their
        # bounds are checked by those fields, and model validation of them would repeat the
        # bounds as CheckConstraints, one query per row and constraint. `save` puts them on the
        # row; the service's full_clean() checks them again for the rows that are saved.
        fields = ("name", "unit", "basis", "factor", "data_type", "source",
                  "claimed_kgco2e_per_unit", "notes", "distribution", "distribution_sd",
                  "distribution_low", "distribution_high", *RATING_COLUMNS)
        widgets = {
            "name": forms.TextInput(attrs=SMALL),
            "unit": forms.TextInput(attrs={**SMALL, "data-unit-input": "", "autocomplete": "off"}),
            "basis": forms.Select(attrs=SMALL_SELECT),
            "data_type": forms.Select(attrs=SMALL_SELECT),
            "source": forms.TextInput(attrs=SMALL),
            "claimed_kgco2e_per_unit": forms.NumberInput(attrs={**SMALL, "step": "any"}),
            "notes": forms.TextInput(attrs=SMALL),
        }

    def __init__(self, *args, factor_cache: dict[int, EmissionFactor] | None = None,
                 evidence: dict[int, EvidenceFile] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["factor"].cache = factor_cache or {}
        self.fields["verified_evidence"].known = evidence or {}
        # The table's column headers are the visual labels; screen readers get aria-label.
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))
        if self.instance.pk is not None:
            for name in FORM_CHECKED_FIELDS:
                self.initial.setdefault(name, getattr(self.instance, name))
            self.initial.setdefault("verification", self.instance.verification)
            self.initial.setdefault("verified_evidence", self.instance.verified_evidence_id)
        for name in ("quantity", "allocation", "claimed_kgco2e_per_unit", "uncertainty_pct",
                     *PARAMETERS):
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
        check_distribution(self, cleaned, cleaned.get("quantity"))
        self._clean_verification(cleaned)
        return cleaned

    def _clean_verification(self, cleaned) -> None:
        if self.add_prefix("verification") not in self.data:
            # Not on the page that posted (a row saved without its second line): as it was.
            cleaned["verification"] = self.instance.verification or VerificationStatus.NOT_VERIFIED
            cleaned["verified_evidence"] = self.instance.verified_evidence if self.instance.pk else None
            return
        status = cleaned.get("verification") or VerificationStatus.NOT_VERIFIED
        cleaned["verification"] = status
        if status == VerificationStatus.VERIFIED:
            if cleaned.get("verified_evidence") is None and "verified_evidence" not in self.errors:
                self.add_error("verified_evidence", _("“已对照证据核实”需要选择核实依据的证据文件。"))
        else:
            cleaned["verified_evidence"] = None  # only a verified figure names its file

    def save(self, commit: bool = True) -> ActivityRecord:
        for name in (*FORM_CHECKED_FIELDS, *VERIFICATION_FIELDS):
            setattr(self.instance, name, self.cleaned_data.get(name))
        return super().save(commit=commit)


class BaseActivityFormSet(BaseModelFormSet):
    """One stage's activity rows. Factors named in the submitted data are read in one query."""

    def __init__(self, *args, evidence: dict[int, EvidenceFile] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence = evidence or {}
        self.factor_cache: dict[int, EmissionFactor] = {}
        if self.is_bound:
            from ..selectors import factors_by_pk

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
        kwargs["evidence"] = self.evidence
        return kwargs

    @property
    def empty_form(self):
        form = super().empty_form
        form.fields["factor"].cache = self.factor_cache
        form.fields["verified_evidence"].known = self.evidence
        return form


@cache
def activity_formset_class(extra: int = 0):
    """The activity formset with `extra` blank rows (for adding rows without JavaScript)."""
    return modelformset_factory(
        ActivityRecord, form=ActivityForm, formset=BaseActivityFormSet, extra=extra, can_delete=True,
    )


ActivityFormSet = activity_formset_class(0)
