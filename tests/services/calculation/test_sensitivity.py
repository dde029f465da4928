"""Sensitivity and uncertainty scenarios (footprint/services/calculation/sensitivity.py), hand-computed.

One product, 100 units a year:
  production       1000 kWh × 0.5 kg/kWh (CN-GRID-2022) ÷ 100   =  5.0
  production       0.001 kg SF6 per unit × GWP 23500 (AR5)        = 23.5
  raw mat. transport 10 kg diesel × 3.0 kg/kg ÷ 100               =  0.3
  total                                                             28.8
"""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

import pytest

from footprint.services.calculation import sensitivity as S
from footprint.services.calculation.study import (
    ActivityInput,
    FactorInput,
    ProductInput,
    StudyInput,
    calculate_study,
)

GRID_22 = FactorInput("grid22", "CN-GRID-2022", 0.5, "kg/kWh", "CO2", family="CN-GRID", year=2022)
GRID_21 = FactorInput("grid21", "CN-GRID-2021", 0.6, "kg/kWh", "CO2", family="CN-GRID", year=2021)
GRID_23 = FactorInput("grid23", "CN-GRID-2023", 0.45, "kg/kWh", "CO2", family="CN-GRID", year=2023)
# same family, another unit: not a drop-in alternative
GRID_MWH = FactorInput("gridmwh", "CN-GRID-2020-MWH", 600.0, "kg/MWh", "CO2", family="CN-GRID", year=2020)
DIESEL = FactorInput("diesel", "CN-DIESEL", 3.0, "kg/kg", "CO2")
SF6 = FactorInput("sf6", "SF6-LEAK", 1.0, "kg/kg", "SF6")
AR5 = {"CO2": 1.0, "SF6": 23500.0}
AR6 = {"CO2": 1.0, "SF6": 25200.0}


def _study(*, sf6: bool = True) -> StudyInput:
    activities = [
        ActivityInput("production", "电力", 1000, "kWh", "grid22", record_id=1),
        ActivityInput("raw_material_transport", "柴油", 10, "kg", "diesel", record_id=2),
    ]
    if sf6:
        activities.append(ActivityInput("production", "SF6", 0.001, "kg", "sf6", basis="per_unit", record_id=3))
    factors = {f.key: f for f in (GRID_22, DIESEL, SF6)}
    return StudyInput(
        report_number="S-1", gwp_set="AR5", boundary="cradle_to_grave", gwp=MappingProxyType(AR5),
        factors=MappingProxyType(factors),
        products=(ProductInput("P", "产品", "1 台", 100, activities=tuple(activities)),),
        library=(GRID_22, GRID_21, GRID_23, GRID_MWH, DIESEL, SF6),
    )


def test_the_base_case_is_the_hand_computed_total():
    assert calculate_study(_study()).products[0].total_kgco2e == pytest.approx(28.8, rel=1e-12)


def test_each_other_year_of_the_grid_factor_is_a_scenario_in_year_order():
    scenarios = S.grid_factor_scenarios(_study())
    assert [(s.label, s.replaces) for s in scenarios] == [("CN-GRID-2021", "CN-GRID-2022"),
                                                          ("CN-GRID-2023", "CN-GRID-2022")]
    # 1000 × 0.6 ÷ 100 = 6.0 instead of 5.0; 1000 × 0.45 ÷ 100 = 4.5
    assert scenarios[0].totals["P"] == pytest.approx(29.8, rel=1e-12)
    assert scenarios[1].totals["P"] == pytest.approx(28.3, rel=1e-12)
    assert scenarios[0].factor is GRID_21 and scenarios[0].kind == "grid_factor"


def test_a_factor_without_other_versions_gives_no_scenario():
    alone = dataclasses.replace(_study(), library=(GRID_22, DIESEL, SF6))
    assert S.grid_factor_scenarios(alone) == []


def test_the_other_gwp_sets_are_scenarios_only_with_gases_other_than_co2():
    sets = {"AR5": AR5, "AR6": AR6}
    (ar6,) = S.gwp_set_scenarios(_study(), sets)
    # 0.001 × 25200 = 25.2 instead of 23.5
    assert ar6.label == "AR6" and ar6.totals["P"] == pytest.approx(30.5, rel=1e-12)
    assert S.gwp_set_scenarios(_study(sf6=False), sets) == []


def test_each_stage_with_emissions_is_moved_ten_percent_both_ways():
    study = _study()
    scenarios = S.stage_scenarios(study, calculate_study(study))
    # stages without emissions are left out; the order is the life cycle's
    assert [s.label for s in scenarios] == ["raw_material_transport", "production"]
    transport, production = scenarios
    # transport 0.3 ± 0.03; production 28.5 ± 2.85
    assert transport.totals["P"] == pytest.approx(28.83, rel=1e-12)
    assert transport.low_totals["P"] == pytest.approx(28.77, rel=1e-12)
    assert production.totals["P"] == pytest.approx(31.65, rel=1e-12)
    assert production.low_totals["P"] == pytest.approx(25.95, rel=1e-12)


def test_combined_uncertainty_is_the_root_sum_square_with_defaults_by_data_type():
    study = _study()
    result = calculate_study(study)
    (u,) = S.combined_uncertainty(
        result, uncertainty_by_record={1: 0.10, 2: None},
        data_type_by_record={1: "primary", 2: "primary", 3: "secondary"})
    # electricity 5.0 × 10 % entered; diesel 0.3 × 5 % (primary default); SF6 23.5 × 20 %
    half = math.sqrt(0.5 ** 2 + 0.015 ** 2 + 4.7 ** 2)
    assert u.product == "P"
    assert u.half_width == pytest.approx(half, rel=1e-12)
    assert u.relative == pytest.approx(half / 28.8, rel=1e-12)
    assert (u.entered, u.defaulted) == (1, 2)
