"""The plain facts a report is built from: what `inputs.py` reads from the database and
`context.py` formats. Frozen dataclasses, no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ..choices import Basis, DataType, FactorCategory
from ..services.calculation.study import StudyInput, StudyResult
from ..services.workflow.completeness import Missing


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
    stages: tuple[StageFacts, ...] = ()
    activities: tuple[ActivityFacts, ...] = ()


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


@dataclass(frozen=True)
class PersonFacts:
    name: str
    organisation: str = ""
    certificate_number: str = ""
    role: str = ""


@dataclass(frozen=True)
class TransitionFacts:
    to_status: str
    at: dt.datetime
    user: str = ""


@dataclass(frozen=True)
class ImageFacts:
    url: str
    caption: str


@dataclass(frozen=True)
class Narrative:
    text: str
    is_default: bool


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
    certification_body: str
    revision: int = 0
    supersedes: str = ""
    issue_date: dt.date | None = None
    verification_code: str | None = None
    gwp_version: int = 1       # the edition of the GWP set the numbers use
    gwp_source: str = ""       # its IPCC source table


@dataclass(frozen=True)
class ReportInputs:
    study: StudyFacts
    products: tuple[ProductFacts, ...]
    factors: Mapping[str, FactorFacts]
    calculation_input: StudyInput
    result: StudyResult
    gwp_values: Mapping[str, Mapping[str, float]]      # GWP set → gas → value (all sets)
    narratives: Mapping[str, Narrative]
    language: str = "zh-hans"
    final: bool = False
    team: tuple[PersonFacts, ...] = ()
    auditors: tuple[PersonFacts, ...] = ()
    lead_verifier: PersonFacts | None = None
    transitions: tuple[TransitionFacts, ...] = ()
    missing: tuple[Missing, ...] = ()
    images: tuple[ImageFacts, ...] = ()
    assets: Mapping[str, str] = field(default_factory=dict)
    verification_url: str = ""
    qr_svg: str = ""            # segno's inline SVG of verification_url (made by the loader)
    verification_url_local: bool = False  # PUBLIC_BASE_URL is this machine or a private network
    generated_at: dt.datetime | None = None
    uncertainty: object | None = None   # services.study_uncertainty.StudyUncertainty


