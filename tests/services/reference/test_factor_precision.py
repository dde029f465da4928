"""EmissionFactor.value_decimals: every path that creates a factor keeps the decimals its value
was published with, so 0.5500 prints as 0.5500 (docs/numbers.md, "Factor precision")."""

import copy
import importlib
import json
from decimal import Decimal

import pytest

from footprint.models import EmissionFactor, Study
from footprint.services.interchange.document import Document
from footprint.services.interchange.exporting import study_to_document
from footprint.services.interchange.importing import import_file, import_study
from footprint.services.interchange.reading import read_json
from footprint.services.interchange.writing import write_workbook
from tests.conftest import SEED_JSON

pytestmark = pytest.mark.django_db

EAST = {"code": "CN-GRID-EAST-X", "name": "华东区域电力平均二氧化碳排放因子", "unit": "kg/kWh",
        "gas": "CO2", "year": 2023, "region": "CN-East", "source": "测试"}


def _seed_text_with_east_factor(value_text: str) -> str:
    """The seed document with one more factor whose value is written as `value_text` in the
    JSON itself (not a float that has already lost its zeros), used by LV production."""
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["factors"].append({**EAST, "value": "@VALUE@"})
    doc["products"][0]["activities"][2]["factor"] = EAST["code"]
    return json.dumps(doc, ensure_ascii=False).replace('"@VALUE@"', value_text)


def test_reference_data_keeps_the_csv_decimals(reference_data):
    assert EmissionFactor.objects.get(code="CN-GRID-EAST-2023").value_decimals == 4  # "0.5500"
    assert EmissionFactor.objects.get(code="CN-GRID-2022").value_decimals == 4
    assert EmissionFactor.objects.get(code="CN-DIESEL").value_decimals is None  # derived


def test_a_json_number_keeps_the_decimals_it_is_written_with(reference_data):
    study = import_study(read_json(_seed_text_with_east_factor("0.5500")))
    factor = EmissionFactor.objects.get(code=EAST["code"])
    assert factor.value == Decimal("0.55") and factor.value_decimals == 4
    # export: `value` stays a number; the decimals it cannot show travel beside it
    exported = next(f for f in study_to_document(study, for_licensee=True)["factors"] if f["code"] == EAST["code"])
    assert exported["value"] == 0.55 and exported["value_decimals"] == 4
    # a factor whose number shows its decimals gets no extra field
    grid = next(f for f in study_to_document(study, for_licensee=True)["factors"] if f["code"] == "CN-GRID-2022")
    assert grid["value"] == 0.5366 and "value_decimals" not in grid


def test_the_exported_decimals_survive_json_and_workbook_round_trips(reference_data):
    study = import_study(read_json(_seed_text_with_east_factor("0.5500")))
    first = study_to_document(study, for_licensee=True)
    Study.objects.all().delete()
    EmissionFactor.objects.filter(code=EAST["code"]).delete()
    # JSON: the float 0.55 with value_decimals 4
    again = import_study(Document(copy.deepcopy(first)))
    assert EmissionFactor.objects.get(code=EAST["code"]).value_decimals == 4
    assert study_to_document(again, for_licensee=True) == first
    Study.objects.all().delete()
    EmissionFactor.objects.filter(code=EAST["code"]).delete()
    # workbook: column value_decimals
    import_file("again.xlsx", write_workbook(first))
    assert EmissionFactor.objects.get(code=EAST["code"]).value_decimals == 4


def test_a_workbook_text_cell_keeps_its_decimals(reference_data):
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["factors"].append({**EAST, "value": "0.55000"})  # a text cell, as typed
    doc["products"][0]["activities"][2]["factor"] = EAST["code"]
    import_file("study.xlsx", write_workbook(doc))
    assert EmissionFactor.objects.get(code=EAST["code"]).value_decimals == 5


def test_a_stated_value_decimals_out_of_range_is_a_problem(reference_data):
    from footprint.services.interchange.importing import preview_document

    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["factors"].append({**EAST, "value": 0.55, "value_decimals": 12})
    preview = preview_document(Document(doc))
    assert any(p.location.endswith("value_decimals") or "value_decimals" in p.location
               for p in preview.problems)


def test_a_new_version_keeps_or_takes_the_decimals(reference_data):
    from footprint.services.reference.factors import factor_revise

    east = EmissionFactor.objects.get(code="CN-GRID-EAST-2023")
    renamed = factor_revise(factor=east, changes={"notes": "renamed"})
    assert renamed.value_decimals == 4
    revalued = factor_revise(factor=renamed, changes={"value": Decimal("0.56")})
    assert revalued.value_decimals == 2


def test_the_migration_fills_existing_rows_from_the_csv_or_the_stored_value(reference_data):
    migration = importlib.import_module("footprint.migrations.0009_factor_value_decimals")
    EmissionFactor.objects.create(code="OLD-1", name_zh="旧", value=Decimal("0.1250"), unit="kg/kWh",
                                  source="x", value_decimals=7)
    # a version of a reference code with another value: not the CSV's decimals
    EmissionFactor.objects.create(code="CN-GRID-EAST-2023", version=2, name_zh="华东", unit="kg/kWh",
                                  value=Decimal("0.5"), source="x", value_decimals=9)
    EmissionFactor.objects.update(value_decimals=None)

    from django.apps import apps

    migration.fill_value_decimals(apps, None)
    by_key = {(f.code, f.version): f.value_decimals for f in EmissionFactor.objects.all()}
    assert by_key[("CN-GRID-EAST-2023", 1)] == 4  # the CSV's "0.5500", not 0.55's 2
    assert by_key[("CN-GRID-EAST-2023", 2)] == 1  # stored 0.5000000000 → 0.5
    assert by_key[("OLD-1", 1)] == 3  # 0.1250000000 → 0.125
    assert by_key[("CN-DIESEL", 1)] is None  # derived
