"""Read everything one report needs from the database, once, into plain facts.

A constant number of queries whatever the number of activities: products, stages, activities
and factors come from one prefetch (`selectors.study_products_with_data`), and the
calculation runs once on the same rows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import segno
from django.conf import settings
from django.utils import timezone

from ..choices import StudyStatus
from ..models import Study
from ..selectors import (
    activities_of,
    factor_value,
    gwp_tables,
    gwp_version_of,
    study_calculation_input,
    study_products_with_data,
)
from ..services.calculation.study import calculate_study
from ..services.report_prose.narrative import NARRATIVE_SECTIONS, compose_narrative, narrative_facts
from ..services.report_prose.translation import (
    SOURCE_LANGUAGE,
    translate_calculation_input,
    translate_narrative_facts,
    translator_for,
)
from ..services.study_uncertainty import study_uncertainty
from ..services.workflow.completeness import study_completeness, translation_missing
from ..services.workflow.public_url import verification_url_is_local
from . import assets
from .facts import (
    ActivityFacts,
    CompanyFacts,
    FactorFacts,
    ImageFacts,
    Narrative,
    PersonFacts,
    ProductFacts,
    ReportInputs,
    StageFacts,
    StudyFacts,
    TransitionFacts,
)

LANGUAGES = ("zh-hans", "en")


def report_language(study: Study, language: str | None) -> str:
    """The requested language if it is one the report has, else the study's."""
    if language in LANGUAGES:
        return language
    return study.language if study.language in LANGUAGES else "zh-hans"


def certification_body(study: Study, language: str) -> str:
    return study.certification_body or default_certification_body(language)


def default_certification_body(language: str) -> str:
    """The body named in the settings, for a study that names none."""
    if language == "en":
        return settings.CERTIFICATION_BODY_NAME_EN
    return settings.CERTIFICATION_BODY_NAME


