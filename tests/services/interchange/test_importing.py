"""Import of pcf-study/1: all or nothing, every problem with its place, --replace."""

import copy
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from footprint.models import ActivityRecord, EmissionFactor, Product, Study
from footprint.services.interchange.document import Document, FormatError
from footprint.services.interchange.exporting import study_to_document
from footprint.services.interchange.importing import (
    ImportRejected,
    StudyExists,
    import_file,
    import_study,
    preview_document,
)
from footprint.services.interchange.reading import read_json
from footprint.services.interchange.writing import write_workbook
from tests.conftest import SEED_JSON


@pytest.fixture
def seed_doc():
    return json.loads(SEED_JSON.read_text(encoding="utf-8"))


def test_seed_document_imports_whole(reference_data, seed_doc):
    study = import_study(Document(seed_doc))
    assert study.report_number == "202508175GHG"
    assert [sp.product.code for sp in study.study_products.all()] == ["LV", "HV"]
    assert ActivityRecord.objects.filter(stage__study_product__study=study).count() == 10
    # each product always has its six lifecycle stages
    assert all(sp.stages.count() == 6 for sp in study.study_products.all())
    # the document's factors are identical to the library's: reused, not duplicated
    assert EmissionFactor.objects.filter(code="CN-GRID-2022").count() == 1


def test_every_problem_is_reported_and_nothing_is_written(reference_data, seed_doc):
    bad = copy.deepcopy(seed_doc)
    bad["gwp_set"] = "AR9"
    lv = bad["products"][0]["activities"]
    lv[0]["quantity"] = -1
    lv[1]["unit"] = "bananas"
    lv[2]["factor"] = "NO-SUCH-FACTOR"
    lv[3]["allocation"] = 1.5
    lv[4]["unit"] = "kg"  # kg × kg/kWh is not a mass
    with pytest.raises(ImportRejected) as info:
        import_study(Document(bad))
    text = "\n".join(str(p) for p in info.value.problems)
    assert "gwp_set" in text
    assert "products[0].activities[0].quantity" in text
    assert "products[0].activities[1].unit" in text and "bananas" in text
    assert "NO-SUCH-FACTOR" in text
    assert "products[0].activities[3].allocation" in text
    assert "products[0].activities[4].unit" in text and "kg/kWh" in text
    assert len(info.value.problems) == 6
    assert not Study.objects.exists()
    assert not ActivityRecord.objects.exists()


def test_workbook_problems_name_sheet_row_and_column(reference_data, seed_doc):
    bad = copy.deepcopy(seed_doc)
    bad["products"][1]["activities"][2]["quantity"] = "lots"
    content = write_workbook(bad)
    with pytest.raises(ImportRejected) as info:
        import_file("study.xlsx", content)
    [problem] = info.value.problems
    # row 1: the codes, row 2: the column names; LV has 5 activities (rows 3–7), HV's third
    # activity is row 10 of the activities sheet
    assert problem.location == "工作表 activities 第 10 行，列 quantity（活动数据）"
    assert "lots" in problem.message


def test_reimport_asks_for_replace(reference_data, seed_doc):
    import_study(Document(seed_doc))
    with pytest.raises(StudyExists, match="--replace"):
        import_study(Document(seed_doc))
    changed = copy.deepcopy(seed_doc)
    changed["products"][0]["activities"] = changed["products"][0]["activities"][:2]
    study = import_study(Document(changed), replace=True)
    assert Study.objects.count() == 1
    assert ActivityRecord.objects.filter(stage__study_product__study=study).count() == 7


def test_not_json_and_wrong_extension_are_format_errors():
    with pytest.raises(FormatError):
        read_json(b"{not json")
    with pytest.raises(FormatError):
        import_file("study.csv", b"a,b")
    with pytest.raises(FormatError):
        import_file("study.xlsx", b"not a zip")


def test_factor_differing_from_library_becomes_a_new_version(reference_data, seed_doc):
    doc = copy.deepcopy(seed_doc)
    doc["factors"][0]["value"] = 0.5400
    study = import_study(Document(doc))
    versions = EmissionFactor.objects.filter(code="CN-GRID-2022").order_by("version")
    assert [(f.version, f.is_current) for f in versions] == [(1, True), (2, False)]
    used = ActivityRecord.objects.filter(stage__study_product__study=study).values_list("factor__version", flat=True)
    assert set(used) == {1, 2}  # diesel rows use CN-DIESEL v1; grid rows the new v2
    assert EmissionFactor.objects.get(code="CN-GRID-2022", version=1).value == Decimal("0.5366")


