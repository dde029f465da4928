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
# Shares of one site-level quantity split between products must add up to 1 (`allocation_sum`).
ALLOCATION_SUM_TOLERANCE = 1e-6

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
    # Uses energy in its use stage (e.g. electrical equipment with losses): leaving that
    # stage out makes the result a partial CFP (`use_stage_excluded`).
    energy_using: bool = False


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
    allocation_checks = _allocation_sum_checks(study)
    products = tuple(
        _calculate_product(product, study, family_checks, allocation_checks.get(i, ()))
        for i, product in enumerate(study.products)
    )
    return StudyResult(report_number=study.report_number, gwp_set=study.gwp_set, products=products)


def _calculate_product(
    product: ProductInput, study: StudyInput, family_checks: Mapping[str, C.Check],
    allocation_checks: Sequence[C.Check] = (),
) -> ProductResult:
    boundary_stages = CRADLE_TO_GATE if study.boundary == "cradle_to_gate" else STAGES
    checks: list[C.Check] = []
    activities: list[ActivityResult] = []
    per_stage: dict[str, list[float]] = {s: [] for s in STAGES}
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
        if activity.stage in counts:
            counts[activity.stage] += 1

        deviation = None
        if ok and activity.claimed_kgco2e_per_unit is not None:
            deviation, claim_check = _claim_check(index, activity, factor, kg, study)
            if claim_check is not None:
                checks.append(claim_check)

        activities.append(
            ActivityResult(
                index=index,
                stage=activity.stage,
                name=activity.name,
                factor=factor.code if factor else activity.factor_key,
                factor_key=activity.factor_key,
                quantity=activity.quantity,
                unit=activity.unit,
                kgco2e=kg if ok and in_boundary else 0.0,
                claimed_kgco2e=activity.claimed_kgco2e_per_unit,
                deviation=deviation,
                gas=gas,
                ok=ok,
                record_id=activity.record_id,
            )
        )

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
    checks.extend(_boundary_checks(product, study, counts, reasons))
    checks.extend(allocation_checks)

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
             "factor": factor.code, "factor_unit": factor.unit, "factor_value": factor.value},
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
         "factor": factor.code, "factor_unit": factor.unit, "factor_value": factor.value},
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


def _boundary_checks(
    product: ProductInput, study: StudyInput, counts: Mapping[str, int], reasons: Mapping[str, str]
) -> list[C.Check]:
    """What an expert reviewer says about the life cycle stages a product's result leaves out
    (ISO 14067:2018: a study that omits stages quantifies a partial CFP, 3.1.1.2)."""
    checks: list[C.Check] = []
    gate = study.boundary == "cradle_to_gate"
    if gate:
        left_out = [s for s in STAGES if s not in CRADLE_TO_GATE]
    else:
        # A stage with no rows is left out only where a reason says so; without a reason it
        # is `stage_missing` (an omission to fix, not a boundary decision).
        left_out = [s for s in STAGES if counts[s] == 0 and reasons.get(s)]
    if left_out:
        checks.append(C.Check(
            C.INFO, C.STAGES_OUTSIDE_BOUNDARY, None,
            {"stages": tuple(left_out), "boundary": study.boundary},
        ))
    if product.energy_using and (gate or counts["use"] == 0):
        checks.append(C.Check(
            C.WARNING, C.USE_STAGE_EXCLUDED, None,
            {"outside_boundary": gate},
            stage="use",
        ))
    if gate:
        checks.append(C.Check(
            C.WARNING, C.PARTIAL_CFP_FUNCTIONAL_UNIT, None,
            {"unit": product.functional_unit},
        ))
    return checks


def _allocation_sum_checks(study: StudyInput) -> dict[int, tuple[C.Check, ...]]:
    """Activities of several products that share one site-level quantity (same stage, name,
    quantity, unit, basis and factor, allocated < 1) must split it into shares adding up to 1:
    more counts the site's emissions twice, less leaves a part unaccounted for (or to products
    outside the study, which the allocation statement must say). One check per product row,
    keyed by the product's position in the study."""
    if len(study.products) < 2:
        return {}
    # Cheap first pass (this runs on every calculation of 10,000 rows): only quantities that
    # appear, allocated, in two products or more can form a group.
    seen: set[float] = set()
    shared: set[float] = set()
    for product in study.products:
        quantities = {a.quantity for a in product.activities if a.allocation < 1}
        shared |= seen & quantities
        seen |= quantities
    if not shared:
        return {}
    groups: dict[tuple, list[tuple[int, int, float]]] = {}
    for p_index, product in enumerate(study.products):
        for a_index, a in enumerate(product.activities):
            if a.allocation < 1 and a.quantity in shared:
                key = (a.quantity, a.stage, a.name, a.unit, a.basis, a.factor_key)
                groups.setdefault(key, []).append((p_index, a_index, a.allocation))
    out: dict[int, list[C.Check]] = {}
    for (quantity, stage, name, unit, _basis, factor_key), rows in groups.items():
        product_indexes = {p for p, _a, _s in rows}
        if len(product_indexes) < 2:
            # One product alone: the rest of the quantity belongs to products of the site
            # that the study does not cover; nothing to add up against.
            continue
        total = math.fsum(share for _p, _a, share in rows)
        if abs(total - 1) <= ALLOCATION_SUM_TOLERANCE:
            continue
        factor = study.factors.get(factor_key)
        params = {
            "name": name, "stage": stage, "quantity": quantity, "unit": unit,
            "factor": factor.code if factor else factor_key, "sum": total,
            "shares": tuple((study.products[p].code, share) for p, _a, share in rows),
        }
        severity = C.WARNING if total > 1 else C.INFO
        for p, a, _share in rows:
            out.setdefault(p, []).append(
                C.Check(severity, C.ALLOCATION_SUM, a, params, stage=stage)
            )
    return {p: tuple(checks) for p, checks in out.items()}


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
                     "claimed_kgco2e": a.claimed_kgco2e, "deviation": a.deviation}
                    for a in p.activities
                ],
                "checks": [c.to_dict() for c in p.checks],
            }
            for p in result.products
        ],
    }