def verification_url(code: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{code}/"


def _person(user, tr) -> PersonFacts:
    return PersonFacts(
        name=tr.term(user.get_full_name() or user.username),
        organisation=tr.term(getattr(user, "organisation", "")),
        certificate_number=getattr(user, "certificate_number", ""),
    )


def load_report_inputs(study: Study, *, language: str | None = None, final: bool = False,
                       asset_urls: dict[str, str], image_url=None, issued_by: str = "") -> ReportInputs:
    """`asset_urls` maps asset names to URLs (the PDF's private scheme or /static/ for the
    browser); `image_url(name)` gives the URL of an uploaded study image. `issued_by` names
    the person issuing the study now (the issuing step, whose transition is recorded only
    after the signed file exists)."""
    language = report_language(study, language)
    # The study's own text in the report language (Study.translations; identity in Chinese).
    tr = translator_for(study.translations, language)
    study_products = study_products_with_data(study)
    calculation_input = translate_calculation_input(study_calculation_input(study), tr)
    result = calculate_study(calculation_input)

    factors: dict[str, FactorFacts] = {}
    products = []
    for sp in study_products:
        activities = []
        for record in activities_of(sp):
            f = record.factor
            if f.key not in factors:
                factors[f.key] = FactorFacts(
                    key=f.key, code=f.code, version=f.version, name_zh=tr.term(f.name_zh), name_en=f.name_en,
                    category=f.category, value=factor_value(f), stated_value=f.value, ncv=f.ncv,
                    carbon_content=f.carbon_content, oxidation_rate=f.oxidation_rate, unit=f.unit,
                    gas=f.gas, year=f.year, region=tr.term(f.region), source=tr.term(f.source),
                    published=f.published,
                    notes=f.notes,
                    value_decimals=f.value_decimals if f.value is not None else None,
                )
            activities.append(ActivityFacts(
                record_id=record.pk, stage=record.stage.stage, name=tr.term(record.name),
                quantity=record.quantity, unit=record.unit, factor_key=f.key, basis=record.basis,
                allocation=record.allocation, data_type=record.data_type, source=tr.term(record.source),
                uncertainty_pct=record.uncertainty_pct,
            ))
        products.append(ProductFacts(
            code=sp.product.code, name=tr.term(sp.product.name),
            functional_unit=tr.term(sp.product.functional_unit),
            annual_output=sp.annual_output or Decimal(0), model=tr.term(sp.product.model),
            description=tr.term(sp.product.description),
            stages=tuple(StageFacts(s.stage, tr.term(s.included), tr.term(s.excluded),
                                    tr.term(s.exclusion_reason))
                         for s in sp.stages.all()),
            activities=tuple(activities),
        ))

    # Every set at its current edition (sensitivity, annex), the study's own set at the edition
    # it is pinned to: an issued study prints the values it was signed with.
    gwp_by_version, current_gwp = gwp_tables()
    gwp = {gwp_set: gwp_by_version.get(vid, {}) for gwp_set, vid in current_gwp.items()}
    gwp_version = gwp_version_of(study)
    if gwp_version is not None:
        gwp[study.gwp_set] = gwp_by_version.get(gwp_version.pk, {})

    facts = translate_narrative_facts(
        narrative_facts(study, study_products=study_products, result=result), tr)
    narratives = {}
    for key in NARRATIVE_SECTIONS:
        text = tr.text(key, (getattr(study, key, "") or "").strip())
        narratives[key] = (Narrative(text, False) if text
                           else Narrative(compose_narrative(key, facts, language=language), True))

    company = study.company
    transitions = tuple(
        TransitionFacts(t.to_status, t.created_at,
                        tr.term(t.user.get_full_name() or t.user.username) if t.user else "")
        for t in study.transitions.select_related("user").order_by("created_at", "id")
    )
    if final and issued_by and study.issued_at and not any(
            t.to_status == StudyStatus.ISSUED and t.at >= study.issued_at for t in transitions):
        transitions += (TransitionFacts(StudyStatus.ISSUED, study.issued_at, tr.term(issued_by)),)
    images = ()
    if image_url is not None:
        images = tuple(ImageFacts(image_url(name), name.rsplit(".", 1)[0])
                       for name in assets.study_images(study.report_number))
    qr_svg = ""
    url = ""
    if study.verification_code:
        url = verification_url(study.verification_code)
        qr_svg = segno.make(url, error="m").svg_inline(scale=1, border=2, omitsize=True)

    from django.utils import translation

    with translation.override(language):
        missing = list(study_completeness(study, result=result, study_products=study_products))
        if language != SOURCE_LANGUAGE and study.language == SOURCE_LANGUAGE:
            # study_completeness lists the gaps of the study's own report language only.
            gap = translation_missing(study, language, study_products=study_products)
            if gap is not None:
                missing.append(gap)

    return ReportInputs(
        study=StudyFacts(
            report_number=study.report_number, title=tr.text("title", study.title),
            standards=tuple(study.standards or ()), period_start=study.period_start,
            period_end=study.period_end, gwp_set=study.gwp_set, boundary=study.boundary,
            status=study.status,
            gwp_version=gwp_version.version if gwp_version else 1,
            gwp_source=gwp_version.source if gwp_version else "",
            company=CompanyFacts(tr.term(company.name), company.credit_code, tr.term(company.address),
                                 tr.term(company.legal_representative), tr.term(company.contact_name),
                                 company.contact_phone, tr.text("company_overview", company.overview)),
            certification_body=tr.term(certification_body(study, language)),
            revision=study.revision,
            supersedes=study.supersedes.report_number if study.supersedes_id else "",
            issue_date=study.issue_date, verification_code=study.verification_code,
        ),
        products=tuple(products),
        factors=factors,
        calculation_input=calculation_input,
        result=result,
        gwp_values=gwp,
        narratives=narratives,
        language=language,
        final=final,
        team=tuple(PersonFacts(tr.term(m.name), tr.term(m.organisation), m.certificate_number,
                               tr.term(m.role))
                   for m in study.team.all()),
        auditors=tuple(_person(u, tr) for u in study.auditors.all().order_by("id")),
        lead_verifier=_person(study.lead_verifier, tr) if study.lead_verifier_id else None,
        transitions=transitions,
        missing=() if final else tuple(missing),
        images=images,
        assets=asset_urls,
        verification_url=url,
        qr_svg=qr_svg,
        verification_url_local=bool(url) and verification_url_is_local(),
        generated_at=timezone.localtime() if not final else _issued_at(study),
        uncertainty=study_uncertainty(study, study_input=calculation_input, result=result),
    )


def _issued_at(study: Study) -> dt.datetime:
    if study.issued_at:
        return timezone.localtime(study.issued_at)
    return timezone.localtime()
