"""Reads: every query that returns domain objects goes through here, scoped by the user.

A company contact can never load another company's object because no query path returns it;
views turn "not in my queryset" into 404.
"""

from __future__ import annotations

from types import MappingProxyType

from django.db.models import Prefetch, QuerySet

from .choices import Role
from .models import (
    ActivityRecord,
    Comment,
    Company,
    EmissionFactor,
    GwpValue,
    LifecycleStage,
    Product,
    Study,
    StudyProduct,
    StudyTransition,
)
from .services.calculation import ActivityInput, FactorInput, ProductInput, StageInput, StudyInput
from .services.units import fuel_factor_value


# ------------------------------------------------------------------------------ scoping
def is_staff_role(user) -> bool:
    """Auditors, lead verifiers and administrators work for the certification body."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.role in (Role.AUDITOR, Role.LEAD_VERIFIER, Role.ADMINISTRATOR))
    )


def studies_visible_to(user) -> QuerySet[Study]:
    """The studies a user may open at all."""
    qs = Study.objects.select_related("company")
    if not user.is_authenticated:
        return qs.none()
    if is_staff_role(user):
        return qs
    if user.role == Role.COMPANY_CONTACT and user.company_id:
        # Once sent to the company, a study stays visible to its contacts whatever happens
        # next (back to draft for corrections, issued, superseded): a contact who asked for
        # changes expects to follow them, and links in their e-mails must keep working.
        # A draft never sent (including a new revision) stays with the certification body.
        return qs.filter(company_id=user.company_id, sent_to_client_at__isnull=False)
    return qs.none()


def study_transitions(study: Study) -> list[StudyTransition]:
    """The workflow timeline of a study, oldest first."""
    return list(study.transitions.select_related("user").order_by("created_at", "id"))


def study_comments(study: Study) -> list[Comment]:
    """Review comments, unresolved first, each with its activity (if any) and product."""
    return list(
        study.comments.select_related(
            "author", "resolved_by", "activity__stage__study_product__product"
        ).order_by("resolved", "created_at", "id")
    )


def study_activities(study: Study) -> list[ActivityRecord]:
    """A study's activity records in report order, for choosing one to comment on."""
    return list(
        ActivityRecord.objects.filter(stage__study_product__study=study)
        .select_related("stage__study_product__product")
        .order_by("stage__study_product__position", "stage__study_product_id", "position", "id")
    )


def companies_visible_to(user) -> QuerySet[Company]:
    qs = Company.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if is_staff_role(user):
        return qs
    if user.role == Role.COMPANY_CONTACT and user.company_id:
        return qs.filter(pk=user.company_id)
    return qs.none()


def products_visible_to(user) -> QuerySet[Product]:
    return Product.objects.select_related("company").filter(
        company__in=companies_visible_to(user)
    )


def study_get_by_report_number(report_number: str) -> Study:
    return Study.objects.select_related("company").get(report_number=report_number)


# -------------------------------------------------------------------- calculation input
def factor_value(factor: EmissionFactor) -> float:
    """A factor's value in its own unit; fuel factors are derived from their parameters."""
    if factor.value is not None:
        return float(factor.value)
    return fuel_factor_value(
        factor.ncv, factor.carbon_content, float(factor.oxidation_rate), factor.unit
    )


def factor_input(factor: EmissionFactor) -> FactorInput:
    return FactorInput(
        key=factor.key,
        code=factor.code,
        value=factor_value(factor),
        unit=factor.unit,
        gas=factor.gas,
        version=factor.version,
        family=factor.family or factor.code,
        year=factor.year,
        name=factor.name_zh,
    )


def gwp_values(gwp_set: str) -> dict[str, float]:
    values = {
        gas: float(value)
        for gas, value in GwpValue.objects.filter(gwp_set=gwp_set).values_list("gas", "value")
    }
    # CO2e factors are already characterised: their GWP is 1 by definition.
    values.setdefault("CO2e", 1.0)
    return values


def study_products_with_data(study: Study) -> list[StudyProduct]:
    """Products of a study with stages, activities and factors, in a constant number of
    queries whatever the number of activities."""
    activities = ActivityRecord.objects.select_related("factor").order_by("position", "id")
    return list(
        StudyProduct.objects.filter(study=study)
        .select_related("product")
        .prefetch_related(
            Prefetch("stages", queryset=LifecycleStage.objects.prefetch_related(
                Prefetch("activities", queryset=activities)
            ))
        )
        .order_by("position", "id")
    )


def activities_of(study_product: StudyProduct) -> list[ActivityRecord]:
    """A product's activities in document order (from the prefetch, no query)."""
    rows = [a for stage in study_product.stages.all() for a in stage.activities.all()]
    rows.sort(key=lambda a: (a.position, a.id))
    return rows


def study_calculation_input(
    study: Study, *, study_products: list[StudyProduct] | None = None
) -> StudyInput:
    """Turn a study's rows into the calculation service's plain input."""
    if study_products is None:
        study_products = study_products_with_data(study)
    factors: dict[str, FactorInput] = {}
    products = []
    for sp in study_products:
        stage_rows = list(sp.stages.all())
        activity_inputs = []
        for record in activities_of(sp):
            factor = record.factor
            if factor.key not in factors:
                factors[factor.key] = factor_input(factor)
            activity_inputs.append(
                ActivityInput(
                    # record.stage is filled by the prefetch: no query per row
                    stage=record.stage.stage,
                    name=record.name,
                    quantity=float(record.quantity),
                    unit=record.unit,
                    factor_key=factor.key,
                    basis=record.basis,
                    allocation=float(record.allocation),
                    claimed_kgco2e_per_unit=(
                        None if record.claimed_kgco2e_per_unit is None
                        else float(record.claimed_kgco2e_per_unit)
                    ),
                    record_id=record.pk,
                )
            )
        products.append(
            ProductInput(
                code=sp.product.code,
                name=sp.product.name,
                functional_unit=sp.product.functional_unit,
                annual_output=float(sp.annual_output),
                activities=tuple(activity_inputs),
                stages=tuple(StageInput(s.stage, s.exclusion_reason) for s in stage_rows),
            )
        )
    library = tuple(
        factor_input(f) for f in EmissionFactor.objects.filter(is_current=True)
    )
    return StudyInput(
        report_number=study.report_number,
        gwp_set=study.gwp_set,
        boundary=study.boundary,
        gwp=MappingProxyType(gwp_values(study.gwp_set)),
        factors=MappingProxyType(factors),
        products=tuple(products),
        library=library,
    )

