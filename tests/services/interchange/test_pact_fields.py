"""The optional PACT product keys of pcf-study/1 (footprint/services/interchange/pact_fields.py):
read, checked, saved, exported and read back (JSON and workbook); a document without them
imports as before."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from footprint.models import StudyProduct
from footprint.services.interchange.exporting import (
    study_to_document,
    study_to_json,
    study_to_workbook,
)
from footprint.services.interchange.importing import import_study, preview_document
from footprint.services.interchange.reading import read_json, read_workbook
from tests.conftest import SEED_JSON

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "docs" / "pcf-study-1.schema.json")
                    .read_text(encoding="utf-8"))
PARTICULARS = {"mass_per_unit_kg": 812.5, "fossil_carbon_kg": 20.25, "exempted_emissions_pct": 0.4}


def _doc(number="PACT-1"):
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["report_number"] = number
    doc["products"][0].update(PARTICULARS)  # LV; HV left without them (unknown)
    return doc


def test_particulars_are_saved_exported_and_read_back(reference_data):
    doc = _doc()
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc)) == []
    study = import_study(read_json(json.dumps(doc)))
    lv = StudyProduct.objects.get(study=study, product__code="LV")
    assert (lv.mass_per_unit_kg, lv.fossil_carbon_kg, lv.biogenic_carbon_kg, lv.exempted_emissions_pct) == (
        Decimal("812.5"), Decimal("20.25"), None, Decimal("0.4"))
    hv = StudyProduct.objects.get(study=study, product__code="HV")
    assert hv.mass_per_unit_kg is None and hv.exempted_emissions_pct is None

    exported = study_to_document(study, for_licensee=True)
    products = {p["code"]: p for p in exported["products"]}
    assert {k: products["LV"][k] for k in PARTICULARS} == PARTICULARS
    assert "biogenic_carbon_kg" not in products["LV"]  # unknown stays out
    assert not set(products["HV"]) & {"mass_per_unit_kg", "fossil_carbon_kg", "biogenic_carbon_kg",
                                      "exempted_emissions_pct"}
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(json.loads(study_to_json(study, for_licensee=True)))) == []

    # the workbook carries them as columns of the products sheet, and imports them again
    book = read_workbook(study_to_workbook(study, for_licensee=True))
    row = next(p for p in book.data["products"] if p["code"] == "LV")
    assert float(row["mass_per_unit_kg"]) == 812.5
    book.data["report_number"] = "PACT-2"
    again = import_study(book)
    lv2 = StudyProduct.objects.get(study=again, product__code="LV")
    assert (lv2.mass_per_unit_kg, lv2.fossil_carbon_kg, lv2.exempted_emissions_pct) == (
        Decimal("812.5"), Decimal("20.25"), Decimal("0.4"))
    assert StudyProduct.objects.get(study=again, product__code="HV").fossil_carbon_kg is None


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"mass_per_unit_kg": -1}, "mass_per_unit_kg", "不能小于 0"),
    ({"fossil_carbon_kg": "many"}, "fossil_carbon_kg", "应为数字"),
    ({"exempted_emissions_pct": 101}, "exempted_emissions_pct", "不能大于 100"),
    ({"exempted_emissions_pct": 0.1234}, "exempted_emissions_pct", "最多保留 3 位小数"),
])
def test_bad_particulars_are_problems_with_their_place(reference_data, change, field, message):
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["products"][0].update(change)
    preview = preview_document(read_json(json.dumps(doc)))
    assert not preview.ok
    found = [str(p) for p in preview.problems]
    assert any(field in m and message in m for m in found), found


def test_a_document_without_them_imports_as_before(reference_data):
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    assert not any("mass_per_unit_kg" in p for p in doc["products"])
    study = import_study(read_json(json.dumps(doc)))
    assert set(StudyProduct.objects.filter(study=study).values_list(
        "mass_per_unit_kg", "fossil_carbon_kg", "biogenic_carbon_kg", "exempted_emissions_pct")) == {
        (None, None, None, None)}
