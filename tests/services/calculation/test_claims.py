"""Claims of the source report beyond its rows: product and stage totals printed in several
places, stage shares and stated factors, checked against each other and the recomputation.

Pure: the seed report's own figures (202508175GHG), hand-computed."""

import pytest
from django.utils import translation

from footprint.services.calculation import checks as C
from footprint.services.calculation.study import (
    STAGES,
    ActivityInput,
    ClaimInput,
    FactorInput,
    ProductInput,
    StageInput,
    StudyInput,
    calculate_study,
)

GRID_2022 = FactorInput("CN-GRID-2022@1", "CN-GRID-2022", 0.5366, "kg/kWh", "CO2", 1, "CN-GRID", 2022)
GRID_2021 = FactorInput("CN-GRID-2021@1", "CN-GRID-2021", 0.5568, "kg/kWh", "CO2", 1, "CN-GRID", 2021)
# 43.330 GJ/t × 20.20 t/TJ × 0.98 × 44/12 = 3.1451225 kg CO₂ per kg of diesel
DIESEL = FactorInput("CN-DIESEL@1", "CN-DIESEL", 43.330 * 20.20 * 0.98 * 44 / 12 / 1000, "kg/kg",
                     "CO2", 1, "CN-DIESEL", ncv="43.330 GJ/t")
EXPLAINED = tuple(StageInput(s, "—") for s in STAGES)
STAGE_KEYS = ("raw_material_acquisition", "raw_material_transport", "production", "distribution",
              "end_of_life")


def rows(quantities, claimed):
    factors = (GRID_2022, DIESEL, GRID_2022, DIESEL, GRID_2022)
    names = ("原辅料获取及加工用电", "原辅料运输柴油", "生产用电", "成品运输柴油", "报废拆解回收用电")
    units = ("kWh", "kg", "kWh", "kg", "kWh")
    return tuple(
        ActivityInput(stage=s, name=n, quantity=q, unit=u, factor_key=f.key, claimed_kgco2e_per_unit=c)
        for s, n, q, u, f, c in zip(STAGE_KEYS, names, quantities, units, factors, claimed, strict=True)
    )


LV = ProductInput("LV", "低压成套开关设备", "1 台", 281683.0, rows(
    (94594493.664, 909500.622, 384893.00, 944161.060, 5890655.266),
    (186.984, 10.155, 0.776, 10.542, 11.644)), EXPLAINED)
HV = ProductInput("HV", "高压成套开关设备", "1 台", 84.0, rows(
    (26995.711, 340.394, 294.00, 431.014, 3644.828),
    (178.943, 12.745, 2.385, 16.138, 24.160)), EXPLAINED)


def totals(product, place, unit, values, total, decimals=3):
    out = [ClaimInput("stage", v, unit, place, product=product, stage=s, decimals=decimals)
           for s, v in zip(STAGE_KEYS, values, strict=True)]
    return [*out, ClaimInput("product", total, unit, place, product=product, decimals=decimals)]


def shares(product, place, values):
    return [ClaimInput("share", v, "%", place, product=product, stage=s, decimals=2)
            for s, v in zip(STAGE_KEYS, values, strict=True)]


SEED_CLAIMS = (
    *totals("LV", "摘要", "kgCO₂ eq", (186.984, 10.155, 0.776, 10.542, 11.644), 220.101),
    *shares("LV", "摘要", (84.95, 4.61, 0.35, 4.79, 5.29)),
    *totals("LV", "表 5.2-1", "kgCO₂e/台", (186.984, 10.155, 0.776, 10.542, 11.644), 220.101),
    *shares("LV", "表 5.2-1", (84.95, 4.61, 0.35, 4.79, 5.29)),
    # the HV summary prints LV's distribution figure and 24.164 for end of life
    *totals("HV", "摘要", "kgCO₂ eq", (178.943, 12.745, 2.385, 10.542, 24.164), 234.371),
    *shares("HV", "摘要", (76.35, 5.44, 1.02, 6.89, 10.31)),
    *totals("HV", "表 5.2-2", "tCO₂e/件", (178.943, 12.745, 2.385, 16.138, 24.160), 234.371),
    *shares("HV", "表 5.2-2", (76.35, 5.44, 1.02, 6.89, 10.31)),
    ClaimInput("factor", 0.5366, "kg/kWh", "4.3", factor="CN-GRID-2022", decimals=4),
    ClaimInput("factor", 0.0726, "kg/kg", "表 4.2-1", product="LV", factor="CN-DIESEL", decimals=4),
    ClaimInput("factor", 0.0726, "kg/kg", "表 4.2-2", product="HV", factor="CN-DIESEL", decimals=4),
)


