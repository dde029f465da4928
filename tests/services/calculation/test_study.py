"""The pure calculation: hand-computed figures for every rule, property tests for invariants.

No database: inputs are plain dataclasses."""

import dataclasses
import math
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.services.calculation import checks as C
from footprint.services.calculation.study import (
    STAGES,
    ActivityInput,
    FactorInput,
    ProductInput,
    StageInput,
    StudyInput,
    calculate_study,
    display_percentages,
    result_to_dict,
)

GRID_2022 = FactorInput("CN-GRID-2022@1", "CN-GRID-2022", 0.5366, "kg/kWh", "CO2", 1, "CN-GRID", 2022)
GRID_2021 = FactorInput("CN-GRID-2021@1", "CN-GRID-2021", 0.5568, "kg/kWh", "CO2", 1, "CN-GRID", 2021)
RESIDUAL = FactorInput("CN-GRID-RESIDUAL-2021@1", "CN-GRID-RESIDUAL-2021", 0.5942, "kg/kWh", "CO2", 1, "CN-GRID-RESIDUAL", 2021)
DIESEL = FactorInput("CN-DIESEL@1", "CN-DIESEL", 43.330 * 20.20 * 0.98 * 44 / 12 / 1000, "kg/kg", "CO2", 1, "CN-DIESEL")
SF6 = FactorInput("SF6@1", "SF6", 1.0, "kg/kg", "SF6", 1, "SF6")
GWP_AR5 = {"CO2": 1.0, "CH4": 28.0, "N2O": 265.0, "SF6": 23500.0, "CO2e": 1.0}
ALL_STAGES_EXPLAINED = tuple(StageInput(s, "not relevant") for s in STAGES)


def study(*products, factors=(GRID_2022, GRID_2021, RESIDUAL, DIESEL, SF6), boundary="cradle_to_grave",
          gwp=GWP_AR5, library=(GRID_2022, GRID_2021, RESIDUAL, DIESEL)):
    return StudyInput(
        report_number="T-1", gwp_set="AR5", boundary=boundary, gwp=gwp,
        factors={f.key: f for f in factors}, products=tuple(products), library=tuple(library),
    )


def product(*activities, output=281683.0, stages=ALL_STAGES_EXPLAINED, code="LV"):
    return ProductInput(code, "低压成套开关设备", "1 台", output, tuple(activities), stages)


def act(stage, quantity, unit="kWh", factor=GRID_2022, claimed=None, **kw):
    return ActivityInput(stage=stage, name=f"{stage} {unit}", quantity=quantity, unit=unit,
                         factor_key=factor.key, claimed_kgco2e_per_unit=claimed, **kw)


# ------------------------------------------------------------------ the seed's own figures
SEED_LV = (
    act("raw_material_acquisition", 94594493.664, claimed=186.984),
    act("raw_material_transport", 909500.622, "kg", DIESEL, claimed=10.155),
    act("production", 384893.00, claimed=0.776),
    act("distribution", 944161.060, "kg", DIESEL, claimed=10.542),
    act("end_of_life", 5890655.266, claimed=11.644),
)


def test_seed_low_voltage_product_is_recomputed_from_its_activity_data():
    result = calculate_study(study(product(*SEED_LV)))
    lv = result.products[0]
    # 94594493.664 kWh × 0.5366 kg/kWh ÷ 281683 = 180.2004569 kg per unit (seed prints 186.984)
    assert lv.activities[0].kgco2e == pytest.approx(180.2004569, abs=1e-6)
    # 909500.622 kg × 3.14512249 kg/kg ÷ 281683 = 10.1550000 (seed: 10.155, follows)
    assert lv.activities[1].kgco2e == pytest.approx(10.155, abs=1e-6)
    assert lv.activities[2].kgco2e == pytest.approx(0.7332128, abs=1e-6)
    assert lv.activities[3].kgco2e == pytest.approx(10.542, abs=1e-6)
    assert lv.activities[4].kgco2e == pytest.approx(11.2215704, abs=1e-6)
    assert lv.total_kgco2e == pytest.approx(212.8522401, abs=1e-6)
    flagged = [c.activity for c in lv.checks if c.code == C.CLAIMED_MISMATCH]
    assert flagged == [0, 2, 4]


def test_claimed_mismatch_gives_deviation_implied_factor_and_suggestion():
    result = calculate_study(study(product(*SEED_LV)))
    check = next(c for c in result.products[0].checks if c.activity == 0)
    assert check.severity == C.WARNING
    # 186.984 / 180.2004569 − 1 = +3.7644 %
    assert check.params["deviation"] == pytest.approx(0.0376444, abs=1e-6)
    # the factor that reproduces the claim: 0.5366 × 186.984 / 180.2004569 = 0.5568
    assert check.params["implied_value"] == pytest.approx(0.5568, abs=1e-6)
    assert check.suggested_factor == "CN-GRID-2021"
    production = next(c for c in result.products[0].checks if c.activity == 2)
    assert production.params["implied_value"] == pytest.approx(0.5679137, abs=1e-6)
    assert production.suggested_factor is None  # no library factor within 0.1 % of 0.5679


