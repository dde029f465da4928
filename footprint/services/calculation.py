"""The carbon footprint calculation: plain frozen data in, plain frozen data out.

No ORM, no request, no settings. For each activity, in kg CO₂e per functional unit:

    quantity × (unit conversion) × factor value × GWP(gas) × allocation ÷ (annual output | 1)

Stage total = sum of its activities; product total = sum of its stages; share = stage ÷ total.
Full precision inside (math.fsum); rounding happens only for display (`display_percentages`).
Checks (see `checks.py` for their codes) travel with the result, never as exceptions, so one
bad row cannot hide the others.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from . import checks as C
from .units import UnitError, conversion_factor, emission_multiplier

STAGES: tuple[str, ...] = (
    "raw_material_acquisition",
    "raw_material_transport",
    "production",
    "distribution",
    "use",
    "end_of_life",
)
CRADLE_TO_GATE: tuple[str, ...] = STAGES[:3]

# A claimed figure "follows" from the data if it is within 0.1 % of the recomputed one …
CLAIM_TOLERANCE = 0.001
# … or within half a unit of the third decimal it was printed with (0.0004 printed as 0.000 is
# not a discrepancy, it is rounding).
CLAIM_PRINT_RESOLUTION = 0.0005
# A library factor "explains" a claim if its value is within 0.1 % of the value implied by it.
SUGGESTION_TOLERANCE = 0.001

# ---------------------------------------------------------------------------------- inputs
@dataclass(frozen=True, slots=True)
class FactorInput:
    """One version of an emission factor: `value` kg of `gas` per activity unit (`unit`)."""

    key: str
    code: str
    value: float
    unit: str
    gas: str
    version: int = 1
    family: str = ""
    year: int | None = None
    name: str = ""
    # Decimals the value was published with (None: derived or unknown), for printing only.
    value_decimals: int | None = None


@dataclass(frozen=True, slots=True)
class ActivityInput:
    stage: str
    name: str
    quantity: float
    unit: str
    factor_key: str
    basis: str = "annual_total"
    allocation: float = 1.0
    claimed_kgco2e_per_unit: float | None = None
    record_id: int | None = None


@dataclass(frozen=True, slots=True)
class StageInput:
    """A stage's boundary statement; only the exclusion reason matters to the calculation."""

    stage: str
    exclusion_reason: str = ""


@dataclass(frozen=True, slots=True)
class ProductInput:
    code: str
    name: str
    functional_unit: str
    annual_output: float
    activities: tuple[ActivityInput, ...] = ()
    stages: tuple[StageInput, ...] = ()


@dataclass(frozen=True, slots=True)
class StudyInput:
    report_number: str
    gwp_set: str
    boundary: str
    gwp: Mapping[str, float]
    factors: Mapping[str, FactorInput]
    products: tuple[ProductInput, ...]
    # Factors that may explain a claimed figure (the library); may include `factors`.
    library: tuple[FactorInput, ...] = ()


# --------------------------------------------------------------------------------- results
@dataclass(frozen=True, slots=True)
class ActivityResult:
    index: int
    stage: str
    name: str
    factor: str
    factor_key: str
    quantity: float
    unit: str
    kgco2e: float
    claimed_kgco2e: float | None
    deviation: float | None
    gas: str = ""
    ok: bool = True
    record_id: int | None = None
    # Display share in % (one decimal): the stage's display share apportioned over its
    # activities, so the activities of a stage add up to exactly the stage's share.
    share_pct: Decimal = Decimal("0.0")


@dataclass(frozen=True, slots=True)
class StageResult:
    stage: str
    kgco2e: float
    share: float
    share_pct: Decimal = Decimal("0.0")
    activity_count: int = 0
    in_boundary: bool = True


@dataclass(frozen=True, slots=True)
class ProductResult:
    code: str
    name: str
    functional_unit: str
    annual_output: float
    total_kgco2e: float
    stages: tuple[StageResult, ...]
    activities: tuple[ActivityResult, ...]
    checks: tuple[C.Check, ...]

    @property
    def has_errors(self) -> bool:
        return any(c.severity == C.ERROR for c in self.checks)

    def top_contributors(self, n: int = 5) -> tuple[ActivityResult, ...]:
        ranked = sorted(
            (a for a in self.activities if a.ok), key=lambda a: (-a.kgco2e, a.index)
        )
        return tuple(ranked[:n])

    def stage(self, stage: str) -> StageResult | None:
        return next((s for s in self.stages if s.stage == stage), None)