def seed(claims=SEED_CLAIMS):
    return StudyInput(
        report_number="202508175GHG", gwp_set="AR5", boundary="cradle_to_grave",
        gwp={"CO2": 1.0}, factors={f.key: f for f in (GRID_2022, DIESEL)}, products=(LV, HV),
        library=(GRID_2022, GRID_2021, DIESEL), claims=tuple(claims),
    )


def checks_of(code, product="HV", claims=SEED_CLAIMS):
    result = calculate_study(seed(claims))
    return [c for c in result.product(product).checks if c.code == code]


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_a_study_without_claims_gets_no_claim_checks():
    result = calculate_study(seed(()))
    assert not [c for c in result.all_checks if c.code in C.CLAIM_CODES]


def test_hv_distribution_summary_contradicts_its_table_and_is_a_copy_of_lv():
    conflicts = [c for c in checks_of(C.CLAIMS_CONFLICT) if c.params["stage"] == "distribution"]
    assert len(conflicts) == 1
    clusters = conflicts[0].params["clusters"]
    assert [(c["places"], c["value"]) for c in clusters] == [
        (("摘要",), "10.542"), (("表 5.2-2",), "16.138")]
    # 10.542 is what the LV rows print for distribution
    assert clusters[0]["cause"] == C.CAUSE_COPY
    assert (clusters[0]["cause_params"]["product"], clusters[0]["cause_params"]["stage"]) == ("LV", "distribution")
    assert clusters[0]["cause_params"]["places"] == ("摘要", "表 5.2-1")
    message = conflicts[0].message
    assert "摘要：10.542" in message and "表 5.2-2：16.138" in message
    assert "LV“成品运输（分销）”阶段" in message and "抄错了行" in message


def test_hv_end_of_life_24_164_against_24_160_differs_in_the_last_digit():
    conflict = next(c for c in checks_of(C.CLAIMS_CONFLICT) if c.params["stage"] == "end_of_life")
    assert [c["value"] for c in conflict.params["clusters"]] == ["24.164", "24.160"]
    assert conflict.params["cause"] == C.CAUSE_LAST_DIGITS
    assert "修约或录入错误" in conflict.message
    # against the recomputation (3644.828 kWh × 0.5366 ÷ 84 = 23.2835), both prints differ;
    # only 24.160 is the printed row (24.16) — 24.164 has no cause of its own
    eol = {c.params["claimed_text"]: c for c in checks_of(C.CLAIMED_TOTAL_MISMATCH)
           if c.params["stage"] == "end_of_life"}
    assert eol["24.160"].params["cause"] == C.CAUSE_ROWS
    assert eol["24.164"].params["cause"] is None
    assert eol["24.164"].params["computed"] == pytest.approx(23.2835084, abs=1e-6)


def test_prints_that_agree_to_their_rounding_are_no_conflict():
    claims = [ClaimInput("product", 212.85, "kgCO₂e/台", "A", product="LV", decimals=2),
              ClaimInput("product", 212.852, "kgCO₂e/台", "B", product="LV", decimals=3)]
    # |212.85 − 212.852| = 0.002 ≤ half a unit of the coarser print (0.005)
    assert not checks_of(C.CLAIMS_CONFLICT, "LV", claims)
    claims[0] = ClaimInput("product", 212.84, "kgCO₂e/台", "A", product="LV", decimals=2)
    assert len(checks_of(C.CLAIMS_CONFLICT, "LV", claims)) == 1


def test_totals_are_checked_against_the_recomputation():
    lv = {(c.params["level"], c.params["stage"]): c for c in checks_of(C.CLAIMED_TOTAL_MISMATCH, "LV")}
    # distribution 10.542 and transport 10.155 follow; raw materials, production, end of life
    # and the product total do not
    assert set(lv) == {("stage", "raw_material_acquisition"), ("stage", "production"),
                       ("stage", "end_of_life"), ("product", "")}
    total = lv[("product", "")]
    assert total.params["places"] == ("摘要", "表 5.2-1")
    # 220.101 / 212.8522401 − 1 = +3.4056 %
    assert total.params["computed"] == pytest.approx(212.8522401, abs=1e-6)
    assert total.params["deviation"] == pytest.approx(0.0340554, abs=1e-7)
    # the printed total is the sum of the rows' claimed figures: the rows are the cause
    assert total.params["cause"] == C.CAUSE_ROWS


def test_hv_summary_distribution_against_recomputation_names_the_copy():
    hv = [c for c in checks_of(C.CLAIMED_TOTAL_MISMATCH) if c.params["stage"] == "distribution"]
    # 431.014 kg × 3.1451225 ÷ 84 = 16.138 follows (表 5.2-2); 摘要's 10.542 does not
    assert len(hv) == 1 and hv[0].params["places"] == ("摘要",)
    assert hv[0].params["computed"] == pytest.approx(16.1379979, abs=1e-6)
    assert hv[0].params["cause"] == C.CAUSE_COPY
    assert hv[0].params["cause_params"]["product"] == "LV"


