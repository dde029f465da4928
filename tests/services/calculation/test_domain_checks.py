"""Domain checks an expert reviewer raises (ISO 14067:2018): stages left out of the boundary,
the use stage of an energy-using product, a partial CFP reported per "functional unit", and
allocation shares of one site quantity that do not add up to 1.

Pure: plain dataclasses in, no database."""

import pytest
from django.utils import translation

from footprint.services.calculation import checks as C
from footprint.services.calculation.study import (
    STAGES,
    ActivityInput,
    FactorInput,
    ProductInput,
    StageInput,
    StudyInput,
    calculate_study,
)

GRID = FactorInput("CN-GRID-2022@1", "CN-GRID-2022", 0.5366, "kg/kWh", "CO2", 1, "CN-GRID", 2022)
GWP = {"CO2": 1.0, "CO2e": 1.0}
USE_REASON = "使用阶段的电能损耗取决于用户负载"


def study(*products, boundary="cradle_to_grave"):
    return StudyInput(report_number="T-1", gwp_set="AR5", boundary=boundary, gwp=GWP,
                      factors={GRID.key: GRID}, products=tuple(products))


def row(stage, quantity=1000.0, allocation=1.0, name=None):
    return ActivityInput(stage=stage, name=name or f"{stage} 用电", quantity=quantity, unit="kWh",
                         factor_key=GRID.key, allocation=allocation)


def product(*activities, code="LV", energy_using=False, stages=(), output=100.0):
    return ProductInput(code, "低压成套开关设备", "1 台", output, tuple(activities), tuple(stages),
                        energy_using=energy_using)


def codes(p, *wanted):
    return [c.code for c in p.checks if c.code in wanted]


# Rows in every stage but "use", which is left out with a reason (the seed's boundary).
SEED_LIKE_ROWS = tuple(row(s) for s in STAGES if s != "use")
SEED_LIKE_STAGES = (StageInput("use", USE_REASON),)


# ------------------------------------------------------------------ use stage of an energy user
def test_energy_using_product_without_use_stage_gets_a_partial_cfp_warning():
    p = calculate_study(study(product(*SEED_LIKE_ROWS, energy_using=True,
                                      stages=SEED_LIKE_STAGES))).products[0]
    [check] = [c for c in p.checks if c.code == C.USE_STAGE_EXCLUDED]
    assert check.severity == C.WARNING and check.stage == "use" and check.activity is None
    assert check.code not in C.BLOCKING and not p.has_errors
    with translation.override("zh-hans"):
        assert "部分碳足迹" in check.message and "ISO 14067:2018" in check.message
        assert "没有活动数据" in check.message
    with translation.override("en"):
        assert "partial CFP" in check.message


def test_product_that_uses_no_energy_is_not_warned_about_its_use_stage():
    p = calculate_study(study(product(*SEED_LIKE_ROWS, stages=SEED_LIKE_STAGES))).products[0]
    assert codes(p, C.USE_STAGE_EXCLUDED) == []


def test_energy_using_product_with_use_stage_data_is_not_warned():
    rows = (*SEED_LIKE_ROWS, row("use", 20000.0))
    p = calculate_study(study(product(*rows, energy_using=True))).products[0]
    assert codes(p, C.USE_STAGE_EXCLUDED, C.STAGES_OUTSIDE_BOUNDARY) == []
    # 20000 kWh × 0.5366 ÷ 100 = 107.32 kg per unit counts in the use stage
    assert p.stage("use").kgco2e == pytest.approx(107.32)


def test_cradle_to_gate_puts_the_use_stage_of_an_energy_user_outside_the_boundary():
    p = calculate_study(study(product(row("production"), energy_using=True),
                              boundary="cradle_to_gate")).products[0]
    [check] = [c for c in p.checks if c.code == C.USE_STAGE_EXCLUDED]
    assert check.params["outside_boundary"] is True
    with translation.override("zh-hans"):
        assert "不在系统边界" in check.message


# ------------------------------------------------------------------------ stages left out
def test_cradle_to_gate_lists_distribution_use_and_end_of_life_as_left_out():
    p = calculate_study(study(product(row("production")), boundary="cradle_to_gate")).products[0]
    [check] = [c for c in p.checks if c.code == C.STAGES_OUTSIDE_BOUNDARY]
    assert check.severity == C.INFO
    assert check.params["stages"] == ("distribution", "use", "end_of_life")
    with translation.override("zh-hans"):
        assert "成品运输（分销）、使用、生命末期（处置）" in check.message
        assert "摇篮到大门" in check.message


def test_cradle_to_grave_lists_the_stages_excluded_with_a_reason():
    stages = (StageInput("use", USE_REASON), StageInput("end_of_life", "回收商处理"))
    rows = (row("raw_material_acquisition"), row("raw_material_transport"), row("production"),
            row("distribution"))
    p = calculate_study(study(product(*rows, stages=stages))).products[0]
    [check] = [c for c in p.checks if c.code == C.STAGES_OUTSIDE_BOUNDARY]
    assert check.params["stages"] == ("use", "end_of_life")
    with translation.override("zh-hans"):
        assert "使用、生命末期（处置）" in check.message and "排除理由" in check.message