def test_activity_may_use_a_library_factor_the_document_does_not_define(reference_data, seed_doc):
    doc = copy.deepcopy(seed_doc)
    doc["products"][0]["activities"][0]["factor"] = "CN-GRID-2023"
    study = import_study(Document(doc))
    row = ActivityRecord.objects.filter(stage__study_product__study=study).order_by("position").first()
    assert row.factor.code == "CN-GRID-2023"


def test_preview_lists_what_would_be_created(reference_data, seed_doc):
    preview = preview_document(Document(seed_doc))
    assert preview.ok
    assert preview.existing_study is None
    assert preview.new_products == ["LV", "HV"]
    assert sorted(preview.reused_factors) == ["CN-DIESEL", "CN-GRID-2022"]
    assert preview.clean.activity_count == 10
    assert not Study.objects.exists()


def test_round_trip_export_import_export_is_identical(reference_data, seed_doc):
    study = import_study(Document(seed_doc))
    first = study_to_document(study, for_licensee=True)
    Study.objects.all().delete()
    again = import_study(Document(copy.deepcopy(first)))
    assert study_to_document(again, for_licensee=True) == first


def test_round_trip_through_the_workbook(reference_data, seed_doc):
    study = import_study(Document(seed_doc))
    first = study_to_document(study, for_licensee=True)
    content = write_workbook(first)
    Study.objects.all().delete()
    again = import_file("again.xlsx", content)
    assert study_to_document(again, for_licensee=True) == first


def test_energy_using_is_imported_exported_and_kept_by_the_workbook(reference_data, seed_doc):
    """`energy_using` (an optional product key): the seed's switchgear uses energy in use."""
    doc = copy.deepcopy(seed_doc)
    doc["products"][1]["energy_using"] = False
    study = import_study(Document(doc))
    assert [(sp.product.code, sp.product.energy_using) for sp in study.study_products.all()] == [
        ("LV", True), ("HV", False)]
    exported = study_to_document(study, for_licensee=True)
    assert exported["products"][0]["energy_using"] is True
    assert "energy_using" not in exported["products"][1]  # false is the default, not written
    content = write_workbook(exported)
    Study.objects.all().delete()
    Product.objects.all().delete()
    again = import_file("again.xlsx", content)
    assert [sp.product.energy_using for sp in again.study_products.all()] == [True, False]
    assert study_to_document(again, for_licensee=True) == exported


def test_energy_using_accepts_workbook_spellings_and_rejects_others(reference_data, seed_doc):
    for value, expected in (("是", True), (1, True), ("FALSE", False), ("否", False), (None, False)):
        doc = copy.deepcopy(seed_doc)
        doc["products"][0]["energy_using"] = value
        preview = preview_document(Document(doc))
        assert preview.problems == [] and preview.clean.products[0].fields["energy_using"] is expected
    doc = copy.deepcopy(seed_doc)
    doc["products"][0]["energy_using"] = "maybe"
    [problem] = preview_document(Document(doc)).problems
    assert problem.location == "products[0].energy_using"
    assert problem.message == "应为 true 或 false，而不是 maybe。"


def test_a_factors_licence_is_imported_exported_and_kept_by_the_workbook(reference_data, seed_doc):
    """`licence_note` and `redistribution_allowed` (optional factor keys, as in the library's
    own import format): a study moved between installations keeps its factors' licences."""
    doc = copy.deepcopy(seed_doc)
    doc["factors"][0].update(value=0.5400, licence_note="CLCD 许可：不得转载明细",
                             redistribution_allowed=False)
    study = import_study(Document(doc))
    v2 = EmissionFactor.objects.get(code="CN-GRID-2022", version=2)
    assert (v2.licence_note, v2.redistribution_allowed) == ("CLCD 许可：不得转载明细", False)
    assert EmissionFactor.objects.get(code="CN-DIESEL").redistribution_allowed is True  # left out
    exported = study_to_document(study, for_licensee=True)
    grid, diesel = (next(f for f in exported["factors"] if f["code"] == code)
                    for code in ("CN-GRID-2022", "CN-DIESEL"))
    assert (grid["licence_note"], grid["redistribution_allowed"]) == ("CLCD 许可：不得转载明细", False)
    assert "redistribution_allowed" not in diesel and "licence_note" not in diesel
    content = write_workbook(exported)
    Study.objects.all().delete()
    again = import_file("again.xlsx", content)
    assert study_to_document(again, for_licensee=True) == exported


