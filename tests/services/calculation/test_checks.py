"""Check messages (footprint/services/calculation/checks.py): every code has its message in Chinese and
English, with every placeholder filled and its numbers printed as the tables print them."""

from __future__ import annotations

import re
from types import MappingProxyType

import pytest
from django.utils import translation

from footprint.services.calculation import checks as C

CJK = re.compile(r"[\u4e00-\u9fff]")
# Every check code the module defines (the constants in lower-case snake case).
CODES = {v for k, v in vars(C).items() if k.isupper() and isinstance(v, str) and not k.startswith("CAUSE_")
         and v not in (C.ERROR, C.WARNING, C.INFO)}


def _check(code, activity=None, suggested=None, **params):
    return C.Check(C.WARNING, code, activity, MappingProxyType(params), suggested_factor=suggested)


# code → (check, Chinese text it must contain, English text it must contain); numbers
# hand-formatted: kg with three decimals, deviations signed with two, others to six digits.
SIMPLE = {
    C.UNIT_INCOMPATIBLE: (
        _check(C.UNIT_INCOMPATIBLE, 0, name="电力", activity_unit="kg", factor="CN-GRID-2022",
               factor_unit="kg/kWh"),
        "活动“电力”的单位 kg 无法换算为排放因子 CN-GRID-2022 的单位 kg/kWh", "CN-GRID-2022"),
    C.CLAIMED_MISMATCH: (
        _check(C.CLAIMED_MISMATCH, 1, suggested="CN-GRID-2021", claimed=186.984, computed=180.2,
               deviation=186.984 / 180.2 - 1, factor="CN-GRID-2022", implied_value=0.5568,
               factor_unit="kg/kWh", factor_value=0.5366, factor_decimals=4),
        "声明值 186.984 与重新计算值 180.200 kgCO₂e 相差 +3.76 %", "CN-GRID-2021"),
    C.MIXED_FACTOR_VERSIONS: (
        _check(C.MIXED_FACTOR_VERSIONS, family="CN-GRID", factors="CN-GRID-2021、CN-GRID-2022"),
        "同一因子族 CN-GRID 的不同年份或版本：CN-GRID-2021、CN-GRID-2022", "CN-GRID"),
    C.STAGE_MISSING: (_check(C.STAGE_MISSING, stage="use"), "“使用”阶段没有活动数据", "Use"),
    C.STAGE_OUTSIDE_BOUNDARY: (_check(C.STAGE_OUTSIDE_BOUNDARY, stage="end_of_life"),
                               "“生命末期（处置）”阶段", "End-of-life"),
    C.FACTOR_MISSING: (_check(C.FACTOR_MISSING, factor="XX-1"), "找不到排放因子 XX-1", "XX-1"),
    C.GWP_MISSING: (_check(C.GWP_MISSING, gwp_set="AR4", gas="NF3"), "AR4 中没有温室气体 NF3", "NF3"),
    C.OUTPUT_MISSING: (_check(C.OUTPUT_MISSING, product="LV"), "产品 LV 的报告期产量为 0", "LV"),
    C.UNKNOWN_STAGE: (_check(C.UNKNOWN_STAGE, stage="mining"), "未知的生命周期阶段 mining", "mining"),
    C.STAGES_OUTSIDE_BOUNDARY: (
        _check(C.STAGES_OUTSIDE_BOUNDARY, boundary="cradle_to_gate", stages=["distribution", "use"]),
        "以下阶段不在研究范围内：成品运输（分销）、使用。", "Use"),
    C.USE_STAGE_EXCLUDED: (_check(C.USE_STAGE_EXCLUDED, outside_boundary=True), "摇篮到大门", "14067"),
    C.PARTIAL_CFP_FUNCTIONAL_UNIT: (_check(C.PARTIAL_CFP_FUNCTIONAL_UNIT, unit="1 台"),
                                    "“1 台”应作为声明单位说明", "1 台"),
    # shares 0.6 + 0.5 = 1.1: 0.1 counted twice (hand-computed, six significant digits)
    C.ALLOCATION_SUM: (
        _check(C.ALLOCATION_SUM, name="电力", stage="production", quantity=1234567.5, unit="kWh",
               factor="CN-GRID-2022", shares=[("LV", 0.6), ("HV", 0.5)], sum=1.1),
        "（LV 0.6、HV 0.5）之和为 1.1，超过 1：多出的 0.1 被重复计算", "0.1"),
    # the evidence checks (services/calculation/verification.py)
    C.HOTSPOT_NOT_VERIFIED: (
        _check(C.HOTSPOT_NOT_VERIFIED, 0, name="外购电力", stage="production", share=0.4213,
               status="sampled"),
        "“外购电力”（生产）占产品碳足迹的 42.1 %，核实状态为“", "is 42.1 % of the product's footprint"),
    C.NO_EVIDENCE: (
        _check(C.NO_EVIDENCE, 0, name="外购电力", stage="production"),
        "活动数据“外购电力”（生产）没有证据文件。", "The activity \"外购电力\" (Production) has no evidence file."),
}


def _both(check):
    with translation.override("zh-hans"):
        zh = check.message
    with translation.override("en"):
        en = check.message
    return zh, en


def _filled(text: str) -> None:
    assert text and "%(" not in text and "%%" not in text and ")s" not in text, text