@dataclass(frozen=True, slots=True)
class StudyResult:
    report_number: str
    gwp_set: str
    products: tuple[ProductResult, ...]
    checks: tuple[C.Check, ...] = field(default=())

    @property
    def has_errors(self) -> bool:
        return any(p.has_errors for p in self.products)

    @property
    def all_checks(self) -> tuple[C.Check, ...]:
        return tuple(c for p in self.products for c in p.checks)

    def product(self, code: str) -> ProductResult | None:
        return next((p for p in self.products if p.code == code), None)


# ----------------------------------------------------------------------------- calculation
def calculate_study(study: StudyInput) -> StudyResult:
    """Compute every product of a study and the checks that go with it."""
    family_checks = _mixed_version_checks(study)
    products = tuple(
        _calculate_product(product, study, family_checks) for product in study.products
    )
    return StudyResult(report_number=study.report_number, gwp_set=study.gwp_set, products=products)


def _calculate_product(
    product: ProductInput, study: StudyInput, family_checks: Mapping[str, C.Check]
) -> ProductResult:
    boundary_stages = CRADLE_TO_GATE if study.boundary == "cradle_to_gate" else STAGES
    checks: list[C.Check] = []
    pending: list[tuple] = []
    per_stage: dict[str, list[float]] = {s: [] for s in STAGES}
    rows_of_stage: dict[str, list[int]] = {s: [] for s in STAGES}  # positions, as per_stage
    counts: dict[str, int] = dict.fromkeys(STAGES, 0)
    output_reported = False

    for index, activity in enumerate(product.activities):
        factor = study.factors.get(activity.factor_key)
        kg, problem = 0.0, None
        gas = factor.gas if factor else ""
        if activity.stage not in STAGES:
            problem = C.Check(C.ERROR, C.UNKNOWN_STAGE, index, {"stage": activity.stage})
        elif factor is None:
            problem = C.Check(C.ERROR, C.FACTOR_MISSING, index, {"factor": activity.factor_key})
        elif factor.gas not in study.gwp:
            problem = C.Check(
                C.ERROR, C.GWP_MISSING, index, {"gas": factor.gas, "gwp_set": study.gwp_set}
            )
        elif activity.basis == "annual_total" and not product.annual_output > 0:
            problem = C.Check(C.ERROR, C.OUTPUT_MISSING, None, {"product": product.code})
        else:
            try:
                multiplier = emission_multiplier(activity.unit, factor.unit)
            except UnitError:
                problem = C.Check(
                    C.ERROR,
                    C.UNIT_INCOMPATIBLE,
                    index,
                    {"activity_unit": activity.unit, "factor_unit": factor.unit,
                     "factor": factor.code, "name": activity.name},
                )
            else:
                divisor = product.annual_output if activity.basis == "annual_total" else 1.0
                kg = (
                    activity.quantity * multiplier * factor.value * study.gwp[factor.gas]
                    * activity.allocation / divisor
                )

        ok = problem is None
        if problem is not None:
            # OUTPUT_MISSING concerns the product, not each row: report it once.
            if problem.code != C.OUTPUT_MISSING or not output_reported:
                checks.append(problem)
            output_reported = output_reported or problem.code == C.OUTPUT_MISSING

        in_boundary = activity.stage in boundary_stages
        if ok and activity.stage in STAGES and not in_boundary:
            checks.append(
                C.Check(C.WARNING, C.STAGE_OUTSIDE_BOUNDARY, index, {"stage": activity.stage},
                        stage=activity.stage)
            )
        if ok and in_boundary:
            per_stage[activity.stage].append(kg)
            rows_of_stage[activity.stage].append(index)
        if activity.stage in counts:
            counts[activity.stage] += 1

        deviation = None
        if ok and activity.claimed_kgco2e_per_unit is not None:
            deviation, claim_check = _claim_check(index, activity, factor, kg, study)
            if claim_check is not None:
                checks.append(claim_check)

        # Built once the display shares are known (below); a tuple in ActivityResult's field
        # order, as a dict per row costs 10 % of a 10,000-row calculation.
        pending.append((
            index, activity.stage, activity.name,
            factor.code if factor else activity.factor_key, activity.factor_key,
            activity.quantity, activity.unit, kg if ok and in_boundary else 0.0,
            activity.claimed_kgco2e_per_unit, deviation, gas, ok, activity.record_id,
        ))

    stage_totals = {s: math.fsum(per_stage[s]) for s in boundary_stages}
    total = math.fsum(stage_totals.values())
    percentages = display_percentages([stage_totals[s] for s in boundary_stages])
    stages = tuple(
        StageResult(
            stage=s,
            kgco2e=stage_totals[s],
            share=(stage_totals[s] / total) if total > 0 else 0.0,
            share_pct=pct,
            activity_count=counts[s],
        )
        for s, pct in zip(boundary_stages, percentages, strict=True)
    )
    activities = _activity_results(pending, stages, total, per_stage, rows_of_stage)

    reasons = {s.stage: s.exclusion_reason.strip() for s in product.stages}
    if study.boundary == "cradle_to_grave":
        for s in STAGES:
            if counts[s] == 0 and not reasons.get(s):
                checks.append(C.Check(C.WARNING, C.STAGE_MISSING, None, {"stage": s}, stage=s))

    used_families = {
        study.factors[a.factor_key].family or study.factors[a.factor_key].code
        for a in product.activities
        if a.factor_key in study.factors
    }
    checks.extend(check for fam, check in family_checks.items() if fam in used_families)

    return ProductResult(
        code=product.code,
        name=product.name,
        functional_unit=product.functional_unit,
        annual_output=product.annual_output,
        total_kgco2e=total,
        stages=stages,
        activities=tuple(activities),
        checks=tuple(checks),
    )


