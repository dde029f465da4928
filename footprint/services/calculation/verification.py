"""How well a product's figures are verified and how good its data are (pure: no ORM).

- Verification: each activity's status (verified against evidence, sampled, estimated or
  assumed, not verified) summed per status, by count of activities and by kgCO₂e (by
  magnitude: a credit weighs as much as an emission of its size).
- Findings: a hotspot (an activity of at least `HOTSPOT_SHARE` of the product's total) that is
  not verified against evidence is a warning before approval; an activity with no evidence
  file at all is listed.
- Data quality: the five pedigree ratings (1 best … 5 worst: reliability, completeness,
  temporal, geographical and technological representativeness; the scale the study stores and
  the uncertainty analysis reads, services/calculation/uncertainty.py). Per criterion the
  emission-weighted mean over the rated activities; the product's data quality rating (DQR)
  is the mean of the five criteria. PACT v3 rates on the same 1–5 scale (its three
  representativeness DQRs: services/pact/mapping.py); PACT v2's 1–3 scale is
  `pact_v2_scale` (1 → 1, 3 → 2, 5 → 3). The primary data share is the share of the
  product's kgCO₂e that comes from primary (site-specific) activity data.
docs/evidence.md says the same for users.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from . import checks as C
from .study import ActivityInput, ProductInput, ProductResult, display_percentages

VERIFIED = "verified"
SAMPLED = "sampled"
ESTIMATED = "estimated"
NOT_VERIFIED = "not_verified"
STATUSES = (VERIFIED, SAMPLED, ESTIMATED, NOT_VERIFIED)
HOTSPOT_SHARE = 0.10
# The order of ActivityInput.ratings (the model's fields dq_<criterion>).
CRITERIA = ("reliability", "completeness", "temporal", "geographical", "technological")
DQR_DECIMALS = 1


@dataclass(frozen=True, slots=True)
class StatusShare:
    status: str
    count: int
    kgco2e: float           # by magnitude
    count_pct: Decimal      # display shares: each column adds up to 100.0
    kg_pct: Decimal


@dataclass(frozen=True, slots=True)
class Hotspot:
    name: str
    stage: str
    share: float            # of the product's total, by magnitude (the threshold's measure)
    status: str
    record_id: int | None = None
    share_pct: Decimal | None = None  # the activity's display share, as every table prints it


@dataclass(frozen=True, slots=True)
class DataQuality:
    criteria: tuple[tuple[str, float | None], ...]  # (criterion, weighted mean or None)
    dqr: float | None             # mean of the five criteria, when every one is rated
    rated_share: float            # share of kgCO₂e whose activity carries all five ratings
    primary_share: float | None   # share of kgCO₂e from primary data (None: no emissions)


@dataclass(frozen=True, slots=True)
class ProductVerification:
    code: str
    shares: tuple[StatusShare, ...]
    activity_count: int
    kgco2e: float
    unverified_hotspots: tuple[Hotspot, ...]
    without_evidence: tuple[Hotspot, ...]
    quality: DataQuality


def _counted_results(result: ProductResult) -> list:
    """The activity results inside the boundary that computed."""
    in_boundary = {s.stage for s in result.stages if s.in_boundary}
    return [a for a in result.activities if a.ok and a.stage in in_boundary]


def _counted(product: ProductInput, result: ProductResult) -> list[tuple[ActivityInput, float, int | None]]:
    """(input, |kgCO₂e|, record id) of the activities inside the boundary that computed."""
    return [(product.activities[a.index], abs(a.kgco2e), a.record_id) for a in _counted_results(result)]


def unverified_hotspots(result: ProductResult, statuses) -> tuple[Hotspot, ...]:
    """The activities of at least HOTSPOT_SHARE of the product's total (by magnitude, inside
    the boundary) whose status (`statuses`: record id → status) is not "verified", largest
    first: a warning before approval."""
    rows = _counted_results(result)
    total = math.fsum(abs(a.kgco2e) for a in rows)
    if not total:
        return ()
    spots = [Hotspot(a.name, a.stage, abs(a.kgco2e) / total, statuses.get(a.record_id, NOT_VERIFIED),
                     a.record_id, a.share_pct)
             for a in rows if abs(a.kgco2e) / total >= HOTSPOT_SHARE
             and statuses.get(a.record_id, NOT_VERIFIED) != VERIFIED]
    return tuple(sorted(spots, key=lambda h: -h.share))


def product_verification(product: ProductInput, result: ProductResult) -> ProductVerification:
    rows = _counted(product, result)
    total = math.fsum(kg for _, kg, _ in rows)
    counts = {s: 0 for s in STATUSES}
    kgs = {s: 0.0 for s in STATUSES}
    for activity, kg, _ in rows:
        status = activity.verification if activity.verification in counts else NOT_VERIFIED
        counts[status] += 1
        kgs[status] += kg
    count_pct = display_percentages([counts[s] for s in STATUSES])
    kg_pct = display_percentages([kgs[s] for s in STATUSES])
    shares = tuple(StatusShare(s, counts[s], kgs[s], count_pct[i], kg_pct[i])
                   for i, s in enumerate(STATUSES))
    hotspots, bare = [], []
    for (activity, kg, record_id), shown in zip(rows, _counted_results(result), strict=True):
        share = kg / total if total else 0.0
        spot = Hotspot(activity.name, activity.stage, share, activity.verification, record_id,
                       shown.share_pct)
        if total and share >= HOTSPOT_SHARE and activity.verification != VERIFIED:
            hotspots.append(spot)
        if not activity.has_evidence:
            bare.append(spot)
    hotspots.sort(key=lambda h: -h.share)
    return ProductVerification(result.code, shares, len(rows), total, tuple(hotspots), tuple(bare),
                               data_quality(rows, total))


def data_quality(rows: Sequence[tuple[ActivityInput, float, int | None]], total: float) -> DataQuality:
    rated = [(a, kg) for a, kg, _ in rows if len(a.ratings) == len(CRITERIA) and all(a.ratings)]
    rated_kg = math.fsum(kg for _, kg in rated)
    criteria = []
    for i, name in enumerate(CRITERIA):
        # Each criterion over the activities that rate it (a partial rating still informs it).
        scored = [(a.ratings[i], kg) for a, kg, _ in rows if len(a.ratings) > i and a.ratings[i]]
        weight = math.fsum(kg for _, kg in scored)
        if not scored:
            criteria.append((name, None))
        elif weight:
            criteria.append((name, math.fsum(score * kg for score, kg in scored) / weight))
        else:
            criteria.append((name, sum(score for score, _ in scored) / len(scored)))
    values = [v for _, v in criteria]
    dqr = math.fsum(values) / len(values) if all(v is not None for v in values) else None
    primary = math.fsum(kg for a, kg, _ in rows if a.data_type == "primary")
    return DataQuality(tuple(criteria), dqr, rated_kg / total if total else 0.0,
                       primary / total if total else None)


def pact_v2_scale(score: float) -> float:
    """A pedigree / PACT v3 score (1–5) on PACT v2's DQR scale (1–3)."""
    return 1 + (score - 1) / 2


