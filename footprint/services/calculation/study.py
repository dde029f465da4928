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
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

from . import checks as C
from .units import (
    UnitError,
    activity_unit_of,
    conversion_factor,
    emission_multiplier,
    ncv_per_activity_unit,
    printed_factor_unit,
    printed_total_unit,
)

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
    # A fuel factor's net calorific value as published ("43.330 GJ/t"), "" for others: it
    # recognises a per-MJ factor printed as per kg (see `_factor_claim_checks`).
    ncv: str = ""
    # Decimals the value was published with (None: derived or unknown), for printing only.
    value_decimals: int | None = None
    # Its licence forbids redistribution: what the checks print names it by code and value only
    # (no year, no calorific value), as the report's factor table does (docs/factor-library.md).
    restricted: bool = False


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
    # What the auditor recorded about the figure (services/calculation/verification.py):
    # not used by the numbers, summarised beside them.
    data_type: str = "primary"
    verification: str = "not_verified"
    has_evidence: bool = False
    # Pedigree ratings 1–5 (reliability, completeness, temporal, geographical, technological;
    # 0 = not rated), or () when none was read.
    ratings: tuple[int, ...] = ()


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
class ClaimInput:
    """A figure printed in the source report, checked but never used as a result.

    `level`: "product" (product total), "stage" (stage total), "share" (a stage's share in
    per cent) or "factor" (a stated factor value). `value` as printed with `decimals` decimals
    and its `unit` as printed ("kgCO₂e/台", "%", "kg/kWh"); `place` is where the report prints
    it ("摘要", "表 5.2-2"). A factor claim with a `product` concerns that product's rows only."""

    level: str
    value: float
    unit: str
    place: str
    product: str = ""
    stage: str = ""
    factor: str = ""
    decimals: int = 3
    note: str = ""


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
    # Figures the source report prints beyond its rows (product and stage totals, shares,
    # stated factors): checked against each other and against the recomputation.
    claims: tuple[ClaimInput, ...] = ()


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

    @property
    def not_included(self) -> bool:
        """No activity data: the stage's emissions are not in the result (a report prints
        "not included", never 0.000 / 0.0 %)."""
        return self.activity_count == 0


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
    if study.claims:
        extra = claim_checks(study, products)
        products = tuple(
            replace(p, checks=p.checks + tuple(extra.get(p.code, ()))) for p in products
        )
    return StudyResult(report_number=study.report_number, gwp_set=study.gwp_set, products=products)


def _calculate_product(
    product: ProductInput, study: StudyInput, family_checks: Mapping[str, C.Check],
    allocation_checks: Sequence[C.Check] = (),
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


def factor_families_used(study: StudyInput) -> dict[str, set[str]]:
    """The keys of the factors the study uses, by factor family (a factor's versions and years)."""
    used: dict[str, set[str]] = {}
    for product in study.products:
        for activity in product.activities:
            factor = study.factors.get(activity.factor_key)
            if factor is not None:
                used.setdefault(factor.family or factor.code, set()).add(factor.key)
    return used


def _mixed_version_checks(study: StudyInput) -> dict[str, C.Check]:
    """One warning per factor family of which the study uses more than one year/version."""
    result = {}
    for family, keys in sorted(factor_families_used(study).items()):
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
    return f"{label} ({factor.year})" if factor.year and not factor.restricted else label


# ---------------------------------------------------------------------- claims of the report
# Figures a source report prints beyond its rows: product and stage totals (often in several
# places: the summary, the results table), stage shares and stated factors. Each is checked
# against the report's other figures and against the recomputation, and the likely cause of a
# contradiction is named where one can be found (checks.CAUSE_*).
TOTAL_LEVELS = ("product", "stage")


@dataclass(frozen=True, slots=True)
class _Printed:
    """A claim with its value in the recomputation's terms (kg CO₂e per functional unit for
    totals, per cent for shares, the factor's own unit for factors) and the rounding its print
    may carry in those terms (half a unit of its last printed decimal)."""

    claim: ClaimInput
    value: float
    resolution: float

    @property
    def text(self) -> str:
        return f"{self.claim.value:.{self.claim.decimals}f}"


@dataclass(slots=True)
class _Cluster:
    """Claims of one subject that agree with each other to print resolution."""

    members: list[_Printed]

    @property
    def first(self) -> _Printed:
        return self.members[0]

    @property
    def places(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.claim.place for m in self.members))

    @property
    def resolution(self) -> float:
        return max(m.resolution for m in self.members)

    def agrees(self, printed: _Printed) -> bool:
        return _agree(self.first, printed)


