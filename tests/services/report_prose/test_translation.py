"""The English wording of a study's own text (services/report_prose/translation.py): pure rules."""

from footprint.services.calculation.study import (
    ActivityInput,
    FactorInput,
    ProductInput,
    StageInput,
    StudyInput,
    calculate_study,
)
from footprint.services.facts.model import (
    ActivityFacts,
    ClaimFacts,
    CompanyFacts,
    FactorFacts,
    PersonFacts,
    ProductFacts,
    StageFacts,
    StudyFacts,
)
from footprint.services.report_prose.translation import (
    Translator,
    needs_translation,
    normalise,
    report_terms,
    translate_calculation_input,
    translate_facts,
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


def _facts() -> StudyFacts:
    return StudyFacts(
        report_number="R-1", title="开关设备碳足迹", standards=("ISO 14067",), period_start=None,
        period_end=None, gwp_set="AR5", boundary="cradle_to_gate", status="draft",
        company=CompanyFacts("中电华骋科技有限公司", credit_code="91320000", address="南京",
                             overview="企业简介"),
        certification_body="",
        texts={"purpose": "评价目的"},
        products=(ProductFacts(
            code="LV", name="低压成套开关设备", functional_unit="1 台", annual_output=10,
            stages=(StageFacts("production", included="生产用电"),),
            activities=(ActivityFacts(1, "production", "生产用电", 1000, "kWh", "F@1",
                                      source="电表"),
                        ActivityFacts(2, "production", "生产用电", 5, "kWh", "F@1")),
        ),),
        factors={"F@1": FactorFacts("F@1", "F", "华东电网", "kg/kWh", "CO2", 0.5, "生态环境部",
                                    region="华东")},
        team=(PersonFacts("张三", "核查机构", "C-1", "组长"),),
        auditors=(PersonFacts("李四"),),
        claims=(ClaimFacts("表 5-1", "kgCO₂e/台"),),
    )


def test_translating_the_facts_translates_every_text_of_the_study_once():
    tr = translator_for({"en": {
        "texts": {"title": "Switchgear CFP", "purpose": "Purpose."},
        "terms": {"中电华骋科技有限公司": "Zhongdian Huacheng", "1 台": "1 unit", "南京": "Nanjing",
                  "低压成套开关设备": "LV switchgear", "生产用电": "Electricity", "华东": "East China",
                  "组长": "Team leader", "表 5-1": "Table 5-1"}}}, "en")
    out = translate_facts(_facts(), tr)
    assert (out.title, out.texts["purpose"]) == ("Switchgear CFP", "Purpose.")
    assert (out.company.name, out.company.address) == ("Zhongdian Huacheng", "Nanjing")
    assert out.company.credit_code == "91320000"            # codes stay as entered
    assert out.company.overview == "企业简介"                # no English passage: as entered
    assert (out.products[0].name, out.products[0].functional_unit) == ("LV switchgear", "1 unit")
    assert out.products[0].stages[0].included == "Electricity"
    assert [a.name for a in out.products[0].activities] == ["Electricity", "Electricity"]
    assert out.factors["F@1"].region == "East China" and out.factors["F@1"].unit == "kg/kWh"
    assert out.team[0].role == "Team leader" and out.claims[0].place == "Table 5-1"
    # nothing to translate: the very same facts come back
    assert translate_facts(_facts(), Translator("en")) == _facts()


def test_the_report_terms_are_every_short_text_once_in_report_order():
    assert report_terms(_facts()) == [
        "中电华骋科技有限公司", "南京", "低压成套开关设备", "1 台", "生产用电", "电表",
        "华东", "生态环境部", "华东电网", "张三", "核查机构", "组长", "表 5-1", "kgCO₂e/台", "李四",
    ]
