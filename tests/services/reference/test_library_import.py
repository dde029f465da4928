"""Importing a factor library: preview (new / changed / unchanged / rejected with row, column and
reason), new versions instead of edits, all or nothing, and export → import round trips."""

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from footprint.models import EmissionFactor
from footprint.services.interchange.document import FormatError
from footprint.services.reference.library_import import (
    LibraryRejected,
    import_library,
    library_export,
    preview_library,
)

SHARED = Path("/work/shared/reference")
REFERENCE = Path(__file__).resolve().parents[3] / "footprint" / "data" / "reference"
HEADER = ("code,name_zh,name_en,category,value,numerator_unit,denominator_unit,gas,region,"
          "data_year,source,published,notes")


def csv(*rows: str, header: str = HEADER) -> tuple[str, bytes]:
    return ("library.csv", ("\n".join([header, *rows]) + "\n").encode())


STEEL = "MAT-STEEL,热轧钢,hot-rolled steel,material,2.150,kg CO2e,kg,CO2e,CN,2022,某数据库 2024 版,2024-01,"


@pytest.mark.django_db
def test_the_preview_sorts_new_changed_unchanged_and_rejected_rows(reference_data):
    preview = preview_library([csv(
        STEEL,                                                                   # row 2: new
        "CN-GRID-2022,全国电力平均二氧化碳排放因子,China national grid average electricity,"
        "electricity,0.5400,kg CO2,kWh,CO2,CN,2022,生态环境部 国家统计局《关于发布2022年电力二氧化碳排放因子的公告》,"
        "2024-12-20,the factor the seed report states",                          # row 3: changed value
        "CN-GRID-2021,全国电力平均二氧化碳排放因子,China national grid average electricity,"
        "electricity,0.5568,kg CO2,kWh,CO2,CN,2021,生态环境部 国家统计局《关于发布2021年电力二氧化碳排放因子的公告》,"
        "2024-04-12,location-based",                                             # row 4: unchanged
        "BAD-UNIT,坏单位,,material,1.0,kg CO2e,bananas,CO2e,CN,2022,某数据库,,",    # row 5
        "BAD-CAT,错类别,,electricity,1.0,kg CO2e,kg,CO2e,CN,2022,某数据库,,",       # row 6
        "NO-SOURCE,无来源,,waste,0.3,kg CO2e,kg,CO2e,CN,2022,,,",                   # row 7
        "BAD-NUMBER,坏数字,,waste,abc,kg CO2e,kg,CO2e,CN,2022,某数据库,,",          # row 8
    )])
    assert [f["code"] for f in preview.new] == ["MAT-STEEL"]
    assert preview.new[0]["value"] == Decimal("2.150") and preview.new[0]["value_decimals"] == 3
    assert preview.new[0]["unit"] == "kg/kg"
    [change] = preview.changed
    assert change.code == "CN-GRID-2022" and change.changed == ("value",)
    assert change.current.value == Decimal("0.5366") and change.next_version == 2
    assert [f.code for f in preview.unchanged] == ["CN-GRID-2021"]
    rejected = {(r.row, r.column): r.reason for r in preview.rejected}
    assert set(rejected) == {(5, "denominator_unit"), (6, "denominator_unit"), (7, "source"),
                             (8, "value")}
    assert "无法识别的单位 bananas" in rejected[(5, "denominator_unit")]
    assert "与类别“电力”不符" in rejected[(6, "denominator_unit")]
    assert "缺少来源" in rejected[(7, "source")]
    assert "不是数字：abc" in rejected[(8, "value")]
    assert str(preview.rejected[0]).startswith("library.csv 第 5 行，列 denominator_unit")
    assert not preview.ok


@pytest.mark.django_db
def test_a_library_with_a_rejected_row_imports_nothing(reference_data):
    before = EmissionFactor.objects.count()
    with pytest.raises(LibraryRejected):
        import_library(files=[csv(STEEL, "NO-SOURCE,无来源,,waste,0.3,kg CO2e,kg,CO2e,CN,2022,,,")])
    assert EmissionFactor.objects.count() == before
    assert not EmissionFactor.objects.filter(code="MAT-STEEL").exists()