def _half_unit(decimals: int) -> float:
    return 0.5 * 10.0 ** -max(decimals, 0)


def _agree(a: _Printed, b: _Printed) -> bool:
    # Two prints of one number agree if they differ by no more than the coarser rounding.
    return abs(a.value - b.value) <= max(a.resolution, b.resolution) * (1 + 1e-9)


def _follows(printed_value: float, resolution: float, computed: float) -> bool:
    """The rule of the activity claims: within 0.1 % or within the print's rounding."""
    gap = abs(printed_value - computed)
    return gap <= CLAIM_TOLERANCE * abs(computed) or gap <= max(resolution, 0.0) * (1 + 1e-9)


def _clusters(items: Sequence[_Printed]) -> list[_Cluster]:
    clusters: list[_Cluster] = []
    for item in items:
        home = next((c for c in clusters if c.agrees(item)), None)
        if home is None:
            clusters.append(_Cluster([item]))
        else:
            home.members.append(item)
    return clusters


def _subject(claim: ClaimInput) -> tuple[str, str, str]:
    if claim.level == "factor":
        return ("factor", claim.factor, "")
    return (claim.level, claim.product, claim.stage if claim.level != "product" else "")


def _factor_by_code(study: StudyInput, code: str) -> FactorInput | None:
    used = [f for f in study.factors.values() if f.code == code]
    if used:
        return min(used, key=lambda f: f.version)
    return next((f for f in study.library if f.code == code), None)


def _stated_per_factor_unit(claim: ClaimInput, factor: FactorInput) -> float | None:
    """How many of the claim's printed units one unit of the factor is (None: not comparable)."""
    try:
        return conversion_factor(factor.unit, printed_factor_unit(claim.unit))
    except UnitError:
        return None