def test_a_documents_licence_restriction_is_not_lost_to_an_allowed_library_factor(reference_data, seed_doc):
    """The seed's grid factor has the library's numbers: it is reused — unless the document
    forbids redistribution and the library version allows it; then it is a version of its own."""
    doc = copy.deepcopy(seed_doc)
    doc["factors"][0].update(licence_note="CLCD", redistribution_allowed=False)
    preview = preview_document(Document(doc))
    assert "CN-GRID-2022" in preview.new_factors and "CN-DIESEL" in preview.reused_factors
    study = import_study(Document(doc))
    used = {f.code: f for f in EmissionFactor.objects.filter(activities__stage__study_product__study=study)}
    assert (used["CN-GRID-2022"].version, used["CN-GRID-2022"].redistribution_allowed) == (2, False)
    assert EmissionFactor.objects.get(code="CN-GRID-2022", version=1).is_current  # the library's stays
    # once the library holds the restricted version, the same document reuses it
    Study.objects.all().delete()
    again = import_study(Document(copy.deepcopy(doc)))
    assert EmissionFactor.objects.filter(code="CN-GRID-2022").count() == 2
    assert {f.version for f in EmissionFactor.objects.filter(
        code="CN-GRID-2022", activities__stage__study_product__study=again)} == {2}


def test_a_factor_number_with_more_decimals_than_its_column_is_a_problem_not_a_crash(reference_data, seed_doc):
    """A factor row is checked by the model before it is saved: a value of 15 decimals (a
    computed float) once passed validation and failed there. Now it is reported, with room."""
    doc = copy.deepcopy(seed_doc)
    doc["factors"][0]["value"] = 0.123456789012345
    doc["factors"][1]["derived_from"]["oxidation_rate"] = 0.9812345
    doc["factors"][0].update(distribution="normal", distribution_sd=0.00000000001)
    doc["factors"][1].update(distribution="lognormal", distribution_gsd2=1234567)
    # rows are bulk-created without full_clean: PostgreSQL would have refused the number
    doc["products"][0]["activities"][0].update(distribution="lognormal", distribution_gsd2=1234567)
    preview = preview_document(Document(doc))
    assert [(p.location, p.message) for p in preview.problems] == [
        ("factors[0].value", "最多 10 位小数（当前为 0.123456789012345）。"),
        ("factors[0].distribution_sd", "最多 10 位小数（当前为 1e-11）。"),
        ("factors[1].derived_from.oxidation_rate", "最多 6 位小数（当前为 0.9812345）。"),
        ("factors[1].distribution_gsd2", "数字过大：整数部分最多 6 位。"),
        ("products[0].activities[0].distribution_gsd2", "数字过大：整数部分最多 6 位。"),
    ]
    with pytest.raises(ImportRejected):
        import_study(Document(doc))
    # ten decimals, and trailing zeros beyond them, are room enough
    doc = copy.deepcopy(seed_doc)
    doc["factors"][0]["value"] = "0.536600000000"
    assert preview_document(Document(doc)).problems == []


def test_round_trip_keeps_two_versions_of_one_code_apart(reference_data, seed_doc):
    doc = copy.deepcopy(seed_doc)
    doc["factors"].append({**doc["factors"][0], "version": 2, "value": 0.55})
    doc["products"][0]["activities"][0]["factor_version"] = 2
    doc["factors"][0]["version"] = 1
    for p in doc["products"]:
        for a in p["activities"]:
            if a["factor"] == "CN-GRID-2022" and "factor_version" not in a:
                a["factor_version"] = 1
    study = import_study(Document(doc))
    first = study_to_document(study, for_licensee=True)
    assert sorted(f.get("version") for f in first["factors"] if f["code"] == "CN-GRID-2022") == [1, 2]
    Study.objects.all().delete()
    assert study_to_document(import_study(Document(copy.deepcopy(first))), for_licensee=True) == first


