"""What a report is built from beyond the study's facts (`services/facts`): the calculation,
the narrative as printed, the review's dates, the images and the report's own settings.
`inputs.py` reads them, `context.py` formats them. Frozen dataclasses, no Django."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..services.calculation.study import StudyInput, StudyResult
from ..services.facts.model import FactorFacts, PersonFacts, ProductFacts, StudyFacts
from ..services.workflow.completeness import Missing


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
class EvidenceFacts:
    """An evidence file as the report's annex lists it (the file is not embedded)."""

    name: str
    kind: str          # EvidenceKind value
    sha256: str
    size: int
    product: str = ""  # the activity it supports (empty: the whole study)
    stage: str = ""
    activity: str = ""  # in the report language


@dataclass(frozen=True)
class Narrative:
    text: str
    is_default: bool


@dataclass(frozen=True)
class ReportInputs:
    study: StudyFacts                                  # in the report language
    calculation_input: StudyInput
    result: StudyResult
    gwp_values: Mapping[str, Mapping[str, float]]      # GWP set → gas → value (all sets)
    narratives: Mapping[str, Narrative]
    language: str = "zh-hans"
    final: bool = False
    transitions: tuple[TransitionFacts, ...] = ()
    missing: tuple[Missing, ...] = ()
    images: tuple[ImageFacts, ...] = ()
    assets: Mapping[str, str] = field(default_factory=dict)
    verification_url: str = ""
    qr_svg: str = ""            # segno's inline SVG of verification_url (made by the loader)
    verification_url_local: bool = False  # PUBLIC_BASE_URL is this machine or a private network
    generated_at: dt.datetime | None = None
    uncertainty: object | None = None   # services.study_uncertainty.StudyUncertainty
    evidence: tuple[EvidenceFacts, ...] = ()

    # The chapters read the study's rows through these.
    @property
    def products(self) -> tuple[ProductFacts, ...]:
        return self.study.products

    @property
    def factors(self) -> Mapping[str, FactorFacts]:
        return self.study.factors

    @property
    def team(self) -> tuple[PersonFacts, ...]:
        return self.study.team

    @property
    def auditors(self) -> tuple[PersonFacts, ...]:
        return self.study.auditors

    @property
    def lead_verifier(self) -> PersonFacts | None:
        return self.study.lead_verifier