def claim_checks(study: StudyInput, products: Sequence[ProductResult]) -> dict[str, list[C.Check]]:
    """The checks of a study's claims, by product code (factor claims concern the products
    whose rows cite the factor)."""
    by_code = {p.code: p for p in products}
    inputs = {p.code: p for p in study.products}
    out: dict[str, list[C.Check]] = {code: [] for code in by_code}

    def computed_of(level: str, product: str, stage: str) -> float | None:
        result = by_code.get(product)
        if result is None:
            return None
        if level == "product":
            return result.total_kgco2e
        stage_result = result.stage(stage)
        return stage_result.kgco2e if stage_result else None

    # -- totals, read in kilograms (a unit header that says t over kg figures is flagged)
    totals = [c for c in study.claims if c.level in TOTAL_LEVELS and c.product in by_code]
    misread: set[tuple[str, str, str]] = set()
    by_table: dict[tuple[str, str, str], list[ClaimInput]] = {}
    for claim in totals:
        by_table.setdefault((claim.product, claim.place, claim.unit), []).append(claim)
    for (product, place, unit), claims in by_table.items():
        try:
            kg_per_mass, per = printed_total_unit(unit)
        except UnitError:
            continue
        ratios = [
            claim.value / ref
            for claim in claims
            if (ref := computed_of(claim.level, claim.product, claim.stage)) and claim.value > 0
        ]
        mass_wrong = kg_per_mass != 1.0 and bool(ratios) and all(
            abs(math.log10(r)) < 0.5 for r in ratios
        )
        functional_unit = inputs[product].functional_unit
        per_wrong = bool(per) and per not in functional_unit
        if mass_wrong:
            misread.add((product, place, unit))
        if mass_wrong or per_wrong:
            out[product].append(C.Check(
                C.WARNING, C.CLAIM_UNIT_SUSPECT, None,
                {"product": product, "place": place, "unit": unit, "mass_wrong": mass_wrong,
                 "per": per if per_wrong else "", "functional_unit": functional_unit},
            ))

    def printed_total(claim: ClaimInput) -> _Printed:
        try:
            kg = printed_total_unit(claim.unit)[0]
        except UnitError:
            kg = 1.0
        if (claim.product, claim.place, claim.unit) in misread:
            kg = 1.0
        return _Printed(claim, claim.value * kg, _half_unit(claim.decimals) * kg)

    printed: dict[tuple[str, str, str], list[_Printed]] = {}
    for claim in totals:
        printed.setdefault(_subject(claim), []).append(printed_total(claim))

    def copy_of(subject: tuple[str, str, str], item: _Printed) -> dict | None:
        """Another product's or stage's claim or recomputed value this one repeats."""
        for other, items in printed.items():
            if other == subject:
                continue
            for candidate in items:
                if item.value > 0 and _agree(candidate, item):
                    return {"level": other[0], "product": other[1], "stage": other[2],
                            "value": candidate.text,
                            "places": tuple(dict.fromkeys(
                                i.claim.place for i in items if _agree(i, item)))}
        for result in products:
            candidates = [("product", result.code, "", result.total_kgco2e)] + [
                ("stage", result.code, s.stage, s.kgco2e) for s in result.stages
            ]
            for level, product, stage, value in candidates:
                if (level, product, stage) != subject and value > 0 and abs(value - item.value) <= item.resolution:
                    return {"level": level, "product": product, "stage": stage,
                            "value": f"{value:.{item.claim.decimals}f}", "places": ()}
        return None

    clusters_of: dict[tuple[str, str, str], list[_Cluster]] = {
        subject: _clusters(items) for subject, items in printed.items()
    }
    for subject, clusters in clusters_of.items():
        level, product, stage = subject
        if len(clusters) > 1:
            out[product].append(_conflict_check(subject, clusters, copy_of))
        computed = computed_of(level, product, stage)
        if computed is None:
            continue
        row_claims = _row_claims_sum(by_code[product], level, stage)
        for cluster in clusters:
            first = cluster.first
            if _follows(first.value, cluster.resolution, computed):
                continue
            cause, cause_params = None, {}
            copied = copy_of(subject, first)
            if copied is not None:
                cause, cause_params = C.CAUSE_COPY, copied
            elif row_claims is not None and abs(first.value - row_claims) <= cluster.resolution * (1 + 1e-9):
                cause = C.CAUSE_ROWS
            out[product].append(C.Check(
                C.WARNING, C.CLAIMED_TOTAL_MISMATCH, None,
                {"level": level, "product": product, "stage": stage, "places": cluster.places,
                 "claimed": first.value, "claimed_text": first.text, "computed": computed,
                 "deviation": (first.value / computed - 1) if computed else None,
                 "cause": cause, "cause_params": cause_params},
                stage=stage or None,
            ))

    # -- a place's stages against its own total
    for product in by_code:
        places = dict.fromkeys(c.place for c in totals if c.product == product)
        for place in places:
            here = [printed_total(c) for c in totals if c.product == product and c.place == place]
            total = next((p for p in here if p.claim.level == "product"), None)
            stages = [p for p in here if p.claim.level == "stage"]
            if total is None or len(stages) < 2:
                continue
            stage_sum = math.fsum(p.value for p in stages)
            slack = math.fsum(p.resolution for p in stages) + total.resolution
            if abs(stage_sum - total.value) <= slack * (1 + 1e-9):
                continue
            # Would the other places' values of the stages that disagree make it add up?
            changes, fixed = [], stage_sum
            for p in stages:
                others = [c for c in clusters_of[_subject(p.claim)] if not c.agrees(p)]
                if others:
                    best = max(others, key=lambda c: len(c.members))
                    changes.append({"stage": p.claim.stage, "from": p.text, "to": best.first.text,
                                    "places": best.places})
                    fixed += best.first.value - p.value
            cause = C.CAUSE_SUBSTITUTE if changes and abs(fixed - total.value) <= slack else None
            out[product].append(C.Check(
                C.WARNING, C.CLAIMED_SUM_MISMATCH, None,
                {"product": product, "place": place, "total_text": total.text, "sum": stage_sum,
                 "decimals": total.claim.decimals, "cause": cause,
                 "cause_params": {"changes": tuple(changes)} if cause else {}},
            ))

    # -- shares against the same place's own figures, and against the recomputed shares
    share_gaps: dict[tuple[str, str], list[dict]] = {}
    for claim in study.claims:
        if claim.level != "share" or claim.product not in by_code:
            continue
        here = [printed_total(c) for c in totals if c.product == claim.product and c.place == claim.place]
        total = next((p.value for p in here if p.claim.level == "product"), None)
        if total is None:
            stage_values = [p.value for p in here if p.claim.level == "stage"]
            total = math.fsum(stage_values) if stage_values else None
        own = next((p for p in here if p.claim.level == "stage" and p.claim.stage == claim.stage), None)
        share = own.value / total * 100 if total and own is not None else None
        follows_own = share is not None and abs(share - claim.value) <= _half_unit(claim.decimals) * (1 + 1e-9)
        result = by_code[claim.product]
        stage_result = result.stage(claim.stage)
        if stage_result is not None and result.total_kgco2e > 0 and not _follows(
            claim.value, _half_unit(claim.decimals), stage_result.share * 100
        ):
            share_gaps.setdefault((claim.product, claim.place), []).append({
                "stage": claim.stage, "claimed_text": f"{claim.value:.{claim.decimals}f}",
                # the recomputed share as every page prints it (one decimal, adding up to 100)
                "share_text": str(stage_result.share_pct), "follows_own": follows_own,
            })
        if share is None or follows_own:
            continue
        cause, cause_params = None, {}
        for cluster in clusters_of.get(("stage", claim.product, claim.stage), []):
            if cluster.agrees(own):
                continue
            if abs(cluster.first.value / total * 100 - claim.value) <= _half_unit(claim.decimals):
                cause, cause_params = C.CAUSE_OTHER_PLACE, {
                    "value": cluster.first.text, "places": cluster.places}
                break
        out[claim.product].append(C.Check(
            C.WARNING, C.CLAIMED_SHARE_MISMATCH, None,
            {"product": claim.product, "stage": claim.stage, "place": claim.place,
             "claimed_text": f"{claim.value:.{claim.decimals}f}", "share": share,
             "value_text": own.text, "cause": cause, "cause_params": cause_params},
            stage=claim.stage,
        ))

    for (product, place), gaps in share_gaps.items():
        # Shares that follow from the figures printed beside them differ from the recomputed
        # ones because those figures do: the cause lies there (checked above).
        own = [g for g in gaps if g["follows_own"]]
        out[product].append(C.Check(
            C.WARNING, C.CLAIMED_SHARE_MISMATCH, None,
            {"product": product, "place": place, "against": "recomputed", "stages": tuple(gaps),
             "cause": C.CAUSE_PRINTED_VALUES if own else None,
             "cause_params": {"except": tuple(g["stage"] for g in gaps if not g["follows_own"])}},
        ))

    _factor_claim_checks(study, products, out, copy_of)
    return out