def test_the_english_wording_travels_with_the_study(reference_data, seed_doc):
    """`translations` (an extension of pcf-study/1): imported, exported, kept by the workbook."""
    study = import_study(Document(seed_doc))
    en = study.translations["en"]
    assert en["terms"]["低压成套开关设备"] == "Low-voltage switchgear assembly"
    assert en["texts"]["allocation"].startswith("The plant meters electricity")
    assert study_to_document(study, for_licensee=True)["translations"] == seed_doc["translations"]
    content = write_workbook(study_to_document(study, for_licensee=True))
    Study.objects.all().delete()
    again = import_file("again.xlsx", content)
    assert again.translations == study.translations


def test_bad_translations_are_reported_with_their_place(reference_data, seed_doc):
    bad = copy.deepcopy(seed_doc)
    bad["translations"] = {
        "fr": {"terms": {"生产用电": "Électricité"}},
        "en": {"texts": {"preface": "x", "allocation": 42.5, "title": {"no": "object"}},
               "terms": {"生产用电": ["a list"]}, "notes": "?"},
    }
    with pytest.raises(ImportRejected) as info:
        import_study(Document(bad))
    text = "\n".join(str(p) for p in info.value.problems)
    assert "translations.fr" in text and "en" in text            # unsupported language
    assert "translations.en.texts.preface" in text               # unknown passage
    assert "translations.en.texts.title" in text                 # not text
    assert "translations.en.terms.生产用电" in text               # not text
    assert "translations.en.notes" in text                       # unknown field
    assert len(info.value.problems) == 5, text
    assert not Study.objects.exists()


def test_translations_sheet_problems_name_their_row(reference_data, seed_doc):
    doc = copy.deepcopy(seed_doc)
    doc["translations"] = {"en": {"texts": {"purpose": "Why."}, "terms": {"生产用电": "Electricity"}}}
    content = write_workbook(doc)
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    wb["translations"].append(["en", "text", "preface", "Not a section"])
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(ImportRejected) as info:
        import_file("study.xlsx", out.getvalue())
    [problem] = info.value.problems
    assert problem.location.startswith("工作表 translations 第 5 行")  # below codes and names
    assert "preface" in problem.message or "purpose" in problem.message


# ------------------------------------------------------------------ claims of the report
def test_the_seed_claims_import_with_their_printed_decimals(reference_data, seed_doc):
    from footprint.models import StudyClaim

    study = import_study(Document(seed_doc))
    claims = StudyClaim.objects.filter(study=study)
    assert claims.count() == len(seed_doc["claims"]) == 59
    eol = claims.get(place="表 5.2-2", level="stage", stage="end_of_life")
    assert (eol.study_product.product.code, eol.value, eol.decimals) == ("HV", Decimal("24.16"), 3)
    assert eol.printed_value == "24.160" and eol.unit == "tCO₂e/件"
    diesel = claims.get(place="表 4.2-1", factor_code="CN-DIESEL")
    assert (diesel.level, diesel.printed_value, diesel.unit) == ("factor", "0.0726", "kg/kg")
    grid = claims.get(place="4.3")
    assert grid.study_product is None and grid.factor_code == "CN-GRID-2022"


def test_a_json_number_keeps_the_decimals_it_was_written_with(reference_data, seed_doc):
    from footprint.models import StudyClaim

    doc = copy.deepcopy(seed_doc)
    doc["claims"] = [{"level": "product", "product": "HV", "value": "VALUE", "unit": "kgCO₂e/台",
                      "place": "摘要"}]
    text = json.dumps(doc, ensure_ascii=False).replace('"VALUE"', "234.370")
    import_study(read_json(text.encode()))
    claim = StudyClaim.objects.get()
    assert claim.decimals == 3 and claim.printed_value == "234.370"