def _claim_check(
    index: int, activity: ActivityInput, factor: FactorInput, kg: float, study: StudyInput
) -> tuple[float | None, C.Check | None]:
    claimed = activity.claimed_kgco2e_per_unit
    assert claimed is not None
    if kg == 0:
        if claimed == 0:
            return None, None
        return None, C.Check(
            C.WARNING, C.CLAIMED_MISMATCH, index,
            {"claimed": claimed, "computed": 0.0, "deviation": None, "implied_value": None,
             "factor": factor.code, "factor_unit": factor.unit, "factor_value": factor.value,
             "factor_decimals": factor.value_decimals},
        )
    deviation = claimed / kg - 1
    if abs(deviation) <= CLAIM_TOLERANCE or abs(claimed - kg) <= CLAIM_PRINT_RESOLUTION:
        return deviation, None
    implied = factor.value * claimed / kg
    suggestion = _suggest_factor(factor, implied, study.library)
    return deviation, C.Check(
        C.WARNING,
        C.CLAIMED_MISMATCH,
        index,
        {"claimed": claimed, "computed": kg, "deviation": deviation, "implied_value": implied,
         "factor": factor.code, "factor_unit": factor.unit, "factor_value": factor.value,
             "factor_decimals": factor.value_decimals},
        suggested_factor=suggestion.code if suggestion else None,
        suggested_factor_key=suggestion.key if suggestion else None,
    )


def _suggest_factor(
    factor: FactorInput, implied: float, library: Sequence[FactorInput]
) -> FactorInput | None:
    """The library factor of the same gas and unit dimension closest to the implied value,
    if it lies within 0.1 % of it."""
    if implied <= 0:
        return None
    best, best_gap = None, SUGGESTION_TOLERANCE
    for candidate in library:
        if candidate.gas != factor.gas or candidate.key == factor.key:
            continue
        try:
            value = candidate.value * (
                1.0 if candidate.unit == factor.unit
                else conversion_factor(candidate.unit, factor.unit)
            )
        except UnitError:
            continue
        gap = abs(value / implied - 1)
        if gap <= best_gap:
            best, best_gap = candidate, gap
    return best


def _mixed_version_checks(study: StudyInput) -> dict[str, C.Check]:
    """One warning per factor family of which the study uses more than one year/version."""
    used: dict[str, set[str]] = {}
    for product in study.products:
        for activity in product.activities:
            factor = study.factors.get(activity.factor_key)
            if factor is not None:
                used.setdefault(factor.family or factor.code, set()).add(factor.key)
    result = {}
    for family, keys in sorted(used.items()):
        if len(keys) > 1:
            labels = sorted(
                _factor_label(study.factors[k]) for k in keys
            )
            result[family] = C.Check(
                C.WARNING, C.MIXED_FACTOR_VERSIONS, None,
                {"family": family, "factors": ", ".join(labels)},
            )
    return result


def _factor_label(factor: FactorInput) -> str:
    label = factor.code if factor.version == 1 else f"{factor.code} v{factor.version}"
    return f"{label} ({factor.year})" if factor.year else label