def test_a_stage_without_data_or_reason_is_missing_not_left_out():
    # No reason: `stage_missing` asks for data or a reason; it is not listed as left out.
    p = calculate_study(study(product(*SEED_LIKE_ROWS))).products[0]
    assert codes(p, C.STAGE_MISSING, C.STAGES_OUTSIDE_BOUNDARY) == [C.STAGE_MISSING]


def test_full_cradle_to_grave_study_has_no_boundary_checks():
    rows = tuple(row(s) for s in STAGES)
    p = calculate_study(study(product(*rows, energy_using=True))).products[0]
    assert p.checks == ()


# ------------------------------------------------------------ declared unit of a partial CFP
def test_cradle_to_gate_result_is_per_declared_unit_not_functional_unit():
    p = calculate_study(study(product(row("production")), boundary="cradle_to_gate")).products[0]
    [check] = [c for c in p.checks if c.code == C.PARTIAL_CFP_FUNCTIONAL_UNIT]
    assert check.severity == C.WARNING and check.code not in C.BLOCKING
    assert check.params["unit"] == "1 台"
    with translation.override("zh-hans"):
        assert "声明单位" in check.message and "“1 台”" in check.message
    with translation.override("en"):
        assert "declared unit" in check.message


def test_cradle_to_grave_keeps_its_functional_unit():
    p = calculate_study(study(product(*SEED_LIKE_ROWS, stages=SEED_LIKE_STAGES))).products[0]
    assert codes(p, C.PARTIAL_CFP_FUNCTIONAL_UNIT) == []


# ---------------------------------------------------------------------- allocation shares
def _site_study(lv_share, hv_share, *, hv_quantity=50000.0, hv_stage="production"):
    lv = product(*SEED_LIKE_ROWS, row("production", 50000.0, lv_share, "车间用电"),
                 stages=SEED_LIKE_STAGES)
    hv = product(*SEED_LIKE_ROWS, row(hv_stage, hv_quantity, hv_share, "车间用电"),
                 code="HV", stages=SEED_LIKE_STAGES)
    return calculate_study(study(lv, hv))


def test_shares_of_one_site_quantity_that_add_up_to_1_pass():
    # 0.7 + 0.3 = 1 within 1e-6 (0.7 + 0.3 is 0.99999999999999989 in floating point)
    result = _site_study(0.7, 0.3)
    assert [c for c in result.all_checks if c.code == C.ALLOCATION_SUM] == []


def test_shares_over_1_count_the_site_twice_and_name_activity_products_and_sum():
    result = _site_study(0.6, 0.6)
    lv, hv = result.products
    [on_lv] = [c for c in lv.checks if c.code == C.ALLOCATION_SUM]
    [on_hv] = [c for c in hv.checks if c.code == C.ALLOCATION_SUM]
    assert on_lv.severity == C.WARNING and on_lv.code not in C.BLOCKING
    # each product's check points at its own row (the sixth row: five stage rows come first)
    assert on_lv.activity == 5 and on_hv.activity == 5
    assert on_lv.params["sum"] == pytest.approx(1.2)
    with translation.override("zh-hans"):
        message = on_lv.message
    assert "车间用电" in message and "LV 0.6、HV 0.6" in message and "1.2" in message
    assert "超过 1：多出的 0.2 被重复计算" in message
    assert "50,000 kWh" in message and "CN-GRID-2022" in message
    assert on_hv.message == on_lv.message


def test_shares_under_1_say_what_is_left_for_other_products():
    # 0.5 + 0.3 = 0.8: 0.2 belongs to products outside the study (or is lost)
    lv, _hv = _site_study(0.5, 0.3).products
    [check] = [c for c in lv.checks if c.code == C.ALLOCATION_SUM]
    assert check.severity == C.INFO
    with translation.override("zh-hans"):
        assert "0.8" in check.message and "其余 0.2" in check.message


def test_rows_that_differ_in_quantity_or_stage_are_not_one_site_quantity():
    assert not [c for c in _site_study(0.6, 0.6, hv_quantity=40000.0).all_checks
                if c.code == C.ALLOCATION_SUM]
    assert not [c for c in _site_study(0.6, 0.6, hv_stage="end_of_life").all_checks
                if c.code == C.ALLOCATION_SUM]


def test_one_product_alone_with_a_share_is_not_flagged():
    # The rest of its site quantity may belong to products the study does not cover.
    lv = product(*SEED_LIKE_ROWS, row("production", 50000.0, 0.4, "车间用电"), stages=SEED_LIKE_STAGES)
    assert not [c for c in calculate_study(study(lv)).all_checks if c.code == C.ALLOCATION_SUM]


def test_allocation_shares_still_scale_each_product_result():
    # The check only reports: 50000 kWh × 0.5366 × 0.6 ÷ 100 = 160.98 kg per unit stays as computed.
    lv, _hv = _site_study(0.6, 0.6).products
    assert lv.activities[5].kgco2e == pytest.approx(160.98)


def test_existing_callers_without_energy_using_keep_working():
    p = ProductInput("X", "x", "1 kg", 1.0, (row("production"),))
    assert p.energy_using is False
    assert calculate_study(study(p)).products[0].total_kgco2e == pytest.approx(536.6)