def test_bad_claims_are_reported_with_their_json_path(reference_data, seed_doc):
    bad = copy.deepcopy(seed_doc)
    bad["claims"] = [
        {"level": "total", "product": "LV", "value": 1, "unit": "kgCO₂e/台", "place": "摘要"},
        {"level": "stage", "product": "XX", "stage": "distribution", "value": 1, "unit": "kgCO₂e/台", "place": "摘要"},
        {"level": "stage", "product": "LV", "value": "a lot", "unit": "kWh", "place": "摘要"},
        {"level": "factor", "factor": "CN-DIESEL", "value": 0.0726, "unit": "kg/kWh", "place": "表 4.2-1"},
        {"level": "share", "product": "LV", "stage": "production", "value": 0.35, "unit": "kg", "place": ""},
        {"level": "product", "product": "LV", "value": "1.0000000000001", "unit": "kgCO₂e/台", "place": "摘要"},
    ]
    with pytest.raises(ImportRejected) as info:
        import_study(Document(bad))
    problems = {p.location: p.message for p in info.value.problems}
    assert "claims[0].level" in problems
    assert "XX" in problems["claims[1].product"]
    assert "claims[2].stage" in problems and "a lot" in problems["claims[2].value"]
    assert "kWh" in problems["claims[2].unit"]
    # kg/kWh cannot be turned into CN-DIESEL's kg/kg
    assert "kg/kg" in problems["claims[3].unit"]
    assert "claims[4].unit" in problems and "claims[4].place" in problems
    assert "12" in problems["claims[5].value"]
    assert len(info.value.problems) == 9
    assert not Study.objects.exists()


def test_claims_sheet_problems_name_their_row_and_column(reference_data, seed_doc):
    bad = copy.deepcopy(seed_doc)
    bad["claims"][3]["stage"] = "shipping"
    with pytest.raises(ImportRejected) as info:
        import_file("study.xlsx", write_workbook(bad))
    [problem] = info.value.problems
    assert problem.location == "工作表 claims 第 6 行，列 stage（生命周期阶段）"  # below codes and names
    assert "shipping" in problem.message


def test_claims_round_trip_as_printed(reference_data, seed_doc):
    study = import_study(Document(seed_doc))
    document = study_to_document(study, for_licensee=True)
    # the document's claims come back exactly, trailing zeros included
    assert document["claims"] == seed_doc["claims"]
    Study.objects.all().delete()
    again = import_file("again.xlsx", write_workbook(document))
    assert study_to_document(again, for_licensee=True)["claims"] == seed_doc["claims"]
def _sent_and_back_in_draft(study):
    """Sent to the company, commented on, and withdrawn to draft again."""
    from footprint.models import Comment, User
    from footprint.services.workflow import transitions

    auditor = User.objects.create_user(username="aud", password="x", role="auditor")
    study.auditors.add(auditor)
    # Sent before (an incomplete study cannot be sent any more: services/workflow/readiness.py).
    Study.objects.filter(pk=study.pk).update(status="client_review", sent_to_client_at=timezone.now())
    Comment.objects.create(study=study, author=auditor, text="请核对")
    transitions.study_withdraw(study=study, user=auditor)
    return Study.objects.get(pk=study.pk)


def test_replacing_never_moves_a_study_that_was_sent_to_another_company(reference_data, seed_doc):
    study = _sent_and_back_in_draft(import_study(Document(copy.deepcopy(seed_doc))))
    moved = copy.deepcopy(seed_doc)
    moved["company"]["name"] = "另一家企业"
    with pytest.raises(ImportRejected) as refused:
        import_study(Document(moved), replace=True)
    [problem] = refused.value.problems
    assert problem.location == "company.name"
    assert "已发送给企业“中电华骋科技有限公司”审阅，不能改为企业“另一家企业”" in problem.message
    study.refresh_from_db()
    assert study.company.name == "中电华骋科技有限公司"
    assert study.comments.count() == 1 and study.transitions.count() == 1
    assert not study.company.__class__.objects.filter(name="另一家企业").exists()


def test_the_preview_already_says_so(reference_data, seed_doc):
    _sent_and_back_in_draft(import_study(Document(copy.deepcopy(seed_doc))))
    moved = copy.deepcopy(seed_doc)
    moved["company"]["name"] = "另一家企业"
    preview = preview_document(Document(moved))
    assert not preview.ok
    assert [p.location for p in preview.problems] == ["company.name"]


def test_a_draft_never_sent_may_still_be_replaced_with_another_company(reference_data, seed_doc):
    study = import_study(Document(copy.deepcopy(seed_doc)))
    moved = copy.deepcopy(seed_doc)
    moved["company"]["name"] = "另一家企业"
    again = import_study(Document(moved), replace=True)
    assert again.pk == study.pk and again.company.name == "另一家企业"


def test_an_auditor_importing_a_study_is_assigned_to_it(reference_data, seed_doc, auditor):
    study = import_study(Document(seed_doc), user=auditor)
    assert list(study.auditors.all()) == [auditor]
