"""Default paragraphs are written from the study's own data, in both languages."""

import hashlib
import re
from pathlib import Path

import pytest

from footprint.choices import NARRATIVE_SECTIONS
from footprint.services.report_prose.narrative import default_narrative

SEED_SHINGLES = Path(__file__).resolve().parents[2] / "fixtures" / "seed_shingles.txt"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_section_has_a_default(seed_study, language):
    for key in NARRATIVE_SECTIONS:
        text = default_narrative(key, study=seed_study, language=language)
        assert len(text) > 20, key


def test_defaults_use_the_study_facts(seed_study):
    purpose = default_narrative("purpose", study=seed_study, language="zh-hans")
    assert "中电华骋科技有限公司" in purpose and "低压成套开关设备" in purpose and "摇篮到坟墓" in purpose
    cut_off = default_narrative("cut_off", study=seed_study, language="zh-hans")
    assert "包装材料的获取" in cut_off          # what this study left out
    quality = default_narrative("data_quality", study=seed_study, language="zh-hans")
    # LV: 180.200 + 10.155 + 0.733 + 10.542 = 201.630 of 212.852 kgCO₂e from primary data
    assert "94.7 %" in quality and "2022" in quality
    improvements = default_narrative("improvements", study=seed_study, language="en")
    assert "Raw material acquisition (84.7 %)" in improvements


def test_english_defaults_are_english(seed_study):
    text = default_narrative("assumptions", study=seed_study, language="en")
    assert text.startswith("Activity data given as totals")
    assert "not included" in text  # the excluded use stage and its reason


def test_defaults_never_copy_the_seed_report(seed_study):
    """No run of 15 characters of any default paragraph appears in the seed report (compared by
    hash: tests/fixtures/seed_shingles.txt holds hashes of the seed's 15-character runs)."""
    from footprint.models import ActivityRecord, LifecycleStage
    from footprint.services.report_prose.narrative import NARRATIVE_DEFAULT_KEYS, default_narratives

    seed = {line for line in SEED_SHINGLES.read_text().split() if not line.startswith("#")}
    assert len(seed) > 5000
    # The study's own data (names, address, boundary texts) is the seed's by design; only our
    # words are checked, so the data is cut out of the paragraphs first.
    company = seed_study.company
    data = [company.name, company.address, company.contact_name, company.legal_representative,
            seed_study.title, *seed_study.standards,
            *(sp.product.name for sp in seed_study.study_products.all()),
            *ActivityRecord.objects.values_list("name", flat=True),
            *(t for s in LifecycleStage.objects.all() for t in (s.included, s.excluded, s.exclusion_reason))]
    data = sorted({re.sub(r"\s+", "", d) for d in data if d and len(d) >= 2}, key=len, reverse=True)
    for key, text in default_narratives(study=seed_study, language="zh-hans").items():
        text = re.sub(r"\s+", "", text)
        for d in data:
            text = text.replace(d, "|")
        for i in range(len(text) - 14):
            run = text[i:i + 15]
            if "|" not in run:
                assert hashlib.sha256(run.encode()).hexdigest()[:10] not in seed, (key, run)
    assert NARRATIVE_DEFAULT_KEYS


def test_the_shingle_check_would_catch_a_copied_sentence():
    seed = set(SEED_SHINGLES.read_text().split())
    copied = "数据质量被认为是最重要的考虑因素之一"  # a sentence of the seed's summary
    assert hashlib.sha256(copied[:15].encode()).hexdigest()[:10] in seed


# ------------------------------------------------- the narrative editor's view of the defaults
def test_every_default_key_has_a_paragraph_in_chinese_and_english(seed_study):
    from footprint.services.report_prose.narrative import NARRATIVE_DEFAULT_KEYS, default_narratives

    zh = default_narratives(study=seed_study, language="zh-hans")
    en = default_narratives(study=seed_study, language="en")
    assert set(zh) == set(en) == set(NARRATIVE_DEFAULT_KEYS)
    for key in NARRATIVE_DEFAULT_KEYS:
        assert zh[key] and en[key], key
        assert zh[key] == default_narrative(key, study=seed_study, language="zh-hans")


def test_the_company_overview_default_is_built_from_the_company_record(seed_study):
    zh = default_narrative("company_overview", study=seed_study, language="zh-hans")
    assert zh.startswith("中电华骋科技有限公司是本研究所评价产品的生产者。")
    assert "河南省洛阳市偃师市石家湾工业区" in zh
    assert "低压成套开关设备（LV）" in zh and "肖飞" in zh


def test_an_unknown_section_is_an_error(seed_study):
    with pytest.raises(KeyError):
        default_narrative("nonsense", study=seed_study, language="en")