def test_every_code_is_covered_here():
    assert set(SIMPLE) | C.CLAIM_CODES == CODES
    assert C.BLOCKING < CODES


@pytest.mark.parametrize("code", sorted(SIMPLE))
def test_every_code_has_its_message_in_chinese_and_english(code):
    check, zh_part, en_part = SIMPLE[code]
    zh, en = _both(check)
    _filled(zh)
    _filled(en)
    assert zh_part in zh
    assert en_part in en
    assert zh != en and zh != code and en != code  # a translated sentence, not the fallback
    # English messages carry no Chinese beyond the Chinese data they were given
    data = " ".join(str(v) for v in check.params.values())
    assert not [c for c in CJK.findall(en) if c not in data], en


def test_the_claimed_mismatch_message_prints_the_implied_factor_and_the_suggestion():
    zh, en = _both(SIMPLE[C.CLAIMED_MISMATCH][0])
    # 186.984 ÷ 180.2 − 1 = 0.037647… → +3.76 %; factor values with their 4 published decimals
    assert "排放因子 CN-GRID-2022 应为 0.5568 kg/kWh（实际使用 0.5366）" in zh
    assert "因子库中的 CN-GRID-2021 与之相符" in zh
    assert "+3.76 %" in en and "0.5568" in en and "0.5366" in en


def test_a_claim_that_recomputes_to_zero_says_so():
    zh, en = _both(_check(C.CLAIMED_MISMATCH, claimed=12.5, computed=0.0, deviation=None))
    assert zh == "声明值 12.500 kgCO₂e 无法由活动数据得出（重新计算结果为 0）。"
    _filled(en)
    assert "12.500" in en


def test_an_allocation_below_one_names_the_rest():
    check = _check(C.ALLOCATION_SUM, name="柴油", stage="production", quantity=10, unit="kg",
                   factor="CN-DIESEL", shares=[("LV", 0.25), ("HV", 0.5)], sum=0.75)
    zh, en = _both(check)
    assert "之和为 0.75，不足 1：其余 0.25 应属于本研究以外的产品" in zh
    _filled(en)
    assert "0.75" in en and "0.25" in en


def test_a_cradle_to_grave_exclusion_asks_for_the_reasons():
    zh, _en = _both(_check(C.STAGES_OUTSIDE_BOUNDARY, boundary="cradle_to_grave", stages=["use"]))
    assert zh.startswith("以下阶段没有活动数据，并写明了排除理由：使用。")


@pytest.fixture
def claim_checks(seed_study):
    from footprint.services.results import study_results

    checks = [c for c in study_results(seed_study).all_checks if c.code in C.CLAIM_CODES]
    assert checks
    return checks


def test_the_seed_studys_contradictions_have_filled_messages_in_both_languages(claim_checks):
    # the seed report contradicts itself in at least these ways (docs/study-format.md, claims)
    assert {C.CLAIMS_CONFLICT, C.CLAIMED_TOTAL_MISMATCH, C.FACTOR_CLAIM_IRREPRODUCIBLE} <= {
        c.code for c in claim_checks}
    for check in claim_checks:
        zh, en = _both(check)
        _filled(zh)
        _filled(en)
        assert zh != en, check.code
        with translation.override("en"):
            finding = check.to_dict()["finding"]
        assert finding["subject"] and finding["stated"], check.code
        for part in finding.values():
            assert "%(" not in part


def test_to_dict_carries_the_deviation_and_the_stage():
    check = SIMPLE[C.CLAIMED_MISMATCH][0]
    data = check.to_dict()
    assert data["deviation"] == pytest.approx(0.0376470588, rel=1e-9)
    assert data["implied_factor_value"] == 0.5568 and data["suggested_factor"] == "CN-GRID-2021"
    staged = C.Check(C.WARNING, C.USE_STAGE_EXCLUDED, None, MappingProxyType({}), stage="use")
    assert staged.to_dict()["stage"] == "use" and "stage" not in check.to_dict()
    assert C.Check(C.ERROR, C.FACTOR_MISSING, 0, MappingProxyType({"factor": "X"})).is_error


@pytest.mark.parametrize(("code", "kind"), [
    (C.CLAIMS_CONFLICT, "原报告前后不一致"), (C.CLAIM_UNIT_SUSPECT, "单位有误"), ("other", "other")])
def test_claim_kind_names_each_claim_check(code, kind):
    with translation.override("zh-hans"):
        assert C.claim_kind(code) == kind


def test_recomputed_totals_in_claim_messages_print_like_the_kg_tables():
    # a product total claimed as 220.101 against 212.852 recomputed; a place's stages adding up
    # to 180.2: kgCO₂e print with three decimals in messages as in the tables (numbers.md)
    total = _check(C.CLAIMED_TOTAL_MISMATCH, None, level="product", product="LV", stage="",
                   places=("摘要",), claimed_text="220.101", computed=180.2, deviation=0.0344,
                   cause=None, cause_params={})
    assert "重新计算 180.200" in total.finding["against"] and "180.200 kgCO₂e" in total.message
    summed = _check(C.CLAIMED_SUM_MISMATCH, None, product="LV", place="摘要", sum=180.2,
                    total_text="220.101", cause=None, cause_params={})
    assert "同处各阶段之和 180.200" in summed.finding["against"] and "180.200" in summed.message