def pedigree_from_pact_v2(score: float) -> float:
    """The inverse: a PACT v2 DQR (1–3) on the pedigree scale (1–5)."""
    return 1 + (score - 1) * 2


def verification_checks(result: ProductResult, statuses, with_evidence=frozenset()) -> tuple[C.Check, ...]:
    """The findings as checks (checks.py: codes, messages in the active language): a warning
    per unverified hotspot, an info per activity without any evidence file (`with_evidence`:
    the record ids that have one; None skips that list)."""
    index_of = {a.record_id: a.index for a in result.activities}
    out = [C.Check(C.WARNING, C.HOTSPOT_NOT_VERIFIED, index_of.get(h.record_id),
                   MappingProxyType({"name": h.name, "stage": h.stage, "share": _printed_share(h),
                                     "status": h.status}),
                   stage=h.stage)
           for h in unverified_hotspots(result, statuses)]
    if with_evidence is not None:
        in_boundary = {s.stage for s in result.stages if s.in_boundary}
        out += [C.Check(C.INFO, C.NO_EVIDENCE, a.index, MappingProxyType({"name": a.name, "stage": a.stage}),
                        stage=a.stage)
                for a in result.activities if a.ok and a.stage in in_boundary and a.record_id not in with_evidence]
    return tuple(out)


def _printed_share(h: Hotspot) -> float:
    """The share a message prints: the display share (what the tables print), as a fraction."""
    return float(h.share_pct) / 100 if h.share_pct is not None else h.share