def test_deviation_is_reported_on_every_row_with_a_claim():
    lv = calculate_study(study(product(*SEED_LV))).products[0]
    assert lv.activities[1].deviation == pytest.approx(0.0, abs=1e-6)
    assert lv.activities[0].deviation == pytest.approx(186.984 / 180.2004569 - 1, rel=1e-6)


def test_claim_within_print_rounding_is_not_a_mismatch():
    # 100 kWh × 0.5366 ÷ 281683 = 0.000190498 → printed with 3 decimals as 0.000
    tiny = act("production", 100.0, claimed=0.000)
    lv = calculate_study(study(product(tiny))).products[0]
    assert not [c for c in lv.checks if c.code == C.CLAIMED_MISMATCH]


def test_claim_just_outside_tolerance_is_flagged():
    # computed 1000 kWh × 0.5 = 500 kg; claimed 500.6 is +0.12 %
    factor = FactorInput("F@1", "F", 0.5, "kg/kWh", "CO2", 1, "F")
    row = act("production", 1000.0, factor=factor, claimed=500.6, basis="per_unit")
    lv = calculate_study(study(product(row), factors=(factor,))).products[0]
    # (the info check lists the five stages left out with a reason)
    assert [c.code for c in lv.checks if c.severity != C.INFO] == [C.CLAIMED_MISMATCH]
    ok_row = act("production", 1000.0, factor=factor, claimed=500.4, basis="per_unit")
    ok = calculate_study(study(product(ok_row), factors=(factor,))).products[0]
    assert [c.code for c in ok.checks] == [C.STAGES_OUTSIDE_BOUNDARY]


# --------------------------------------------------------------------------- the formula
def test_formula_converts_units_applies_gwp_allocation_and_output():
    # 2 t of SF6-bearing gas lost (factor 1 kg/kg) × 23500 (AR5) × 0.25 allocation ÷ 1000 units
    row = act("production", 2.0, "t", SF6, allocation=0.25)
    p = calculate_study(study(product(row, output=1000.0))).products[0]
    assert p.activities[0].kgco2e == pytest.approx(2000 * 23500 * 0.25 / 1000)  # 11750.0
    assert p.total_kgco2e == pytest.approx(11750.0)


def test_per_unit_basis_is_not_divided_by_output():
    row = act("use", 3.0, "MWh", basis="per_unit")
    p = calculate_study(study(product(row, output=50.0))).products[0]
    assert p.activities[0].kgco2e == pytest.approx(3000 * 0.5366)


def test_stage_totals_and_shares_add_up():
    rows = (act("production", 1000.0, basis="per_unit"), act("production", 500.0, basis="per_unit"),
            act("end_of_life", 500.0, basis="per_unit"))
    p = calculate_study(study(product(*rows))).products[0]
    production = p.stage("production")
    assert production.kgco2e == pytest.approx(1500 * 0.5366)
    assert production.share == pytest.approx(0.75)
    assert p.stage("end_of_life").share == pytest.approx(0.25)
    assert sum(s.share_pct for s in p.stages) == Decimal("100.0")
    assert [s.stage for s in p.stages] == list(STAGES)


def test_cradle_to_gate_has_three_stages_and_warns_about_downstream_rows():
    rows = (act("production", 10.0, basis="per_unit"), act("use", 10.0, basis="per_unit"))
    p = calculate_study(study(product(*rows), boundary="cradle_to_gate")).products[0]
    assert [s.stage for s in p.stages] == list(STAGES[:3])
    assert p.total_kgco2e == pytest.approx(10 * 0.5366)
    assert [(c.code, c.activity) for c in p.checks] == [
        (C.STAGE_OUTSIDE_BOUNDARY, 1), (C.STAGES_OUTSIDE_BOUNDARY, None),
        (C.PARTIAL_CFP_FUNCTIONAL_UNIT, None),
    ]


# ------------------------------------------------------------------------------- checks
def test_unit_incompatible_is_an_error_naming_both_units_and_contributes_nothing():
    rows = (act("production", 5.0, "kg", GRID_2022), act("production", 10.0, basis="per_unit"))
    p = calculate_study(study(product(*rows))).products[0]
    [check] = [c for c in p.checks if c.code == C.UNIT_INCOMPATIBLE]
    assert check.severity == C.ERROR and check.activity == 0
    assert "kg" in check.message and "kg/kWh" in check.message
    assert p.activities[0].kgco2e == 0.0 and not p.activities[0].ok
    assert p.total_kgco2e == pytest.approx(10 * 0.5366)
    assert p.has_errors


