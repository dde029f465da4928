"""Read studies' facts from the database, once, as entered (no translation).

A constant number of queries whatever the number of studies and activities (`studies_facts`:
the dashboard reads every study it lists at once): products, stages, activities, factors and
claims take one query each for all the studies; the team, the auditors and the lead verifiers
one each more when `people` is asked for (the calculation's input does not need them); the
companies and the studies superseded one each only when the studies were read without them.

Activity rows are read as tuples, not model instances: building 10,000 ActivityRecord objects
costs seconds, tuples a tenth of that.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q

from ...choices import NARRATIVE_SECTIONS, Stage
from ...models import (
    ActivityRecord,
    Company,
    EmissionFactor,
    EvidenceFile,
    LifecycleStage,
    Study,
    StudyClaim,
    StudyProduct,
    VerificationTeamMember,
)
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
# ActivityFacts' fields read straight from ActivityRecord columns, after id, stage and factor.
_ACTIVITY_COLUMNS = (
    "name", "quantity", "unit", "basis", "allocation", "data_type", "source", "uncertainty_pct",
    "claimed_kgco2e_per_unit", "notes", "distribution", "distribution_gsd2", "distribution_sd",
    "distribution_low", "distribution_high", "dq_reliability", "dq_completeness", "dq_temporal",
    "dq_geographical", "dq_technological", "verification", "verified_evidence__sha256",
    "has_evidence",
)


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


def factor_facts(f: EmissionFactor) -> FactorFacts:
    """One factor version as a fact (also the library's factors, services/results.py)."""
    return FactorFacts(
        key=f.key, code=f.code, version=f.version, name_zh=f.name_zh, name_en=f.name_en,
        category=f.category, value=factor_value(f), stated_value=f.value, ncv=f.ncv,
        carbon_content=f.carbon_content, oxidation_rate=f.oxidation_rate, unit=f.unit,
        gas=f.gas, year=f.year, region=f.region, source=f.source, published=f.published,
        notes=f.notes, value_decimals=f.value_decimals if f.value is not None else None,
        family=f.family, distribution=f.distribution, distribution_gsd2=f.distribution_gsd2,
        distribution_sd=f.distribution_sd, distribution_low=f.distribution_low,
        distribution_high=f.distribution_high,
        licence_note=f.licence_note, redistribution_allowed=f.redistribution_allowed,
    )


def _company(c: Company) -> CompanyFacts:
    return CompanyFacts(c.name, c.credit_code, c.address, c.legal_representative, c.contact_name,
                        c.contact_phone, c.overview, id=c.pk)


def _cached(study: Study, name: str) -> bool:
    return Study._meta.get_field(name).is_cached(study)


def study_facts(study: Study, *, people: bool = True) -> StudyFacts:
    """One study's facts (see `studies_facts`)."""
    return studies_facts([study], people=people)[study.pk]


def studies_facts(studies: Iterable[Study], *, people: bool = True) -> dict[int, StudyFacts]:
    """The facts of many studies by study id, in a constant number of queries. Without
    `people`, the team, auditors and lead verifier are left empty."""
    by_id = {s.pk: s for s in studies}
    if not by_id:
        return {}
    companies = {s.company_id: s.company for s in by_id.values() if _cached(s, "company")}
    wanted = {s.company_id for s in by_id.values()} - set(companies)
    if wanted:
        companies.update(Company.objects.in_bulk(wanted))
    superseded = {s.supersedes_id: s.supersedes.report_number for s in by_id.values()
                  if s.supersedes_id and _cached(s, "supersedes")}
    wanted = {s.supersedes_id for s in by_id.values() if s.supersedes_id} - set(superseded)
    if wanted:
        superseded.update(Study.objects.filter(pk__in=wanted).values_list("pk", "report_number"))

    study_products = list(StudyProduct.objects.filter(study_id__in=by_id).select_related("product")
                          .order_by("position", "id"))
    stage_of: dict[int, tuple[int, str]] = {}
    stage_rows: dict[int, list[tuple]] = {sp.pk: [] for sp in study_products}
    for stage_id, sp_id, stage, included, excluded, reason in LifecycleStage.objects.filter(
        study_product__study_id__in=by_id
    ).values_list("id", "study_product_id", "stage", "included", "excluded", "exclusion_reason"):
        stage_of[stage_id] = (sp_id, stage)
        stage_rows[sp_id].append((stage, included, excluded, reason))

    rows = list(
        ActivityRecord.objects.filter(stage__study_product__study_id__in=by_id)
        .annotate(has_evidence=Exists(EvidenceFile.objects.filter(activity=OuterRef("pk")))
                  | Q(verified_evidence__isnull=False))
        .order_by("position", "id")
        .values_list("id", "stage_id", "factor_id", *_ACTIVITY_COLUMNS)
    )
    factor_of = {f.pk: factor_facts(f) for f in EmissionFactor.objects.filter(pk__in={r[2] for r in rows})}
    activities: dict[int, list[ActivityFacts]] = {sp.pk: [] for sp in study_products}
    counts: dict[tuple[int, str], int] = {}
    used: dict[int, list[FactorFacts]] = {sp.pk: [] for sp in study_products}
    for pk, stage_id, factor_id, *values in rows:
        sp_id, stage = stage_of[stage_id]
        factor = factor_of[factor_id]
        used[sp_id].append(factor)
        counts[sp_id, stage] = counts.get((sp_id, stage), 0) + 1
        activities[sp_id].append(ActivityFacts(pk, stage, values[0], values[1], values[2], factor.key,
                                               *values[3:]))
    # A study's factors by key in the order of first use: product by product, row by row.
    factors: dict[int, dict[str, FactorFacts]] = {pk: {} for pk in by_id}
    for sp in study_products:
        for factor in used[sp.pk]:
            factors[sp.study_id].setdefault(factor.key, factor)

    products: dict[int, list[ProductFacts]] = {pk: [] for pk in by_id}
    code_of_product = {}
    for sp in study_products:
        p = sp.product
        code_of_product[sp.pk] = p.code
        stages = sorted(stage_rows[sp.pk], key=lambda s: _STAGE_ORDER.get(s[0], 99))
        products[sp.study_id].append(ProductFacts(
            code=p.code, name=p.name, functional_unit=p.functional_unit,
            annual_output=sp.annual_output if sp.annual_output is not None else Decimal(0),
            model=p.model, description=p.description,
            stages=tuple(StageFacts(stage, included, excluded, reason, counts.get((sp.pk, stage), 0))
                         for stage, included, excluded, reason in stages),
            activities=tuple(activities[sp.pk]),
            energy_using=p.energy_using, mass_per_unit_kg=sp.mass_per_unit_kg,
            fossil_carbon_kg=sp.fossil_carbon_kg, biogenic_carbon_kg=sp.biogenic_carbon_kg,
            exempted_emissions_pct=sp.exempted_emissions_pct,
            study_product_id=sp.pk, product_id=p.pk,
        ))

    claims: dict[int, list[ClaimFacts]] = {pk: [] for pk in by_id}
    for study_id, level, sp_id, stage, factor, value, decimals, unit, place, note in (
        StudyClaim.objects.filter(study_id__in=by_id).order_by("position", "id")
        .values_list("study_id", "level", "study_product_id", "stage", "factor_code", "value",
                     "decimals", "unit", "place", "note")
    ):
        claims[study_id].append(ClaimFacts(
            place=place, unit=unit, level=level, product=code_of_product.get(sp_id, ""),
            stage=stage, factor=factor, value=value, decimals=decimals, note=note))

    team: dict[int, list[PersonFacts]] = {pk: [] for pk in by_id}
    auditors: dict[int, list[PersonFacts]] = {pk: [] for pk in by_id}
    leads: dict[int, PersonFacts] = {}
    if people:
        for study_id, name, organisation, number, role in (
            VerificationTeamMember.objects.filter(study_id__in=by_id).order_by("position", "id")
            .values_list("study_id", "name", "organisation", "certificate_number", "role")
        ):
            team[study_id].append(PersonFacts(name, organisation, number, role))
        for link in (Study.auditors.through.objects.filter(study_id__in=by_id)
                     .select_related("user").order_by("user_id")):
            auditors[link.study_id].append(_person(link.user))
        lead_ids = {s.lead_verifier_id for s in by_id.values() if s.lead_verifier_id}
        if lead_ids:
            users = get_user_model().objects.in_bulk(lead_ids)
            leads = {pk: _person(user) for pk, user in users.items()}

    return {
        pk: StudyFacts(
            report_number=study.report_number, title=study.title,
            standards=tuple(study.standards or ()), period_start=study.period_start,
            period_end=study.period_end, gwp_set=study.gwp_set, boundary=study.boundary,
            status=study.status,
            company=_company(companies[study.company_id]),
            certification_body=study.certification_body,
            revision=study.revision,
            supersedes=superseded.get(study.supersedes_id, "") if study.supersedes_id else "",
            issue_date=study.issue_date, verification_code=study.verification_code,
            gwp_version_id=study.gwp_version_id,
            language=study.language,
            translations=study.translations or {},
            texts={key: getattr(study, key, "") or "" for key in NARRATIVE_SECTIONS},
            products=tuple(products[pk]),
            factors=factors[pk],
            team=tuple(team[pk]),
            auditors=tuple(auditors[pk]),
            lead_verifier=leads.get(study.lead_verifier_id) if people else None,
            claims=tuple(claims[pk]),
        )
        for pk, study in by_id.items()
    }