@pytest.mark.django_db
def test_a_failure_while_saving_rolls_back_every_row(reference_data, monkeypatch):
    """All or nothing even when the database refuses a row after others were written."""
    from footprint.services.reference import library_import

    def failing_revise(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(library_import, "factor_revise", failing_revise)
    before = EmissionFactor.objects.count()
    with pytest.raises(RuntimeError):
        import_library(files=[csv(STEEL, "CN-GRID-2023,全国电力平均二氧化碳排放因子,,electricity,0.5300,"
                                         "kg CO2,kWh,CO2,CN,2023,新来源,2026-01,")])
    assert EmissionFactor.objects.count() == before
    assert not EmissionFactor.objects.filter(code="MAT-STEEL").exists()


@pytest.mark.django_db
def test_a_changed_value_is_a_new_version_and_studies_keep_theirs(issued_seed_study_tiny, demo):
    from footprint.models import ActivityRecord, Study
    from footprint.services.results import study_results

    old = EmissionFactor.objects.get(code="CN-GRID-2022")
    draft = Study.objects.get(report_number="DEMO-2")
    users_of_old = set(ActivityRecord.objects.filter(factor=old).values_list("stage__study_product__study__report_number", flat=True))
    assert issued_seed_study_tiny.report_number in users_of_old
    issued_total = study_results(issued_seed_study_tiny).product("LV").total_kgco2e
    draft_totals = {p.code: p.total_kgco2e for p in study_results(draft).products}
    import_library(files=[csv(
        "CN-GRID-2022,全国电力平均二氧化碳排放因子,China national grid average electricity,electricity,"
        "0.5400,kg CO2,kWh,CO2,CN,2022,生态环境部 国家统计局《关于发布2022年电力二氧化碳排放因子的公告》,"
        "2024-12-20,corrected")])
    new = EmissionFactor.objects.get(code="CN-GRID-2022", version=2)
    old.refresh_from_db()
    assert new.is_current and new.value == Decimal("0.5400") and new.notes == "corrected"
    assert not old.is_current and old.value == Decimal("0.5366") and old.notes == "the factor the seed report states"
    assert set(ActivityRecord.objects.filter(factor=old).values_list(
        "stage__study_product__study__report_number", flat=True)) == users_of_old
    assert not ActivityRecord.objects.filter(factor=new).exists()
    issued_seed_study_tiny.refresh_from_db()
    assert study_results(issued_seed_study_tiny).product("LV").total_kgco2e == issued_total
    assert {p.code: p.total_kgco2e for p in study_results(draft).products} == draft_totals


@pytest.mark.django_db
def test_the_starter_library_files_read_back_unchanged(reference_data):
    files = [(p.name, p.read_bytes()) for p in (REFERENCE / "emission_factors_cn.csv",
                                                 REFERENCE / "fuel_defaults_cn.csv")]
    preview = preview_library(files)
    assert preview.ok and not preview.new and not preview.changed
    assert {f.code for f in preview.unchanged} == set(
        EmissionFactor.objects.values_list("code", flat=True))


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["library.csv", "library.xlsx"])
def test_export_then_import_shows_everything_unchanged(reference_data, name):
    factor = EmissionFactor.objects.get(code="CN-GRID-EAST-2023")
    # a distribution, a licence and text a spreadsheet would take for a formula
    from footprint.services.reference.factors import factor_update

    factor_update(factor=factor, changes={
        "distribution": "lognormal", "distribution_gsd2": Decimal("1.12"),
        "licence_note": "=HYPERLINK(\"http://x\") 仅供内部使用", "redistribution_allowed": False,
        "notes": "-3 dB", "source": "@source"})
    import_library(files=[csv(
        STEEL, "TR-TRUCK,重型货车运输,heavy truck,transport,0.0780,kg CO2e,t*km,CO2e,CN,2022,某数据库,,")])
    files = library_export(name)
    if name.endswith(".csv"):
        assert set(files) == {"library.csv", "library-fuels.csv"}
        text = files["library.csv"].decode("utf-8-sig")
        assert "'=HYPERLINK" in text and "'-3 dB" in text and "'@source" in text
        assert "0.5500" in text and "2.150" in text and "kg/(t*km)" not in text and "t*km" in text
    else:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(files[name]))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c for c in cells if c.data_type == "f"]
        assert any(c.value == "=HYPERLINK(\"http://x\") 仅供内部使用" and c.quotePrefix for c in cells)
        assert wb.sheetnames == ["factors", "fuels"]
    preview = preview_library(list(files.items()))
    assert preview.ok and not preview.new and not preview.changed, (preview.changed, preview.rejected)
    assert len(preview.unchanged) == EmissionFactor.objects.filter(is_current=True).count()