def _row_claims_sum(product: ProductResult, level: str, stage: str) -> float | None:
    """The sum of the claimed values of a stage's (or the product's) rows, if all have one."""
    rows = [a for a in product.activities if a.ok and (level == "product" or a.stage == stage)]
    if not rows or any(a.claimed_kgco2e is None for a in rows):
        return None
    return math.fsum(a.claimed_kgco2e for a in rows if a.claimed_kgco2e is not None)


def _conflict_check(subject, clusters: list[_Cluster], copy_of) -> C.Check:
    level, product, stage = subject
    parts = []
    for cluster in clusters:
        cause, cause_params = None, {}
        copied = copy_of(subject, cluster.first) if level in TOTAL_LEVELS else None
        if copied is not None:
            cause, cause_params = C.CAUSE_COPY, copied
        parts.append({"places": cluster.places, "value": cluster.first.text,
                      "cause": cause, "cause_params": cause_params})
    # Two prints that differ only in their last printed digit: a rounding or typing slip.
    a, b = clusters[0].first, clusters[1].first
    digit = 2 * max(a.resolution, b.resolution)
    last_digits = len(clusters) == 2 and abs(a.value - b.value) < 10 * digit * (1 + 1e-9)
    return C.Check(
        C.WARNING, C.CLAIMS_CONFLICT, None,
        {"level": level, "product": "" if level == "factor" else product, "stage": stage,
         "factor": product if level == "factor" else "",
         "clusters": tuple(parts), "cause": C.CAUSE_LAST_DIGITS if last_digits else None},
        stage=stage or None,
    )