def test_mixed_factor_versions_warns_once_per_family():
    rows = (act("production", 1.0, factor=GRID_2022), act("end_of_life", 1.0, factor=GRID_2021),
            act("raw_material_acquisition", 1.0, factor=RESIDUAL))
    p = calculate_study(study(product(*rows))).products[0]
    mixed = [c for c in p.checks if c.code == C.MIXED_FACTOR_VERSIONS]
    assert len(mixed) == 1
    assert mixed[0].params["family"] == "CN-GRID"
    assert "CN-GRID-2021" in mixed[0].message and "CN-GRID-2022" in mixed[0].message


def test_mixed_factor_versions_name_a_restricted_factor_without_its_year():
    """A factor whose licence forbids redistribution is named by code (and version) only."""
    restricted = dataclasses.replace(GRID_2021, restricted=True)
    rows = (act("production", 1.0, factor=GRID_2022), act("end_of_life", 1.0, factor=restricted))
    (mixed,) = [c for c in calculate_study(study(product(*rows), factors=(GRID_2022, restricted))
                                           ).products[0].checks
                if c.code == C.MIXED_FACTOR_VERSIONS]
    assert "CN-GRID-2022 (2022)" in mixed.message and "CN-GRID-2021" in mixed.message
    assert "2021)" not in mixed.message


def test_one_factor_family_in_one_year_is_not_mixed():
    p = calculate_study(study(product(*SEED_LV))).products[0]
    assert not [c for c in p.checks if c.code == C.MIXED_FACTOR_VERSIONS]


def test_stage_missing_warns_for_empty_stage_without_reason_in_cradle_to_grave():
    stages = tuple(StageInput(s, "") for s in STAGES if s != "use") + (StageInput("use", "用户侧"),)
    p = calculate_study(study(product(*SEED_LV, stages=stages))).products[0]
    # every stage but "use" has activities; "use" has a reason → no warning at all
    assert not [c for c in p.checks if c.code == C.STAGE_MISSING]
    p2 = calculate_study(study(product(*SEED_LV, stages=()))).products[0]
    assert [(c.code, c.stage) for c in p2.checks if c.code == C.STAGE_MISSING] == [(C.STAGE_MISSING, "use")]


def test_stage_missing_does_not_apply_to_cradle_to_gate():
    p = calculate_study(study(product(act("production", 1.0), stages=()), boundary="cradle_to_gate")).products[0]
    assert not [c for c in p.checks if c.code == C.STAGE_MISSING]


def test_missing_factor_gwp_and_output_are_errors_not_zeros():
    ghost = ActivityInput("production", "ghost", 1.0, "kWh", "NOPE@1")
    p = calculate_study(study(product(ghost))).products[0]
    assert [c.code for c in p.checks if c.is_error] == [C.FACTOR_MISSING]
    ch4 = FactorInput("CH4@1", "CH4", 1.0, "kg/kg", "CH4", 1, "CH4")
    p = calculate_study(study(product(act("production", 1.0, "kg", ch4)), factors=(ch4,), gwp={"CO2": 1.0})).products[0]
    assert [c.code for c in p.checks if c.is_error] == [C.GWP_MISSING]
    p = calculate_study(study(product(act("production", 1.0), act("production", 2.0), output=0.0))).products[0]
    assert [c.code for c in p.checks if c.is_error] == [C.OUTPUT_MISSING]


def test_results_document_has_the_format_fields():
    doc = result_to_dict(calculate_study(study(product(*SEED_LV))))
    product_doc = doc["products"][0]
    assert set(product_doc) >= {"code", "name", "functional_unit", "total_kgco2e", "stages", "activities", "checks"}
    assert product_doc["activities"][0]["claimed_kgco2e"] == 186.984
    assert product_doc["checks"][0]["suggested_factor"] == "CN-GRID-2021"
    assert product_doc["checks"][0]["activity"] == 0


def test_top_contributors_are_ranked():
    p = calculate_study(study(product(*SEED_LV))).products[0]
    assert [a.index for a in p.top_contributors(3)] == [0, 4, 3]


# ------------------------------------------------------------------- display percentages
def test_display_percentages_add_up_to_exactly_100():
    # independent rounding gives 33.3 + 33.3 + 33.3 = 99.9
    assert display_percentages([1, 1, 1]) == (Decimal("33.4"), Decimal("33.3"), Decimal("33.3"))
    assert display_percentages([0, 0]) == (Decimal("0.0"), Decimal("0.0"))
    assert display_percentages([186.984, 10.155, 0.776, 10.542, 0, 11.644]) == (
        Decimal("85.0"), Decimal("4.6"), Decimal("0.3"), Decimal("4.8"), Decimal("0.0"), Decimal("5.3"))


