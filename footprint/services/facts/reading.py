"""Read a study's facts from the database, once, as entered (no translation).

A constant number of queries whatever the number of activities: products, stages, activities
and factors come from one prefetch (`selectors.study_products_with_data`, which a caller that
already holds it passes in); the team, the auditors, the lead verifier and the claims' texts
take one query each.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from ...choices import NARRATIVE_SECTIONS, Stage
from ...models import Study
from ...selectors import activities_of, study_products_with_data
from ..reference.factors import factor_value
from .model import (
    ActivityFacts,
    ClaimFacts,
    CompanyFacts,
    FactorFacts,
    PersonFacts,
    ProductFacts,
    StageFacts,
    StudyFacts,
)

_STAGE_ORDER = {stage: i for i, stage in enumerate(Stage.values)}


def certification_body(study: Study, language: str) -> str:
    return study.certification_body or default_certification_body(language)


def default_certification_body(language: str) -> str:
    """The body named in the settings, for a study that names none."""
    if language == "en":
        return settings.CERTIFICATION_BODY_NAME_EN
    return settings.CERTIFICATION_BODY_NAME


def _person(user) -> PersonFacts:
    return PersonFacts(
        name=user.get_full_name() or user.username,
        organisation=getattr(user, "organisation", ""),
        certificate_number=getattr(user, "certificate_number", ""),
    )


def _factor(f) -> FactorFacts:
    return FactorFacts(
        key=f.key, code=f.code, version=f.version, name_zh=f.name_zh, name_en=f.name_en,
        category=f.category, value=factor_value(f), stated_value=f.value, ncv=f.ncv,
        carbon_content=f.carbon_content, oxidation_rate=f.oxidation_rate, unit=f.unit,
        gas=f.gas, year=f.year, region=f.region, source=f.source, published=f.published,
        notes=f.notes, value_decimals=f.value_decimals if f.value is not None else None,
        licence_note=f.licence_note, redistribution_allowed=f.redistribution_allowed,
    )


def study_facts(study: Study, *, study_products=None) -> StudyFacts:
    if study_products is None:
        study_products = study_products_with_data(study)
    factors: dict[str, FactorFacts] = {}
    products = []
    for sp in study_products:
        activities = []
        for record in activities_of(sp):
            f = record.factor
            if f.key not in factors:
                factors[f.key] = _factor(f)
            activities.append(ActivityFacts(
                record_id=record.pk, stage=record.stage.stage, name=record.name,
                quantity=record.quantity, unit=record.unit, factor_key=f.key, basis=record.basis,
                allocation=record.allocation, data_type=record.data_type, source=record.source,
                uncertainty_pct=record.uncertainty_pct,
            ))
        stages = sorted(sp.stages.all(), key=lambda s: _STAGE_ORDER.get(s.stage, 99))
        products.append(ProductFacts(
            code=sp.product.code, name=sp.product.name, functional_unit=sp.product.functional_unit,
            annual_output=sp.annual_output or Decimal(0), model=sp.product.model,
            description=sp.product.description,
            stages=tuple(StageFacts(s.stage, s.included, s.excluded, s.exclusion_reason,
                                    len(s.activities.all()))
                         for s in stages),
            activities=tuple(activities),
        ))
    company = study.company
    return StudyFacts(
        report_number=study.report_number, title=study.title,
        standards=tuple(study.standards or ()), period_start=study.period_start,
        period_end=study.period_end, gwp_set=study.gwp_set, boundary=study.boundary,
        status=study.status,
        company=CompanyFacts(company.name, company.credit_code, company.address,
                             company.legal_representative, company.contact_name,
                             company.contact_phone, company.overview),
        certification_body=study.certification_body,
        revision=study.revision,
        supersedes=study.supersedes.report_number if study.supersedes_id else "",
        issue_date=study.issue_date, verification_code=study.verification_code,
        texts={key: getattr(study, key, "") or "" for key in NARRATIVE_SECTIONS},
        products=tuple(products),
        factors=factors,
        team=tuple(PersonFacts(m.name, m.organisation, m.certificate_number, m.role)
                   for m in study.team.all()),
        auditors=tuple(_person(u) for u in study.auditors.all().order_by("id")),
        lead_verifier=_person(study.lead_verifier) if study.lead_verifier_id else None,
        claims=tuple(ClaimFacts(place, unit)
                     for place, unit in study.claims.values_list("place", "unit")),
    )