def test_tolerance_of_totals_is_that_of_the_rows():
    # recomputed LV distribution 10.5420000; 10.552 is 0.095 % off (within 0.1 %)
    near = [ClaimInput("stage", 10.552, "kgCO₂e/台", "A", product="LV", stage="distribution")]
    assert not checks_of(C.CLAIMED_TOTAL_MISMATCH, "LV", near)
    far = [ClaimInput("stage", 10.553, "kgCO₂e/台", "A", product="LV", stage="distribution")]
    assert len(checks_of(C.CLAIMED_TOTAL_MISMATCH, "LV", far)) == 1


def test_summary_stages_do_not_add_up_to_its_own_hv_total():
    check = checks_of(C.CLAIMED_SUM_MISMATCH)
    assert len(check) == 1 and check[0].params["place"] == "摘要"
    # 178.943 + 12.745 + 2.385 + 10.542 + 24.164 = 228.779 against 234.371
    assert check[0].params["sum"] == pytest.approx(228.779, abs=1e-9)
    # with the table's 16.138 and 24.160 it adds up
    assert check[0].params["cause"] == C.CAUSE_SUBSTITUTE
    changes = check[0].params["cause_params"]["changes"]
    assert [(c["stage"], c["from"], c["to"]) for c in changes] == [
        ("distribution", "10.542", "16.138"), ("end_of_life", "24.164", "24.160")]
    assert not checks_of(C.CLAIMED_SUM_MISMATCH, "LV")


def _own_share_checks(product="HV"):
    return [c for c in checks_of(C.CLAIMED_SHARE_MISMATCH, product) if c.params.get("against") != "recomputed"]


def test_summary_share_of_hv_distribution_follows_the_table_value_not_its_own():
    check = _own_share_checks()
    assert len(check) == 1
    p = check[0].params
    assert (p["place"], p["stage"], p["claimed_text"]) == ("摘要", "distribution", "6.89")
    # 10.542 / 234.371 = 4.498 %; 16.138 / 234.371 = 6.886 % → the printed 6.89 %
    assert p["share"] == pytest.approx(4.4980, abs=1e-4)
    assert p["cause"] == C.CAUSE_OTHER_PLACE and p["cause_params"]["value"] == "16.138"
    assert not _own_share_checks("LV")


def test_printed_shares_against_the_recomputed_shares_one_check_per_place():
    lv = [c for c in checks_of(C.CLAIMED_SHARE_MISMATCH, "LV") if c.params["against"] == "recomputed"]
    assert [c.params["place"] for c in lv] == ["摘要", "表 5.2-1"]
    gaps = {g["stage"]: g for g in lv[0].params["stages"]}
    # 180.2004569 / 212.8522401 = 84.660 % (printed 84.95 %); 0.7332128 / 212.8522401 = 0.3445 %
    # against the printed 0.35 % is more than half a unit of its last decimal (0.005)
    assert set(gaps) == set(STAGE_KEYS)
    assert (gaps["raw_material_acquisition"]["claimed_text"], gaps["raw_material_acquisition"]["share_text"]) == ("84.95", "84.7")
    assert gaps["production"]["share_text"] == "0.3"
    # every LV share follows from the figures printed beside it: the cause is those figures
    assert lv[0].params["cause"] == C.CAUSE_PRINTED_VALUES and lv[0].params["cause_params"]["except"] == ()
    summary = next(c for c in checks_of(C.CLAIMED_SHARE_MISMATCH)
                   if c.params.get("against") == "recomputed" and c.params["place"] == "摘要")
    # … except HV's summary distribution share, which has its own check
    assert summary.params["cause_params"]["except"] == ("distribution",)
    assert "除“成品运输（分销）”外" in summary.message
    assert "“原材料获取”84.95 %（重新计算 84.7 %）" in lv[0].message


def test_unit_header_t_per_piece_over_kg_figures_is_flagged():
    check = checks_of(C.CLAIM_UNIT_SUSPECT)
    assert len(check) == 1
    assert check[0].params["place"] == "表 5.2-2" and check[0].params["mass_wrong"]
    assert check[0].params["per"] == "件"
    # read as kg, the table's figures are compared as kg: 16.138 follows, no thousandfold gap
    assert not [c for c in checks_of(C.CLAIMED_TOTAL_MISMATCH)
                if c.params["places"] == ("表 5.2-2",) and c.params["stage"] == "distribution"]