def test_an_activity_that_is_its_whole_stage_prints_the_stage_share():
    lv = calculate_study(study(product(*SEED_LV))).products[0]
    # Distribution is 10.542 of 212.852 kgCO₂e = 4.9527 %: on its own it would round to 5.0,
    # but the stages' largest remainder gives the missing tenths to end of life (.720),
    # transport (.709) and raw materials (.599): 84.7 + 4.8 + 0.3 + 4.9 + 0.0 + 5.3 = 100.0.
    assert [s.share_pct for s in lv.stages] == [Decimal(x) for x in
                                               ("84.7", "4.8", "0.3", "4.9", "0.0", "5.3")]
    assert [a.share_pct for a in lv.activities] == [Decimal(x) for x in
                                                   ("84.7", "4.8", "0.3", "4.9", "5.3")]
    assert result_to_dict(calculate_study(study(product(*SEED_LV))))["products"][0][
        "activities"][3]["share_pct_display"] == "4.9"


def test_activity_shares_are_apportioned_within_their_stage():
    # Three equal rows of one stage that is 100 % of the product: 33.4 + 33.3 + 33.3.
    p = calculate_study(study(product(*(act("production", 1000.0) for _ in range(3))))).products[0]
    assert [a.share_pct for a in p.activities] == [Decimal("33.4"), Decimal("33.3"), Decimal("33.3")]
    # Two rows of 2.45 % each in a stage of 4.9 %: 2.45 + 2.45 rounded alone is 2.5 + 2.5 = 5.0,
    # apportioned it is 2.5 + 2.4 = 4.9, the stage's share.
    rows = (act("production", 4900.0 / 2), act("production", 4900.0 / 2), act("use", 95100.0))
    p = calculate_study(study(product(*rows))).products[0]
    assert p.stage("production").share_pct == Decimal("4.9")
    assert [a.share_pct for a in p.activities] == [Decimal("2.5"), Decimal("2.4"), Decimal("95.1")]


def test_rows_without_a_result_have_no_share():
    rows = (act("production", 1000.0), act("production", 5.0, unit="kg"))  # kg × kg/kWh: error
    p = calculate_study(study(product(*rows))).products[0]
    assert [a.share_pct for a in p.activities] == [Decimal("100.0"), Decimal("0.0")]


# ------------------------------------------------------------------------------ properties
quantities = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
stage_names = st.sampled_from(STAGES)
activity_rows = st.lists(
    st.tuples(stage_names, quantities, st.sampled_from([GRID_2022, DIESEL, SF6]),
              st.floats(min_value=0.01, max_value=1.0)),
    min_size=1, max_size=25,
)


def _build(rows, scale=1.0):
    unit = {GRID_2022.key: "kWh", DIESEL.key: "kg", SF6.key: "g"}
    return product(*(
        ActivityInput(stage, "x", q * scale, unit[f.key], f.key, allocation=alloc)
        for stage, q, f, alloc in rows
    ), output=1000.0)


@settings(max_examples=150, deadline=None)
@given(activity_rows)
def test_stage_totals_add_up_to_the_product_total(rows):
    p = calculate_study(study(_build(rows))).products[0]
    assert math.fsum(s.kgco2e for s in p.stages) == pytest.approx(p.total_kgco2e, rel=1e-12, abs=1e-9)
    assert math.fsum(a.kgco2e for a in p.activities) == pytest.approx(p.total_kgco2e, rel=1e-12, abs=1e-9)
    assert sum(s.share_pct for s in p.stages) in (Decimal("100.0"), Decimal("0.0"))
    # a stage's activities add up to exactly its display share
    for s in p.stages:
        assert sum((a.share_pct for a in p.activities if a.stage == s.stage), Decimal("0.0")) == s.share_pct


@settings(max_examples=150, deadline=None)
@given(activity_rows, st.floats(min_value=0.001, max_value=1000))
def test_scaling_all_quantities_scales_the_result(rows, k):
    base = calculate_study(study(_build(rows))).products[0].total_kgco2e
    scaled = calculate_study(study(_build(rows, k))).products[0].total_kgco2e
    assert scaled == pytest.approx(base * k, rel=1e-9, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(activity_rows)
def test_order_of_activities_does_not_change_totals(rows):
    forward = calculate_study(study(_build(rows))).products[0]
    backward = calculate_study(study(_build(list(reversed(rows))))).products[0]
    assert backward.total_kgco2e == pytest.approx(forward.total_kgco2e, rel=1e-12, abs=1e-12)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=8))
def test_display_percentages_always_total_100(values):
    pct = display_percentages(values)
    assert sum(pct) == (Decimal("100.0") if math.fsum(values) > 0 else Decimal("0.0"))
    assert all(p >= 0 for p in pct)