@pytest.mark.django_db
def test_fuel_factors_in_the_shape_of_fuel_defaults(reference_data):
    header = ("code,name_zh,name_en,ncv_value,ncv_unit,carbon_content_tC_per_TJ,oxidation_rate,"
              "source,notes")
    preview = preview_library([("fuels.csv", (
        f"{header}\n"
        "CN-GASOLINE,汽油,gasoline,44.800,GJ/t,18.90,0.98,《指南》缺省值,\n"
        "BAD-FUEL,坏燃料,,44.8,GJ/bananas,18.9,1.5,《指南》缺省值,\n").encode())])
    [fields] = preview.new
    assert fields["ncv"] == "44.800 GJ/t" and fields["carbon_content"] == "18.90 t/TJ"
    assert fields["unit"] == "kg/kg" and fields["value"] is None and fields["category"] == "fuel"
    rejected = {(r.row, r.column) for r in preview.rejected}
    assert rejected == {(3, "ncv_unit"), (3, "oxidation_rate")}
    import_library(files=[("fuels.csv", f"{header}\nCN-GASOLINE,汽油,gasoline,44.800,GJ/t,18.90,0.98,《指南》缺省值,\n".encode())])
    from footprint.services.reference.factors import factor_value

    # 44.800 GJ/t × 18.90 t/TJ × 0.98 × 44/12 = 3.0426 kg/kg (by hand: 0.0448 × 18.9 = 0.84672;
    # × 0.98 = 0.8297856; × 3.6667 = 3.04255)
    assert factor_value(EmissionFactor.objects.get(code="CN-GASOLINE")) == pytest.approx(3.04255, rel=1e-4)


@pytest.mark.django_db
def test_duplicates_uncertainty_and_licence_columns(reference_data):
    header = HEADER + ",distribution,distribution_gsd2,licence_note,redistribution_allowed"
    preview = preview_library([csv(
        STEEL + ",lognormal,1.2,CLCD 许可：不得转载,no",
        STEEL + ",,,,",
        "MAT-CU,铜,copper,material,4.1,kg CO2e,kg,CO2e,CN,2022,某数据库,,,normal,,,maybe",
        header=header)])
    [steel] = preview.new
    assert steel["distribution"] == "lognormal" and steel["distribution_gsd2"] == Decimal("1.2")
    assert steel["licence_note"] == "CLCD 许可：不得转载" and steel["redistribution_allowed"] is False
    rejected = {(r.row, r.column): r.reason for r in preview.rejected}
    assert "重复" in rejected[(3, "code")]
    assert (4, "distribution_sd") in rejected and (4, "redistribution_allowed") in rejected


@pytest.mark.django_db
def test_a_value_with_more_decimals_than_the_library_holds_is_rejected_not_rounded(reference_data):
    """The value column holds 10 decimals: 15 are refused at their cell (the check once asked a
    helper capped at 10, and let them through to be rounded on saving); 10 pass."""
    def with_value(value):
        row = STEEL.split(",")
        row[4] = value
        return ",".join(row)

    preview = preview_library([csv(with_value("2.123456789012345"))])
    assert preview.new == [] and [(r.column, r.reason) for r in preview.rejected] == [
        ("value", "小数位数不能超过 10 位。")]
    [steel] = preview_library([csv(with_value("2.1234567890"))]).new
    assert steel["value"] == Decimal("2.1234567890") and steel["value_decimals"] == 10


@pytest.mark.django_db
@pytest.mark.parametrize("name,content,message", [
    ("x.txt", b"a,b", "不支持的文件类型"),
    ("x.csv", b"a,b\n1,2\n", "没有排放因子表"),
    ("x.csv", b"code,value\nA,1\n", "缺少必需的列"),
    ("x.csv", b"code\x00,value", "NUL"),
    ("x.xlsx", b"not a zip", "无法读取 Excel 工作簿"),
])
def test_unreadable_files_are_refused_with_a_message(reference_data, name, content, message):
    with pytest.raises(FormatError, match=message):
        preview_library([(name, content)])


@pytest.mark.django_db
def test_a_workbook_declaring_entities_is_refused(reference_data):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>')
    with pytest.raises(FormatError, match="DTD"):
        preview_library([("bomb.xlsx", buffer.getvalue())])


@pytest.mark.django_db
def test_a_csv_past_the_row_limit_is_refused(reference_data, monkeypatch):
    from footprint.services.reference import library_format

    monkeypatch.setattr(library_format, "LIBRARY_MAX_ROWS", 3)
    with pytest.raises(FormatError, match="超过 3 行"):
        preview_library([csv(STEEL, STEEL.replace("MAT-STEEL", "A"), STEEL.replace("MAT-STEEL", "B"))])


@pytest.mark.django_db
def test_the_demo_library_holds_the_example_set_marked_as_example_data(demo):
    examples = EmissionFactor.objects.filter(code__startswith="EX-")
    assert examples.count() == 12
    assert all(f.source == "示例数据 / example data — not for real studies" for f in examples)
    categories = set(examples.values_list("category", flat=True))
    assert categories == {"material", "transport", "waste"}
    truck = examples.get(code="EX-TR-TRUCK-HEAVY")
    assert truck.unit == "kg/(t*km)" and truck.value == Decimal("0.0780") and truck.value_decimals == 4
    assert examples.get(code="EX-WATER-TAP").unit == "kg/m³"
    assert not examples.get(code="EX-MAT-EPOXY").redistribution_allowed
    # loading the demo again changes nothing
    from footprint.services.demo.seed import load_demo

    count = EmissionFactor.objects.count()
    load_demo()
    assert EmissionFactor.objects.count() == count
