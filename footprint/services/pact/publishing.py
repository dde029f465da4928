"""Publishing an issued study's products as PACT footprints, around the pure mapping
(`mapping.py`): footprint ids, the facts of an issued study, what a client may see, grants.

Everything an issued footprint says comes from the issued snapshot (results, factors, the
pcf-study/1 document as signed) and from rows that never change once a study is issued (the
study product's particulars, the company's credit code; services/freeze.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ...choices import Boundary, DataType, Stage, StudyStatus, stages_in_boundary
from ...models import PactClient, PactFootprint, PactGrant, Study, StudyProduct
from ..calculation.emission_types import emission_type
from ..facts.model import CompanyFacts, ProductFacts
from ..facts.reading import study_facts
from ..reference.licences import RestrictedFactors, is_restricted, restricted_of
from . import mapping as pact

logger = logging.getLogger(__name__)

PUBLISHED_STATUSES = (StudyStatus.ISSUED, StudyStatus.SUPERSEDED)
# Ids for companies without a credit code: stable, from the company's row (ours, not invented).
_COMPANY_NAMESPACE = uuid.UUID("6f1c3c2e-5a0b-4c55-9d0e-2f6c1b7a9e41")


def company_urn(company: CompanyFacts) -> str:
    if company.credit_code:
        return f"urn:pact:company:cn-uscc:{company.credit_code}"
    return f"urn:uuid:{uuid.uuid5(_COMPANY_NAMESPACE, f'company:{company.id}')}"


def product_urn(company: CompanyFacts, product_code: str) -> str:
    owner = f"cn-uscc:{company.credit_code}" if company.credit_code else company_urn(company)[9:]
    return f"urn:pact:product:{owner}:{product_code}"


# ------------------------------------------------------------------------------- ids
def ensure_footprint_ids(study: Study) -> dict[int, PactFootprint]:
    """The footprint of each product of an issued study, made on first need and kept."""
    created = study.issued_at or timezone.now()
    found = {pf.study_product_id: pf for pf in PactFootprint.objects.filter(study_product__study=study)}
    for sp_id in StudyProduct.objects.filter(study=study).values_list("pk", flat=True):
        if sp_id not in found:
            found[sp_id], _made = PactFootprint.objects.get_or_create(
                study_product_id=sp_id, defaults={"created_at": created})
    return found


def _preceding_ids(study: Study, product_id: int) -> tuple[str, ...]:
    """The footprints this one replaces: the same product in the studies this one revises."""
    ids: list[str] = []
    previous = study.supersedes
    while previous is not None and previous.status in PUBLISHED_STATUSES:
        sp = StudyProduct.objects.filter(study=previous, product_id=product_id).first()
        if sp is not None:
            pf = ensure_footprint_ids(previous).get(sp.pk)
            if pf is not None:
                ids.append(str(pf.id))
        previous = previous.supersedes
    return tuple(ids)


# ----------------------------------------------------------------------------- facts
@dataclass(frozen=True)
class StudyFootprint:
    """One product of an issued study: its footprint, or why it has none."""

    code: str
    name: str
    id: str
    data: dict | None
    missing: tuple[str, ...]


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def footprint_facts(study: Study, product: ProductFacts, company: CompanyFacts,
                    pf: PactFootprint, restricted: RestrictedFactors | None = None) -> pact.FootprintFacts:
    """The PACT facts of one product of an issued study: the figures and texts as signed
    (the issued snapshot), the product's particulars and the company from the study's facts
    (services/facts; rows that never change once the study is issued). `restricted`: the
    study's factors whose licence forbids redistribution (services/reference/licences.py),
    named with their source but without their year or publication date."""
    from ..workflow.verification import verification_url

    restricted = restricted or {}

    snapshot = study.issued_snapshot or {}
    document = snapshot.get("document") or {}
    code = product.code
    product_doc = next((p for p in document.get("products", []) if p.get("code") == code), {})
    result = next((p for p in (snapshot.get("results") or {}).get("products", [])
                    if p.get("code") == code), {})
    factors = {f["code"]: f for f in document.get("factors", [])}
    library_versions = dict(key.rsplit("@", 1) for key in snapshot.get("factor_versions", []) if "@" in key)
    boundary = document.get("boundary") or study.boundary
    in_boundary = stages_in_boundary(boundary)
    stage_kg = {s["stage"]: float(s["kgco2e"]) for s in result.get("stages", [])
                if s["stage"] in in_boundary}
    labels = {s: str(Stage(s).label) for s in in_boundary}
    stage_docs = {s["stage"]: s for s in product_doc.get("stages", [])}

    # The results list the activities in the document's order (both come from the same rows).
    by_type: dict[str, float] = {}
    primary = 0.0
    ratings: list[tuple[float, dict[str, int] | None]] = []
    secondary_sources: list[tuple[str, str]] = []
    for row, entry in zip(result.get("activities", []), product_doc.get("activities", []), strict=False):
        if row.get("stage") not in pact.GATE_STAGES or row.get("kgco2e") is None:
            continue
        factor = factors.get(row.get("factor"), {})
        kind = emission_type(row.get("factor", ""), factor.get("name", ""), factor.get("name_en", ""),
                             factor.get("notes", ""))
        by_type[kind] = by_type.get(kind, 0.0) + float(row["kgco2e"])
        if entry.get("data_type", DataType.PRIMARY) == DataType.PRIMARY:
            primary += float(row["kgco2e"])
        scores = {c: entry.get(f"dq_{c}") for _, c in pact.DQR_FIELDS}
        ratings.append((float(row["kgco2e"]),
                        scores if all(v is not None for v in scores.values()) else None))
        source = (factor.get("source") or "").strip()
        if source:
            library_version = f"{row['factor']} v{library_versions.get(row['factor'], 1)}"
            version = (library_version if is_restricted(factor, restricted)
                       else str(factor.get("year") or factor.get("published") or library_version))
            if (source, version) not in secondary_sources:
                secondary_sources.append((source, version))

    exclusions = tuple(
        pact.Exclusion(labels.get(s, s), (stage_docs[s].get("excluded") or "").strip(),
                       (stage_docs[s].get("exclusion_reason") or "").strip())
        for s in in_boundary
        if s in stage_docs and (stage_docs[s].get("excluded") or "").strip()
    )
    company_doc = document.get("company") or {}
    issued_at = study.issued_at or timezone.now()
    successor = getattr(study, "superseded_by", None) if study.status == StudyStatus.SUPERSEDED else None
    period = document.get("reference_period") or {}
    narrative = document.get("narrative") or {}
    notes = []
    if boundary == Boundary.CRADLE_TO_GRAVE:
        notes.append("The study is cradle to grave; its use and end-of-life stages are outside "
                     "the PACT scope and not in these figures.")
    return pact.FootprintFacts(
        id=str(pf.id),
        created=pf.created_at,
        superseded_at=(successor.issued_at if successor is not None else None),
        preceding_ids=_preceding_ids(study, product.product_id),
        company_name=company_doc.get("name") or company.name,
        company_ids=(company_urn(company),),
        product_ids=(product_urn(company, code),),
        product_name=product_doc.get("name") or product.name,
        product_model=product_doc.get("model") or "",
        product_description=product_doc.get("description") or "",
        functional_unit=product_doc.get("functional_unit") or product.functional_unit,
        period_start=dt.date.fromisoformat(period["start"]) if period.get("start") else study.period_start,
        period_end=dt.date.fromisoformat(period["end"]) if period.get("end") else study.period_end,
        # A unified social credit code is a registration in mainland China, where the studied
        # production takes place (GB/T 24067 studies of Chinese sites).
        geography_country="CN" if company.credit_code else "",
        gwp_set=(snapshot.get("gwp") or {}).get("set") or study.gwp_set,
        standards=tuple(document.get("standards") or study.standards),
        boundary=str(Boundary(boundary).label),
        stage_kgco2e=stage_kg,
        stage_labels=labels,
        stage_processes={s: (d.get("included") or "").strip() for s, d in stage_docs.items()},
        emissions_by_type=by_type,
        primary_kgco2e=primary,
        exclusions=exclusions,
        allocation=(narrative.get("allocation") or "").strip() if isinstance(narrative, dict) else "",
        secondary_sources=tuple(secondary_sources),
        verification=pact.Verification(
            provider=snapshot.get("certification_body") or study.certification_body,
            completed_at=issued_at,
            standards=tuple(document.get("standards") or study.standards),
            report_number=study.report_number,
            verify_url=verification_url(study.verification_code or ""),
            sha256=study.issued_sha256,
        ),
        mass_per_unit_kg=_decimal(product.mass_per_unit_kg),
        fossil_carbon_kg=_decimal(product.fossil_carbon_kg),
        biogenic_carbon_kg=_decimal(product.biogenic_carbon_kg),
        exempted_emissions_pct=_decimal(product.exempted_emissions_pct),
        notes=tuple(notes),
        activity_ratings=tuple(ratings),
    )


def study_footprints(study: Study) -> list[StudyFootprint]:
    """Each product of an issued study with its footprint (or the fields it lacks)."""
    if study.status not in PUBLISHED_STATUSES or not study.issued_snapshot:
        return []
    ids = ensure_footprint_ids(study)
    facts = study_facts(study, people=False)
    restricted = restricted_of(facts.factors.values())
    out = []
    for product in facts.products:
        pf = ids[product.study_product_id]
        footprint = footprint_facts(study, product, facts.company, pf, restricted)
        missing = tuple(pact.missing_particulars(footprint))
        out.append(StudyFootprint(code=product.code, name=product.name, id=str(pf.id),
                                  data=None if missing else pact.footprint(footprint), missing=missing))
    return out


def missing_message(item: StudyFootprint) -> str:
    return _("产品 %(code)s 缺少 PACT 必填信息：%(fields)s。") % {
        "code": item.code, "fields": "、".join(item.missing)}


# ------------------------------------------------------------------------ who sees what
def granted_studies(client: PactClient) -> QuerySet[Study]:
    return (Study.objects.filter(status__in=PUBLISHED_STATUSES, company__pact_grants__client=client)
            .exclude(issued_snapshot=None).select_related("company", "supersedes")
            .order_by("issued_at", "pk"))


def client_footprints(client: PactClient) -> list[dict]:
    """Every footprint the client may see, oldest first (a stable order for paging)."""
    if not client.is_active:
        return []
    return [item.data for study in granted_studies(client) for item in study_footprints(study)
            if item.data is not None]


def grant(*, client: PactClient, company, user) -> PactGrant:
    obj, _created = PactGrant.objects.get_or_create(client=client, company=company,
                                                    defaults={"granted_by": user})
    return obj


def revoke(*, client: PactClient, company) -> None:
    PactGrant.objects.filter(client=client, company=company).delete()


def footprint_exists(pf_id: str) -> bool:
    """Whether a published footprint has this id (for 403 rather than 404, as the spec says)."""
    return PactFootprint.objects.filter(
        pk=pf_id, study_product__study__status__in=PUBLISHED_STATUSES).exists()


def particulars_update(*, study_product: StudyProduct, values: dict) -> StudyProduct:
    """Save a product's PACT particulars: like all study data, only while the study is a
    draft (they are issued with it and never change afterwards)."""
    from ..freeze import ensure_study_editable

    ensure_study_editable(study_product.study)
    for name in ("mass_per_unit_kg", "fossil_carbon_kg", "biogenic_carbon_kg", "exempted_emissions_pct"):
        if name in values:
            setattr(study_product, name, values[name])
    study_product.full_clean()
    study_product.save()
    study_product.study.save(update_fields=["updated_at"])
    return study_product


def grant_overview(company) -> list[tuple[PactClient, PactGrant | None]]:
    """Every active client, with the company's grant to it (or None)."""
    grants = {g.client_id: g for g in PactGrant.objects.filter(company=company)}
    return [(c, grants.get(c.pk)) for c in PactClient.objects.filter(is_active=True).order_by("name")]
