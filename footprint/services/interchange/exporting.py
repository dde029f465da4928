"""Export a study as a `pcf-study/1` document (JSON or workbook).

export → import → export gives the same document: every field written here is read back by
`study_format`, and factors are written with everything that identifies their version.
"""

from __future__ import annotations

from collections import Counter

from ...choices import NARRATIVE_SECTIONS, STAGE_ORDER
from ...models import EmissionFactor, Study
from ...selectors import activities_of, study_products_with_data
from ..formatting import normalised_decimals
from .distribution_fields import write_distribution
from .document import FORMAT
from .pact_fields import write_pact_fields
from .writing import dumps, plain_number, write_workbook


def _factor_entry(factor: EmissionFactor, *, with_version: bool) -> dict:
    entry: dict = {"code": factor.code}
    if with_version:
        entry["version"] = factor.version
    entry["name"] = factor.name_zh
    if factor.name_en:
        entry["name_en"] = factor.name_en
    entry["category"] = factor.category
    if factor.value is not None:
        entry["value"] = plain_number(factor.value)
        # A JSON number drops trailing zeros (0.5500 → 0.55): say how it was published.
        if factor.value_decimals is not None and factor.value_decimals != normalised_decimals(factor.value):
            entry["value_decimals"] = factor.value_decimals
    else:
        entry["derived_from"] = {
            "ncv": factor.ncv,
            "carbon_content": factor.carbon_content,
            "oxidation_rate": plain_number(factor.oxidation_rate),
        }
    entry["unit"] = factor.unit
    entry["gas"] = factor.gas
    if factor.year is not None:
        entry["year"] = factor.year
    if factor.region:
        entry["region"] = factor.region
    entry["source"] = factor.source
    for key in ("published", "notes"):
        if getattr(factor, key):
            entry[key] = getattr(factor, key)
    write_distribution(entry, factor, ratings=False)
    return entry


def study_to_document(study: Study) -> dict:
    study_products = study_products_with_data(study)
    used: dict[int, EmissionFactor] = {}
    for sp in study_products:
        for record in activities_of(sp):
            used.setdefault(record.factor_id, record.factor)
    # Versions are written only where one study uses two versions of the same code, or where
    # the version is not the first: everywhere else the code alone is unambiguous.
    code_counts = Counter(f.code for f in used.values())
    with_version = {
        f.pk for f in used.values() if code_counts[f.code] > 1 or f.version != 1
    }
    factors = sorted(used.values(), key=lambda f: (f.code, f.version))

    company = study.company
    document: dict = {
        "format": FORMAT,
        "report_number": study.report_number,
        "title": study.title,
        "language": study.language,
        "standards": list(study.standards),
        "reference_period": {
            "start": study.period_start.isoformat(),
            "end": study.period_end.isoformat(),
        },
        "gwp_set": study.gwp_set,
        "boundary": study.boundary,
    }
    if study.revision:
        document["revision"] = study.revision
    if study.certification_body:
        document["certification_body"] = study.certification_body
    if study.issue_date:
        document["issue_date"] = study.issue_date.isoformat()
    document["company"] = {
        key: getattr(company, key)
        for key in ("name", "credit_code", "address", "legal_representative", "contact_name",
                    "contact_phone", "overview")
    }
    document["narrative"] = {
        key: getattr(study, key) for key in NARRATIVE_SECTIONS if getattr(study, key)
    }
    if study.translations:
        document["translations"] = study.translations
    document["factors"] = [_factor_entry(f, with_version=f.pk in with_version) for f in factors]
    products = []
    for sp in study_products:
        product = sp.product
        stages = sorted(sp.stages.all(), key=lambda s: STAGE_ORDER.index(s.stage))
        entry = {
            "code": product.code,
            "name": product.name,
            "functional_unit": product.functional_unit,
            "annual_output": plain_number(sp.annual_output),
        }
        if product.model:
            entry["model"] = product.model
        if product.description:
            entry["description"] = product.description
        if product.energy_using:
            entry["energy_using"] = True
        write_pact_fields(entry, sp)
        entry["stages"] = [
            {"stage": s.stage, "included": s.included, "excluded": s.excluded,
             **({"exclusion_reason": s.exclusion_reason} if s.exclusion_reason else {})}
            for s in stages
            if s.included or s.excluded or s.exclusion_reason
        ]
        entry["activities"] = [_activity_entry(a, a.factor_id in with_version) for a in activities_of(sp)]
        products.append(entry)
    document["products"] = products
    claims = list(study.claims.select_related("study_product__product"))
    if claims:
        document["claims"] = [_claim_entry(c) for c in claims]
    team = list(study.team.all())
    if team:
        document["team"] = [
            {"name": m.name, "organisation": m.organisation,
             "certificate_number": m.certificate_number, "role": m.role}
            for m in team
        ]
    return document


def _activity_entry(record, with_version: bool) -> dict:
    entry = {
        "stage": record.stage.stage,
        "name": record.name,
        "quantity": plain_number(record.quantity),
        "unit": record.unit,
        "basis": record.basis,
        "factor": record.factor.code,
    }
    if with_version:
        entry["factor_version"] = record.factor.version
    entry["allocation"] = plain_number(record.allocation)
    entry["data_type"] = record.data_type
    entry["source"] = record.source
    if record.claimed_kgco2e_per_unit is not None:
        entry["claimed_kgco2e_per_unit"] = plain_number(record.claimed_kgco2e_per_unit)
    if record.uncertainty_pct is not None:
        entry["uncertainty_pct"] = plain_number(record.uncertainty_pct)
    if record.notes:
        entry["notes"] = record.notes
    write_distribution(entry, record, ratings=True)
    if record.verification != "not_verified":
        entry["verification"] = record.verification
        if record.verified_evidence_id:
            entry["verified_evidence_sha256"] = record.verified_evidence.sha256
    return entry


def _claim_entry(claim) -> dict:
    entry: dict = {"level": claim.level}
    if claim.study_product_id:
        entry["product"] = claim.study_product.product.code
    if claim.stage:
        entry["stage"] = claim.stage
    if claim.factor_code:
        entry["factor"] = claim.factor_code
    # As printed, as text: 24.160 written as a JSON number would come back as 24.16.
    entry["value"] = claim.printed_value
    entry["unit"] = claim.unit
    entry["place"] = claim.place
    if claim.note:
        entry["note"] = claim.note
    return entry


def study_to_json(study: Study) -> str:
    return dumps(study_to_document(study))


def study_to_workbook(study: Study) -> bytes:
    return write_workbook(study_to_document(study))
