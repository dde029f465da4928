"""The workbook as a person reads it (footprint/services/interchange/workbook_layout.py): column names in
the study's language over the format's hidden codes, drop-down lists, sized columns, a read-me
sheet — and still the same document after export → import → export, while workbooks written
before (codes in row 1, data from row 2) are read as they always were."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from footprint.models import Study
from footprint.services.interchange.exporting import study_to_document, study_to_workbook
from footprint.services.interchange.importing import import_file
from footprint.services.interchange.reading import read_file
from footprint.services.interchange.writing import write_workbook

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"


@pytest.fixture
def book(seed_study):
    return load_workbook(io.BytesIO(study_to_workbook(seed_study, for_licensee=True)))


def _without_names_row(content: bytes) -> bytes:
    """The same workbook as it was written before the names row: codes in row 1, data from 2."""
    wb = load_workbook(io.BytesIO(content))
    for title in ("factors", "products", "stages", "activities", "team", "claims", "translations"):
        if title in wb.sheetnames:
            wb[title].delete_rows(2)
            wb[title].row_dimensions[1].hidden = False
    for title in ("readme", "lists"):
        del wb[title]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_column_names_in_the_study_s_language_over_hidden_codes(book, seed_study):
    activities = book["activities"]
    codes = [c.value for c in activities[1]]
    names = [c.value for c in activities[2]]
    assert codes[:5] == ["product", "stage", "name", "quantity", "unit"]
    assert names[:5] == ["产品代码", "生命周期阶段", "活动名称", "活动数据", "单位"]
    assert activities.row_dimensions[1].hidden and activities.freeze_panes == "A3"
    # an English study's workbook speaks English
    Study.objects.filter(pk=seed_study.pk).update(language="en")
    english = load_workbook(io.BytesIO(study_to_workbook(Study.objects.get(pk=seed_study.pk), for_licensee=True)))
    assert [c.value for c in english["activities"][2]][2:4] == ["Activity", "Activity data"]
    # the study sheet names each key, and gives the labels of coded values
    study = {row[0].value: row[2].value for row in book["study"].iter_rows(min_row=2)}
    assert study["report_number"] == "报告编号"
    assert study["boundary"].endswith("cradle_to_grave（摇篮到坟墓）")


def test_drop_down_lists_for_the_coded_columns(book):
    activities = book["activities"]
    codes = [c.value for c in activities[1]]
    lists = book["lists"]
    assert lists.sheet_state == "hidden"
    found = {}
    for validation in activities.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        code = codes[ord(column) - ord("A")]
        sheet, cells = validation.formula1.split("!")
        first, last = (int(part.rsplit("$", 1)[1]) for part in cells.split(":"))
        letter = cells.split("$")[1]
        found[code] = ([lists[f"{letter}{row}"].value for row in range(first, last + 1)],
                       validation.showErrorMessage)
        assert str(validation.sqref).startswith(f"{column}3:")  # below the two header rows
    assert found["stage"] == (["raw_material_acquisition", "raw_material_transport", "production",
                               "distribution", "use", "end_of_life"], True)
    assert found["basis"] == (["annual_total", "per_unit"], True)
    assert found["data_type"] == (["primary", "secondary"], True)
    assert "kWh" in found["unit"][0] and found["unit"][1] is False  # other units allowed
    assert found["factor"] == (["CN-DIESEL", "CN-GRID-2022"], False)


def test_columns_are_sized_and_a_readme_explains_every_column(book):
    assert book.sheetnames[0] == "readme"
    readme = [tuple(r) for r in book["readme"].iter_rows(values_only=True)]
    explained = {(r[0], r[1]): r for r in readme if r and r[0] in ("activities", "products")}
    for code in ("product", "stage", "name", "quantity", "unit", "basis", "factor", "allocation",
                 "data_type", "source"):
        sheet, column, name, _help = explained[("activities", code)]
        assert name
    assert "annual_total" in explained[("activities", "basis")][3]
    widths = book["activities"].column_dimensions
    assert widths["C"].width >= len("外购件生产用电") * 2 and widths["D"].width < 30


def test_export_import_export_gives_the_same_document(seed_study):
    content = study_to_workbook(seed_study, for_licensee=True)
    before = study_to_document(seed_study, for_licensee=True)
    Study.objects.filter(pk=seed_study.pk).delete()
    again = import_file("study.xlsx", content)
    assert study_to_document(again, for_licensee=True) == before
    assert write_workbook(study_to_document(again, for_licensee=True))  # and writes again


def test_a_workbook_written_before_the_names_row_reads_the_same(seed_study):
    content = study_to_workbook(seed_study, for_licensee=True)
    assert read_file("new.xlsx", content).data == read_file("old.xlsx", _without_names_row(content)).data


def test_an_import_error_names_the_column_in_the_user_s_language(seed_study):
    from django.utils import translation

    wb = load_workbook(io.BytesIO(study_to_workbook(seed_study, for_licensee=True)))
    wb["activities"]["D3"] = "lots"
    out = io.BytesIO()
    wb.save(out)
    from footprint.services.interchange.importing import preview_file

    with translation.override("en"):
        [problem] = preview_file("bad.xlsx", out.getvalue()).problems
    assert problem.location == "Sheet activities, row 3, column quantity (Activity data)"


def test_problems_name_stages_and_choices_with_their_names(seed_study):
    from django.utils import translation

    from footprint.services.interchange.exporting import study_to_document
    from footprint.services.interchange.reading import Document
    from footprint.services.interchange.validation import validate_document

    data = study_to_document(seed_study, for_licensee=True)
    stages = data["products"][0]["stages"]
    stages.append(dict(stages[0]))  # the first stage twice
    data["products"][0]["activities"][0]["basis"] = "weekly"
    _clean, problems = validate_document(Document(data), {})
    messages = " ".join(p.message for p in problems)
    assert f"阶段 {stages[0]['stage']}（原材料获取） 重复" in messages
    assert "annual_total（报告期总量）, per_unit（每功能单位）" in messages
    with translation.override("en"):
        _clean, problems = validate_document(Document(data), {})
    assert "annual_total (Period total), per_unit (Per functional unit)" in " ".join(p.message for p in problems)
