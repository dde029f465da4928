"""One model of a study's facts: what the calculation's input, the report, its default
paragraphs, the list of the study's texts to translate, the pcf-study/1 export and the PACT
footprints are written from.

Plain frozen dataclasses, no Django. `reading.py` reads them from the database once (many
studies at once in the same queries), in the language they were entered in;
`report_prose.translation.translate_facts` puts the study's own text into a report language in
one pass. The numbers are not facts: they are recomputed by the calculation
(`services/results.py`, from these facts) and travel beside the facts.

Uncertainty and PACT fields are named like the model fields (`distribution_gsd2`,
`dq_temporal`, `mass_per_unit_kg`, …), so that the writers of the file format
(interchange/distribution_fields.py, pact_fields.py) read a model row and a fact alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ...choices import Basis, DataType, FactorCategory


@dataclass(frozen=True)
class CompanyFacts:
    name: str
    credit_code: str = ""
    address: str = ""
    legal_representative: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    overview: str = ""
    id: int | None = None      # the row (PACT's company id when it has no credit code)


@dataclass(frozen=True)
class StageFacts:
    stage: str
    included: str = ""
    excluded: str = ""
    exclusion_reason: str = ""
    activity_count: int = 0


@dataclass(frozen=True, slots=True)
class ActivityFacts:
    record_id: int | None
    stage: str
    name: str
    quantity: Decimal
    unit: str
    factor_key: str
    basis: str = Basis.ANNUAL_TOTAL
    allocation: Decimal = Decimal("1")
    data_type: str = DataType.PRIMARY
    source: str = ""
    uncertainty_pct: Decimal | None = None
    claimed_kgco2e_per_unit: Decimal | None = None
    notes: str = ""
    # The quantity's distribution (DistributionKind; "" when none is entered) and its parameters.
    distribution: str = ""
    distribution_gsd2: Decimal | None = None
    distribution_sd: Decimal | None = None
    distribution_low: Decimal | None = None
    distribution_high: Decimal | None = None
    # Pedigree data-quality ratings, 1 (best) … 5.
    dq_reliability: int | None = None
    dq_completeness: int | None = None
    dq_temporal: int | None = None
    dq_geographical: int | None = None
    dq_technological: int | None = None
    # How the auditor checked the figure (VerificationStatus), the SHA-256 of the evidence file
    # it was verified against, and whether any evidence is attached (services/evidence).
    verification: str = "not_verified"
    verified_evidence_sha256: str | None = None
    has_evidence: bool = False


@dataclass(frozen=True)
class ProductFacts:
    code: str
    name: str
    functional_unit: str
    annual_output: Decimal
    model: str = ""
    description: str = ""
    stages: tuple[StageFacts, ...] = ()          # in life-cycle order
    activities: tuple[ActivityFacts, ...] = ()   # in document order
    energy_using: bool = False
    # PACT particulars (services/interchange/pact_fields.py): None when unknown.
    mass_per_unit_kg: Decimal | None = None
    fossil_carbon_kg: Decimal | None = None
    biogenic_carbon_kg: Decimal | None = None
    exempted_emissions_pct: Decimal | None = None
    study_product_id: int | None = None
    product_id: int | None = None


@dataclass(frozen=True)
class FactorFacts:
    key: str
    code: str
    name_zh: str
    unit: str
    gas: str
    value: float
    source: str
    version: int = 1
    name_en: str = ""
    category: str = FactorCategory.OTHER
    stated_value: Decimal | None = None
    ncv: str = ""
    carbon_content: str = ""
    oxidation_rate: Decimal | None = None
    year: int | None = None
    region: str = ""
    published: str = ""
    notes: str = ""
    value_decimals: int | None = None  # as published; None for a derived factor
    family: str = ""
    # The published uncertainty of the value (as ActivityFacts).
    distribution: str = ""
    distribution_gsd2: Decimal | None = None
    distribution_sd: Decimal | None = None
    distribution_low: Decimal | None = None
    distribution_high: Decimal | None = None
    licence_note: str = ""
    # False: the licence allows printing the value and its source only (docs/factor-library.md)
    redistribution_allowed: bool = True


@dataclass(frozen=True)
class PersonFacts:
    name: str
    organisation: str = ""
    certificate_number: str = ""
    role: str = ""


@dataclass(frozen=True)
class ClaimFacts:
    """A figure an earlier report claimed (StudyClaim): where it is printed, in which unit, and
    what it says; checked by the calculation, never used as a result."""

    place: str = ""
    unit: str = ""
    level: str = ""            # product | stage | share | factor
    product: str = ""          # the product's code, "" for a study-wide factor claim
    stage: str = ""
    factor: str = ""           # the factor's code
    value: Decimal = Decimal(0)
    decimals: int = 3
    note: str = ""

    @property
    def printed_value(self) -> str:
        """The value as the report printed it (with its trailing zeros)."""
        return f"{self.value:.{self.decimals}f}"


@dataclass(frozen=True)
class StudyFacts:
    report_number: str
    title: str
    standards: tuple[str, ...]
    period_start: dt.date
    period_end: dt.date
    gwp_set: str
    boundary: str
    status: str
    company: CompanyFacts
    certification_body: str    # as the study names it; empty: the body of the settings
    revision: int = 0
    supersedes: str = ""
    issue_date: dt.date | None = None
    verification_code: str | None = None
    gwp_version: int = 1       # the edition of the GWP set the numbers use
    gwp_source: str = ""       # its IPCC source table
    gwp_version_id: int | None = None  # the edition pinned (None: the set's current one)
    language: str = "zh-hans"  # the study's report language
    # The study's own text in other languages, as stored (Study.translations).
    translations: Mapping[str, dict] = field(default_factory=dict)
    # The narrative sections as written (choices.NARRATIVE_SECTIONS); empty: a default is printed.
    texts: Mapping[str, str] = field(default_factory=dict)
    products: tuple[ProductFacts, ...] = ()
    factors: Mapping[str, FactorFacts] = field(default_factory=dict)  # by key, in first use
    team: tuple[PersonFacts, ...] = ()
    auditors: tuple[PersonFacts, ...] = ()
    lead_verifier: PersonFacts | None = None
    claims: tuple[ClaimFacts, ...] = ()
