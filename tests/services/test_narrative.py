"""Default narrative paragraphs are written from the study's own data, in both languages."""

from decimal import Decimal
from pathlib import Path

import pytest

from footprint.services.narrative import (
    NARRATIVE_DEFAULT_KEYS,
    default_narrative,
    default_narratives,
)

pytestmark = pytest.mark.django_db

SEED_REPORT = Path("/work/shared/seed/000_f5e33c012c139253.txt")


def test_every_section_has_a_default_in_chinese_and_english(seed_study):
    zh = default_narratives(study=seed_study, language="zh-hans")
    en = default_narratives(study=seed_study, language="en")
    assert set(zh) == set(en) == set(NARRATIVE_DEFAULT_KEYS)
    for key in NARRATIVE_DEFAULT_KEYS:
        assert zh[key] and en[key], key
        assert zh[key] == default_narrative(key, study=seed_study, language="zh-hans")
    assert "functional unit" in en["product_function"] and "功能单位" in zh["product_function"]


def test_the_defaults_use_the_studys_figures(seed_study):
    zh = default_narratives(study=seed_study, language="zh-hans")
    assert "281,683" in zh["product_function"] and "84" in zh["product_function"]
    assert "2024 年 1 月 1 日至 2024 年 12 月 31 日" in zh["purpose"]
    assert "IPCC 第五次评估报告（AR5）" in zh["assumptions"] and "CN-GRID-2022" in zh["assumptions"]
    assert "84.7%" in zh["improvements"] and "原辅料获取及加工用电" in zh["improvements"]
    assert "8 项为企业计量的初级数据，2 项为次级数据" in zh["data_quality"]


def test_the_allocation_default_names_its_basis(seed_study):
    from footprint.models import ActivityRecord

    zh = default_narrative("allocation", study=seed_study, language="zh-hans")
    assert "10 项活动数据按报告期总量填报，以“产量”这一物理关系分配" in zh
    assert "分配比例均为 1" in zh
    record = ActivityRecord.objects.filter(stage__study_product__study=seed_study).first()
    ActivityRecord.objects.filter(pk=record.pk).update(allocation=Decimal("0.25"))
    zh = default_narrative("allocation", study=seed_study, language="zh-hans")
    en = default_narrative("allocation", study=seed_study, language="en")
    assert "1 项为与其他产品共用的投入，按分配比例 0.25" in zh
    assert "allocation ratio of 0.25" in en and "physical relationship of production output" in en


def test_the_uncertainty_default_combines_stated_uncertainties_in_quadrature(seed_study):
    from footprint.models import ActivityRecord
    from footprint.services.results import study_results

    lv_rows = ActivityRecord.objects.filter(
        stage__study_product__study=seed_study, stage__study_product__product__code="LV")
    lv_rows.update(uncertainty_pct=Decimal("10"))
    lv = study_results(seed_study).product("LV")
    expected = (sum((a.kgco2e * 0.10) ** 2 for a in lv.activities) ** 0.5) / lv.total_kgco2e * 100
    text = default_narrative("uncertainty", study=seed_study, language="zh-hans")
    assert f"±{expected:.1f}%" in text
    assert "活动数据尚未给出不确定性" in text  # HV has none yet


def test_it_does_not_copy_the_seed_reports_sentences(seed_study):
    if not SEED_REPORT.exists():
        pytest.skip("seed report not available")
    seed_text = SEED_REPORT.read_text(encoding="utf-8")
    for paragraph in default_narratives(study=seed_study, language="zh-hans").values():
        for sentence in paragraph.replace("；", "。").split("。"):
            if len(sentence) > 25:
                assert sentence not in seed_text


def test_an_unknown_section_is_an_error(seed_study):
    with pytest.raises(KeyError):
        default_narrative("nonsense", study=seed_study, language="en")


def test_the_company_overview_default_is_built_from_the_company_record(seed_study):
    zh = default_narrative("company_overview", study=seed_study, language="zh-hans")
    en = default_narrative("company_overview", study=seed_study, language="en")
    assert zh.startswith("中电华骋科技有限公司位于河南省洛阳市偃师市石家湾工业区")
    assert "低压成套开关设备（LV）" in zh and "肖飞" in zh
    assert "low" not in en and "(LV)" in en and "legal representative is 文文明明" in en