# ------------------------------------------------------------------------------- display
def display_percentages(values: Sequence[float], decimals: int = 1) -> tuple[Decimal, ...]:
    """Percent shares rounded to `decimals` that add up to exactly 100 (largest remainder).

    Independent rounding of 84.949 %, 4.614 %, … can print a total of 99.9 % or 100.1 %;
    auditors read that as an error, so the rounding residue goes to the largest remainders.
    """
    total = math.fsum(values)
    if total <= 0 or not values:
        return tuple(Decimal(0).quantize(Decimal(1).scaleb(-decimals)) for _ in values)
    scale = 10**decimals
    raw = [v / total * 100 * scale for v in values]
    floors = [math.floor(r) for r in raw]
    missing = 100 * scale - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), -raw[i], i))
    for i in order[: max(0, missing)]:
        floors[i] += 1
    quantum = Decimal(1).scaleb(-decimals)
    return tuple(
        (Decimal(f) / scale).quantize(quantum, rounding=ROUND_HALF_EVEN) for f in floors
    )


def apportion_percentages(values: Sequence[float], total: float, target: Decimal,
                          decimals: int = 1) -> tuple[Decimal, ...]:
    """Percent shares of `values` in `total`, rounded to `decimals` so that they add up to
    exactly `target` (largest remainder; ties go to the earlier value): the activities of a
    stage add up to the stage's display share, and a stage's only activity gets its share."""
    if total <= 0 or not values:
        return (_grid_decimal(0, decimals),) * len(values)
    scale = 10**decimals
    raw = [v / total * 100 * scale for v in values]  # this order: no overflow for tiny totals
    floors = [math.floor(r) for r in raw]
    # `target` is the exact sum rounded to the grid (±1 unit), so 0 ≤ missing ≤ len(values)
    # but for float noise, which takes from the smallest remainder instead.
    missing = int(target * scale) - sum(floors)
    if missing:
        remainders = [r - f for r, f in zip(raw, floors, strict=True)]
        order = sorted(range(len(raw)), key=remainders.__getitem__, reverse=True)
        for i in order[: max(0, missing)]:
            floors[i] += 1
        for i in order[::-1][: max(0, -missing)]:
            floors[i] -= 1
    grid = {f: _grid_decimal(f, decimals) for f in set(floors)}
    return tuple(grid[f] for f in floors)


@lru_cache(maxsize=4096)
def _grid_decimal(units: int, decimals: int) -> Decimal:
    return (Decimal(units) / 10**decimals).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


def _activity_results(pending: list[tuple], stages: tuple[StageResult, ...], total: float,
                      per_stage: Mapping[str, list[float]],
                      rows_of_stage: Mapping[str, list[int]]) -> list[ActivityResult]:
    """ActivityResults from their field tuples (index, stage, …, record_id) and display shares;
    rows outside the boundary or without a result have a share of 0.0."""
    shares = [_grid_decimal(0, 1)] * len(pending)
    for stage in stages:
        rows = rows_of_stage[stage.stage]
        if rows:
            stage_shares = apportion_percentages(per_stage[stage.stage], total, stage.share_pct)
            for i, pct in zip(rows, stage_shares, strict=True):
                shares[i] = pct
    return [ActivityResult(*row, pct) for row, pct in zip(pending, shares, strict=True)]


# --------------------------------------------------------------------------- serialisation
def result_to_dict(result: StudyResult) -> dict:
    """The results document of `pcf-study/1` (numbers unrounded, share as a fraction)."""
    return {
        "report_number": result.report_number,
        "gwp_set": result.gwp_set,
        "products": [
            {
                "code": p.code,
                "name": p.name,
                "functional_unit": p.functional_unit,
                "total_kgco2e": p.total_kgco2e,
                "stages": [
                    {"stage": s.stage, "kgco2e": s.kgco2e, "share": s.share,
                     "share_pct_display": str(s.share_pct)}
                    for s in p.stages
                ],
                "activities": [
                    {"stage": a.stage, "name": a.name, "factor": a.factor, "kgco2e": a.kgco2e,
                     "claimed_kgco2e": a.claimed_kgco2e, "deviation": a.deviation,
                     "share_pct_display": str(a.share_pct)}
                    for a in p.activities
                ],
                "checks": [c.to_dict() for c in p.checks],
            }
            for p in result.products
        ],
    }