def _factor_claim_checks(study: StudyInput, products: Sequence[ProductResult],
                         out: dict[str, list[C.Check]], copy_of) -> None:
    """Stated factors against each other and against the rows that cite them (the rows whose
    factor has the stated code): the value each row implies, from its claimed figure (or its
    recomputed one), in the stated unit."""
    by_factor: dict[str, list[_Printed]] = {}
    for claim in study.claims:
        if claim.level != "factor":
            continue
        factor = _factor_by_code(study, claim.factor)
        per = _stated_per_factor_unit(claim, factor) if factor else None
        if not per:
            continue
        # In the factor's own unit, so that prints in different units can be compared.
        by_factor.setdefault(claim.factor, []).append(
            _Printed(claim, claim.value / per, _half_unit(claim.decimals) / per))
    for code, items in by_factor.items():
        clusters = _clusters(items)
        if len(clusters) > 1:
            products_named = {i.claim.product for i in items} - {""}
            targets = products_named or {p.code for p in products}
            check = _conflict_check(("factor", code, ""), clusters, copy_of)
            for product in targets:
                if product in out:
                    out[product].append(check)
        for cluster in clusters:
            stated = cluster.first
            factor = _factor_by_code(study, code)
            assert factor is not None
            for product in products:
                covering = [m for m in cluster.members if m.claim.product in ("", product.code)]
                if not covering:
                    continue
                rows = _irreproducible_rows(study, product, code, stated, factor)
                if rows:
                    out[product.code].append(C.Check(
                        C.WARNING, C.FACTOR_CLAIM_IRREPRODUCIBLE, None,
                        {"factor": code, "places": tuple(dict.fromkeys(m.claim.place for m in covering)),
                         "stated_text": stated.text, "unit": stated.claim.unit,
                         "rows": tuple(rows), "cited": sum(
                             1 for a in product.activities if a.ok and a.factor == code)},
                    ))


def _irreproducible_rows(study: StudyInput, product: ProductResult, code: str,
                         stated: _Printed, factor: FactorInput) -> list[dict]:
    if stated.value <= 0:
        return []
    per = stated.claim.value / stated.value  # printed units per unit of the factor
    rows = []
    for activity in product.activities:
        if not activity.ok or activity.factor != code or activity.kgco2e <= 0:
            continue
        row_factor = study.factors[activity.factor_key]
        row_value = activity.claimed_kgco2e if activity.claimed_kgco2e is not None else activity.kgco2e
        # kg is proportional to the factor value: what the stated value gives for this row.
        from_stated = activity.kgco2e * stated.value / row_factor.value
        if _follows(from_stated, CLAIM_PRINT_RESOLUTION, row_value):
            continue
        implied = row_factor.value * row_value / activity.kgco2e  # in the factor's unit
        cause, cause_params = None, {}
        if row_factor.ncv:
            try:
                ncv = ncv_per_activity_unit(row_factor.ncv, row_factor.unit)
            except UnitError:
                ncv = None
            tolerance = CLAIM_TOLERANCE + stated.resolution / stated.value if stated.value else 0
            if ncv and abs(stated.claim.value * ncv / implied - 1) <= tolerance:
                cause, cause_params = C.CAUSE_PER_MJ, {
                    "stated": stated.claim.value, "ncv": ncv, "ncv_text": row_factor.ncv,
                    "activity_unit": activity_unit_of(row_factor.unit),
                    "product": stated.claim.value * ncv}
                if row_factor.restricted:  # the fuel's calorific value is the licence's
                    cause_params = {"activity_unit": cause_params["activity_unit"]}
        if cause is None:
            suggestion = _suggest_factor(row_factor, implied, study.library)
            if suggestion is not None:
                same_family = (suggestion.family or suggestion.code) == (row_factor.family or row_factor.code)
                cause = (C.CAUSE_WRONG_YEAR if same_family and suggestion.year != row_factor.year
                         and not suggestion.restricted else C.CAUSE_LIBRARY)
                cause_params = {"code": suggestion.code, "year": suggestion.year,
                                "value": suggestion.value, "unit": suggestion.unit}
        rows.append({"name": activity.name, "index": activity.index, "value": row_value,
                     "claimed": activity.claimed_kgco2e is not None, "implied": implied * per,
                     "cause": cause, "cause_params": cause_params})
    return rows


# ------------------------------------------------------------------------------- display
def claimed_activities(product: ProductResult) -> list[tuple[ActivityResult, C.Check | None]]:
    """The product's activities with a claimed figure, each with its `claimed_mismatch` check
    (None: the claim follows from the data)."""
    mismatch = {c.activity: c for c in product.checks if c.code == C.CLAIMED_MISMATCH}
    return [(a, mismatch.get(a.index)) for a in product.activities if a.claimed_kgco2e is not None]


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