def test_diesel_factor_printed_per_kg_is_the_per_mj_figure():
    check = checks_of(C.FACTOR_CLAIM_IRREPRODUCIBLE, "LV")
    diesel = next(c for c in check if c.params["factor"] == "CN-DIESEL")
    assert diesel.params["places"] == ("表 4.2-1",)
    rows = diesel.params["rows"]
    assert [r["name"] for r in rows] == ["原辅料运输柴油", "成品运输柴油"]
    # 10.155 kg per unit from 909500.622 / 281683 = 3.2288 kg diesel → 3.1451 kg/kg
    assert rows[0]["implied"] == pytest.approx(10.155 / (909500.622 / 281683), rel=1e-9)
    assert rows[0]["implied"] == pytest.approx(3.14512, abs=1e-4)
    assert rows[0]["cause"] == C.CAUSE_PER_MJ
    # 0.0726 kg/MJ × 43.33 MJ/kg = 3.1458 kg/kg
    assert rows[0]["cause_params"]["product"] == pytest.approx(3.145758, abs=1e-6)
    assert "按 MJ 计的因子印成了按 kg 计：0.0726 × 低位发热量 43.33 MJ/kg（43.330 GJ/t）= 3.14576" in diesel.message
    assert diesel.message.startswith("表 4.2-1 声明排放因子 CN-DIESEL为 0.0726 kg/kg，但引用它的 2 行中有 2 行")


def test_grid_factor_2022_cannot_give_rows_that_follow_2021():
    grid = next(c for c in checks_of(C.FACTOR_CLAIM_IRREPRODUCIBLE, "LV") if c.params["factor"] == "CN-GRID-2022")
    assert grid.params["places"] == ("4.3",) and grid.params["cited"] == 3
    rows = {r["name"]: r for r in grid.params["rows"]}
    # raw materials 186.984 / 335.81897 kWh = 0.5568 (2021); production 0.776 / 1.36640 = 0.5679
    assert rows["原辅料获取及加工用电"]["implied"] == pytest.approx(0.5568, abs=1e-6)
    assert rows["原辅料获取及加工用电"]["cause"] == C.CAUSE_WRONG_YEAR
    assert rows["原辅料获取及加工用电"]["cause_params"]["code"] == "CN-GRID-2021"
    assert rows["报废拆解回收用电"]["cause"] == C.CAUSE_WRONG_YEAR
    assert rows["生产用电"]["implied"] == pytest.approx(0.5679137, abs=1e-6)
    assert rows["生产用电"]["cause"] is None
    assert "2021 年的 CN-GRID-2021" in grid.message


def test_a_stated_factor_that_reproduces_its_rows_is_not_flagged():
    claims = [ClaimInput("factor", 3.145, "kgCO₂/kg", "表 X", factor="CN-DIESEL", decimals=3)]
    assert not checks_of(C.FACTOR_CLAIM_IRREPRODUCIBLE, "LV", claims)
    # the same value in t/t (a unit conversion, not a different value)
    claims = [ClaimInput("factor", 3145.1, "kg/t", "表 X", factor="CN-DIESEL", decimals=1)]
    assert not checks_of(C.FACTOR_CLAIM_IRREPRODUCIBLE, "LV", claims)


def test_factor_claims_that_contradict_each_other():
    claims = [ClaimInput("factor", 0.5366, "kg/kWh", "表 4.2-1", factor="CN-GRID-2022", decimals=4),
              ClaimInput("factor", 0.5568, "kg/kWh", "4.3", factor="CN-GRID-2022", decimals=4)]
    conflict = checks_of(C.CLAIMS_CONFLICT, "LV", claims)
    assert len(conflict) == 1 and conflict[0].params["factor"] == "CN-GRID-2022"
    assert "排放因子 CN-GRID-2022" in conflict[0].message


def test_finding_gives_places_both_values_and_cause():
    conflict = next(c for c in checks_of(C.CLAIMS_CONFLICT) if c.params["stage"] == "distribution")
    finding = C.claim_finding(conflict)
    assert finding["stated"] == "摘要：10.542"
    assert finding["against"] == "表 5.2-2：16.138"
    assert "LV" in finding["cause"]
    with translation.override("en"):
        assert "copied from another row" in conflict.message


def test_the_results_document_carries_each_finding_in_parts():
    from footprint.services.calculation.study import result_to_dict

    hv = result_to_dict(calculate_study(seed()))["products"][1]
    conflict = next(c for c in hv["checks"] if c["code"] == C.CLAIMS_CONFLICT and "10.542" in c["message"])
    assert conflict["finding"]["stated"] == "摘要：10.542"
    assert conflict["finding"]["against"] == "表 5.2-2：16.138"
    assert conflict["severity"] == C.WARNING and conflict["activity"] is None
