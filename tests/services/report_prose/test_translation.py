"""The English wording of a study's own text (services/report_prose/translation.py): pure rules."""

from footprint.services.calculation.study import (
    ActivityInput,
    FactorInput,
    ProductInput,
    StageInput,
    StudyInput,
    calculate_study,
)
from footprint.services.report_prose.narrative import (
    NarrativeFacts,
    NarrativeProduct,
    NarrativeStage,
)
from footprint.services.report_prose.translation import (
    Translator,
    needs_translation,
    normalise,
    translate_calculation_input,
    translate_narrative_facts,
    translation_gaps,
    translator_for,
    with_language,
)

TRANSLATIONS = {"en": {"texts": {"allocation": "By output."},
                       "terms": {"生产用电": "Production electricity", "1 台": "1 unit"}}}


def test_only_text_with_chinese_characters_or_punctuation_needs_a_translation():
    assert needs_translation("生产用电")
    assert needs_translation("LV（抽屉式）")       # full-width brackets
    assert needs_translation("ISO 14067，第 7 条")
    for text in ("", None, "LV", "CN-GRID-2022", "GB/T 24067-2024", "1 unit", "0.5366 kg/kWh"):
        assert not needs_translation(text), text


def test_the_translator_translates_known_terms_and_keeps_the_rest_as_entered():
    tr = translator_for(TRANSLATIONS, "en")
    assert tr.term("生产用电") == "Production electricity"
    assert tr.term("  生产用电 ") == "Production electricity"   # as entered, blanks aside
    assert tr.term("成品运输柴油") == "成品运输柴油"
    assert tr.term("") == ""
    assert tr.text("allocation", "按产量分配。") == "By output."
    assert tr.text("cut_off", "1% 取舍。") == "1% 取舍。"


def test_the_source_language_and_a_study_without_translations_print_as_entered():
    for tr in (translator_for(TRANSLATIONS, "zh-hans"), translator_for({}, "en"), translator_for(None, "en")):
        assert tr.term("生产用电") == "生产用电"
        assert tr.text("allocation", "按产量分配。") == "按产量分配。"


def test_normalise_strips_drops_empty_entries_and_orders_the_passages():
    entry = normalise({"uncertainty": " ±5 %. ", "title": "Title", "purpose": "  ", "bogus": "x"},
                      {" 生产用电 ": " Production electricity ", "成品运输柴油": "", "": "nothing"})
    assert entry == {"texts": {"title": "Title", "uncertainty": "±5 %."},
                     "terms": {"生产用电": "Production electricity"}}
    assert list(entry["texts"]) == ["title", "uncertainty"]
    assert normalise({}, {}) == {}


def test_with_language_replaces_one_language_and_removes_it_when_empty():
    both = with_language({"xx": {"terms": {"a": "b"}}}, "en", {"terms": {"生产用电": "P"}})
    assert both == {"en": {"terms": {"生产用电": "P"}}, "xx": {"terms": {"a": "b"}}}
    assert with_language(both, "en", {}) == {"xx": {"terms": {"a": "b"}}}


def test_gaps_are_the_chinese_terms_and_passages_without_translation_in_report_order():
    tr = translator_for(TRANSLATIONS, "en")
    gaps = translation_gaps(
        tr,
        terms=["生产用电", "LV", "成品运输柴油", "1 台", "成品运输柴油", "报废拆解回收用电"],
        texts={"title": "开关设备碳足迹报告", "allocation": "按产量分配。", "purpose": "",
               "cut_off": "Cut-off written in English already."},
    )
    assert gaps.terms == ("成品运输柴油", "报废拆解回收用电")
    assert gaps.texts == ("title",)   # purpose is empty: the report prints its English default
    assert gaps.count == 3


def _study_input() -> StudyInput:
    factor = FactorInput(key="CN-GRID-2022@1", code="CN-GRID-2022", value=0.5366, unit="kg/kWh", gas="CO2")
    return StudyInput(
        report_number="T-1", gwp_set="AR5", boundary="cradle_to_gate", gwp={"CO2": 1.0},
        factors={factor.key: factor},
        products=(ProductInput(
            code="LV", name="低压成套开关设备", functional_unit="1 台", annual_output=10.0,
            activities=(ActivityInput(stage="production", name="生产用电", quantity=1000.0, unit="kWh",
                                      factor_key=factor.key),),
            stages=(StageInput(stage="production"),),
        ),),
    )


def test_translating_the_calculation_input_renames_things_and_changes_no_number():
    source = _study_input()
    translated = translate_calculation_input(source, translator_for(TRANSLATIONS, "en"))
    product = translated.products[0]
    assert product.functional_unit == "1 unit"
    assert product.name == "低压成套开关设备"            # no translation given: as entered
    assert product.activities[0].name == "Production electricity"
    a, b = calculate_study(source).products[0], calculate_study(translated).products[0]
    assert b.total_kgco2e == a.total_kgco2e == 1000 * 0.5366 / 10  # 53.66 kgCO2e per unit
    assert b.activities[0].name == "Production electricity"
    # nothing to translate: the very same input comes back
    assert translate_calculation_input(source, Translator("en")) is source


def test_translating_narrative_facts_renames_the_company_products_stages_and_activities():
    facts = NarrativeFacts(
        company="中电华骋科技有限公司", standards=("ISO 14067",), boundary="cradle_to_gate",
        period_start=None, period_end=None, gwp_set="AR5",
        products=(NarrativeProduct(code="LV", name="低压成套开关设备", functional_unit="1 台",
                                   stages=(NarrativeStage("production", included="生产用电"),)),),
    )
    tr = translator_for({"en": {"terms": {"中电华骋科技有限公司": "Zhongdian Huacheng", "1 台": "1 unit",
                                          "低压成套开关设备": "LV switchgear", "生产用电": "Electricity"}}}, "en")
    out = translate_narrative_facts(facts, tr)
    assert out.company == "Zhongdian Huacheng"
    assert (out.products[0].name, out.products[0].functional_unit) == ("LV switchgear", "1 unit")
    assert out.products[0].stages[0].included == "Electricity"
