"""Uncertainty and sensitivity of a study's results, as figures.

Every scenario is recomputed by the calculation service with altered inputs (it is pure, so
this costs a few milliseconds): no percentage is estimated by hand.

- Electricity factor: the same factor family in other years/versions from the library
  (e.g. CN-GRID-2021 and CN-GRID-2023 for a study using CN-GRID-2022).
- GWP set: the other IPCC sets, when the study has gases other than CO₂.
- Activity data of each stage ±10 %.
- Combined uncertainty of the activity data: root-sum-square of each activity's contribution
  × its uncertainty (independent errors). Activities without an entered uncertainty take a
  default by data type, stated in the report.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .study import FactorInput, StudyInput, StudyResult, calculate_study, factor_families_used

# Defaults for activities without an uncertainty estimate, as a 95 % half-width. Metered
# primary data (invoices, meters) is typically within ±5 %; secondary data taken from
# other sites or estimates is much looser, ±20 % is the usual screening assumption.
DEFAULT_UNCERTAINTY = MappingProxyType({"primary": 0.05, "secondary": 0.20})
STAGE_STEP = 0.10


@dataclass(frozen=True)
class Scenario:
    kind: str            # "grid_factor" | "gwp_set" | "stage"
    label: str           # factor code, GWP set or stage code
    totals: Mapping[str, float]          # product code → total kgCO₂e
    low_totals: Mapping[str, float] | None = None   # for ± scenarios: the − case
    factor: FactorInput | None = None     # the alternative factor (grid_factor scenarios)
    replaces: str = ""                    # code of the factor it replaces


@dataclass(frozen=True)
class Uncertainty:
    product: str
    half_width: float          # kgCO₂e, 95 %
    relative: float            # fraction of the total
    entered: int               # activities with an entered uncertainty
    defaulted: int             # activities that took the default


def _totals(result: StudyResult) -> dict[str, float]:
    return {p.code: p.total_kgco2e for p in result.products}


def grid_factor_scenarios(study: StudyInput) -> list[Scenario]:
    """For each factor family used whose library has other versions/years: the results if the
    study had used each of those instead."""
    scenarios = []
    for family, keys in sorted(factor_families_used(study).items()):
        if len(keys) != 1:
            continue  # mixed versions are a check of their own; swapping one of them is unclear
        (current_key,) = keys
        current = study.factors[current_key]
        alternatives = sorted(
            (f for f in study.library if (f.family or f.code) == family and f.key != current_key
             and f.unit == current.unit and f.gas == current.gas),
            key=lambda f: (f.year or 0, f.code, f.version),
        )
        for alt in alternatives:
            factors = dict(study.factors)
            factors[current_key] = dataclasses.replace(alt, key=current_key)
            altered = dataclasses.replace(study, factors=MappingProxyType(factors), library=())
            scenarios.append(Scenario("grid_factor", alt.code, _totals(calculate_study(altered)),
                                      factor=alt, replaces=current.code))
    return scenarios


def gwp_set_scenarios(study: StudyInput, gwp_sets: Mapping[str, Mapping[str, float]]) -> list[Scenario]:
    gases = {
        study.factors[a.factor_key].gas
        for p in study.products for a in p.activities if a.factor_key in study.factors
    }
    if gases <= {"CO2", "CO2e"}:
        return []
    scenarios = []
    for name in sorted(gwp_sets):
        if name == study.gwp_set:
            continue
        values = dict(gwp_sets[name])
        values.setdefault("CO2e", 1.0)
        altered = dataclasses.replace(study, gwp=MappingProxyType(values), gwp_set=name, library=())
        scenarios.append(Scenario("gwp_set", name, _totals(calculate_study(altered))))
    return scenarios


def stage_scenarios(study: StudyInput, result: StudyResult) -> list[Scenario]:
    """Activity data of one stage +10 % and −10 % (all products at once)."""
    stages = [
        s.stage for s in (result.products[0].stages if result.products else ())
    ]
    scenarios = []
    for stage in stages:
        if not any(p.stage(stage) and p.stage(stage).kgco2e > 0 for p in result.products):
            continue
        cases = []
        for step in (STAGE_STEP, -STAGE_STEP):
            products = tuple(
                dataclasses.replace(p, activities=tuple(
                    dataclasses.replace(a, quantity=a.quantity * (1 + step)) if a.stage == stage else a
                    for a in p.activities
                ))
                for p in study.products
            )
            altered = dataclasses.replace(study, products=products, library=())
            cases.append(_totals(calculate_study(altered)))
        scenarios.append(Scenario("stage", stage, cases[0], low_totals=cases[1]))
    return scenarios


def combined_uncertainty(result: StudyResult, *, uncertainty_by_record: Mapping[int, float | None],
                         data_type_by_record: Mapping[int, str]) -> list[Uncertainty]:
    """Root-sum-square of the activities' absolute uncertainties, per product."""
    out = []
    for product in result.products:
        squares = []
        entered = defaulted = 0
        for a in product.activities:
            if not a.ok or a.kgco2e == 0:
                continue
            u = uncertainty_by_record.get(a.record_id) if a.record_id is not None else None
            if u is None:
                u = DEFAULT_UNCERTAINTY.get(data_type_by_record.get(a.record_id, "secondary"), 0.20)
                defaulted += 1
            else:
                entered += 1
            squares.append((a.kgco2e * u) ** 2)
        half = math.sqrt(math.fsum(squares))
        total = product.total_kgco2e
        out.append(Uncertainty(product.code, half, half / total if total > 0 else 0.0, entered, defaulted))
    return out


def allocation_scenario(study: StudyInput) -> Scenario | None:
    """The results without allocation: every allocated activity counted in full for its
    product (the upper bound of any other split). None when nothing is allocated."""
    if not any(a.allocation < 1 for p in study.products for a in p.activities):
        return None
    products = tuple(
        dataclasses.replace(p, activities=tuple(
            dataclasses.replace(a, allocation=1.0) if a.allocation < 1 else a for a in p.activities))
        for p in study.products
    )
    altered = dataclasses.replace(study, products=products, library=(), claims=())
    return Scenario("allocation", "none", _totals(calculate_study(altered)))
