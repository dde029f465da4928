"""One model of a study's facts: what the report, its default paragraphs and the list of the
study's texts to translate are written from.

Plain frozen dataclasses, no Django. `reading.py` reads them from the database once, in the
language they were entered in; `report_prose.translation.translate_facts` puts the study's own
text into a report language in one pass. The numbers are not facts: they are recomputed by the
calculation (`services/results.py`) and travel beside the facts.
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


@dataclass(frozen=True)
class StageFacts:
    stage: str
    included: str = ""
    excluded: str = ""
    exclusion_reason: str = ""
    activity_count: int = 0


@dataclass(frozen=True)
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
    """The text of a figure an earlier report claimed: where it is printed, in which unit."""

    place: str = ""
    unit: str = ""


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
    # The narrative sections as written (choices.NARRATIVE_SECTIONS); empty: a default is printed.
    texts: Mapping[str, str] = field(default_factory=dict)
    products: tuple[ProductFacts, ...] = ()
    factors: Mapping[str, FactorFacts] = field(default_factory=dict)  # by key, in first use
    team: tuple[PersonFacts, ...] = ()
    auditors: tuple[PersonFacts, ...] = ()
    lead_verifier: PersonFacts | None = None
    claims: tuple[ClaimFacts, ...] = ()
