"""Export a study as a `pcf-study/1` document (JSON or workbook).

export → import → export gives the same document: every field written here is read back by
the importer, and factors are written with everything that identifies their version. What is
written comes from the study's facts (services/facts), the same read as the report's and the
calculation's.
"""

from __future__ import annotations

from collections import Counter

from ...choices import NARRATIVE_SECTIONS
from ...models import Study
from ...selectors import study_restricted_factors
from ..facts.model import ActivityFacts, ClaimFacts, FactorFacts, StudyFacts
from ..facts.reading import study_facts
from ..formatting import normalised_decimals
from ..reference.licences import redact_restricted_factors, restricted_of
from .distribution_fields import write_distribution
from .document import FORMAT
from .pact_fields import write_pact_fields
from .writing import dumps, plain_number, write_workbook


def _factor_entry(factor: FactorFacts, *, with_version: bool) -> dict:
    entry: dict = {"code": factor.code}
    if with_version:
        entry["version"] = factor.version
    entry["name"] = factor.name_zh
    if factor.name_en:
        entry["name_en"] = factor.name_en
    entry["category"] = factor.category
    if factor.stated_value is not None:
        entry["value"] = plain_number(factor.stated_value)
        # A JSON number drops trailing zeros (0.5500 → 0.55): say how it was published.
        if (factor.value_decimals is not None
                and factor.value_decimals != normalised_decimals(factor.stated_value)):
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
    for key in ("published", "notes", "licence_note"):
        if getattr(factor, key):
            entry[key] = getattr(factor, key)
    # Written only when it forbids: a document without it reads as allowed, as before.
    if not factor.redistribution_allowed:
        entry["redistribution_allowed"] = False
    write_distribution(entry, factor, ratings=False)
    return entry


def study_to_document(study: Study, *, for_licensee: bool) -> dict:
    """The study's facts (services/facts, one read) as a pcf-study/1 document. Not
    `for_licensee` (a reader outside the certification body, access.sees_licensed_factors):
    the factors whose licence forbids redistribution keep what the report prints of them
    (services/reference/licences.py). No default: whoever serves a document says for whom."""
    document = facts_to_document(study_facts(study))
    return document if for_licensee else redact_restricted_factors(document)


def issued_document(study: Study, *, for_licensee: bool) -> dict:
    """The document issued under the study's signature (its snapshot), as the reader may have
    it. A snapshot written before documents carried `redistribution_allowed` is checked
    against the library's versions, which never change."""
    document = study.issued_snapshot["document"]
    if for_licensee:
        return document
    return redact_restricted_factors(document, restricted_of(study_restricted_factors(study)))


def facts_to_document(facts: StudyFacts) -> dict:
    """PURE: a study's facts, as entered, as a pcf-study/1 document."""
    used = facts.factors
    # Versions are written only where one study uses two versions of the same code, or where
    # the version is not the first: everywhere else the code alone is unambiguous.
    code_counts = Counter(f.code for f in used.values())
    with_version = {
        key for key, f in used.items() if code_counts[f.code] > 1 or f.version != 1
    }
    factors = sorted(used.values(), key=lambda f: (f.code, f.version))

    company = facts.company
    document: dict = {
        "format": FORMAT,
        "report_number": facts.report_number,
        "title": facts.title,
        "language": facts.language,
        "standards": list(facts.standards),
        "reference_period": {
            "start": facts.period_start.isoformat(),
            "end": facts.period_end.isoformat(),
        },
        "gwp_set": facts.gwp_set,
        "boundary": facts.boundary,
    }
    if facts.revision:
        document["revision"] = facts.revision
    if facts.certification_body:
        document["certification_body"] = facts.certification_body
    if facts.issue_date:
        document["issue_date"] = facts.issue_date.isoformat()
    document["company"] = {
        key: getattr(company, key)
        for key in ("name", "credit_code", "address", "legal_representative", "contact_name",
                    "contact_phone", "overview")
    }
    document["narrative"] = {
        key: facts.texts[key] for key in NARRATIVE_SECTIONS if facts.texts.get(key)
    }
    if facts.translations:
        document["translations"] = facts.translations
    document["factors"] = [_factor_entry(f, with_version=f.key in with_version) for f in factors]
    products = []
    for p in facts.products:
        entry = {
            "code": p.code,
            "name": p.name,
            "functional_unit": p.functional_unit,
            "annual_output": plain_number(p.annual_output),
        }
        if p.model:
            entry["model"] = p.model
        if p.description:
            entry["description"] = p.description
        if p.energy_using:
            entry["energy_using"] = True
        write_pact_fields(entry, p)
        entry["stages"] = [
            {"stage": s.stage, "included": s.included, "excluded": s.excluded,
             **({"exclusion_reason": s.exclusion_reason} if s.exclusion_reason else {})}
            for s in p.stages
            if s.included or s.excluded or s.exclusion_reason
        ]
        entry["activities"] = [_activity_entry(a, used[a.factor_key], a.factor_key in with_version)
                               for a in p.activities]
        products.append(entry)
    document["products"] = products
    if facts.claims:
        document["claims"] = [_claim_entry(c) for c in facts.claims]
    if facts.team:
        document["team"] = [
            {"name": m.name, "organisation": m.organisation,
             "certificate_number": m.certificate_number, "role": m.role}
            for m in facts.team
        ]
    return document


def _activity_entry(activity: ActivityFacts, factor: FactorFacts, with_version: bool) -> dict:
    entry = {
        "stage": activity.stage,
        "name": activity.name,
        "quantity": plain_number(activity.quantity),
        "unit": activity.unit,
        "basis": activity.basis,
        "factor": factor.code,
    }
    if with_version:
        entry["factor_version"] = factor.version
    entry["allocation"] = plain_number(activity.allocation)
    entry["data_type"] = activity.data_type
    entry["source"] = activity.source
    if activity.claimed_kgco2e_per_unit is not None:
        entry["claimed_kgco2e_per_unit"] = plain_number(activity.claimed_kgco2e_per_unit)
    if activity.uncertainty_pct is not None:
        entry["uncertainty_pct"] = plain_number(activity.uncertainty_pct)
    if activity.notes:
        entry["notes"] = activity.notes
    write_distribution(entry, activity, ratings=True)
    if activity.verification != "not_verified":
        entry["verification"] = activity.verification
        if activity.verified_evidence_sha256:
            entry["verified_evidence_sha256"] = activity.verified_evidence_sha256
    return entry


def _claim_entry(claim: ClaimFacts) -> dict:
    entry: dict = {"level": claim.level}
    if claim.product:
        entry["product"] = claim.product
    if claim.stage:
        entry["stage"] = claim.stage
    if claim.factor:
        entry["factor"] = claim.factor
    # As printed, as text: 24.160 written as a JSON number would come back as 24.16.
    entry["value"] = claim.printed_value
    entry["unit"] = claim.unit
    entry["place"] = claim.place
    if claim.note:
        entry["note"] = claim.note
    return entry


def study_to_json(study: Study, *, for_licensee: bool) -> str:
    return dumps(study_to_document(study, for_licensee=for_licensee))


def study_to_workbook(study: Study, *, for_licensee: bool) -> bytes:
    return write_workbook(study_to_document(study, for_licensee=for_licensee))
