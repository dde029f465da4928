"""Export of a study as pcf-study/1 (footprint/services/interchange/exporting.py)."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest

from footprint.models import ActivityRecord, EmissionFactor
from footprint.services.interchange.exporting import (
    study_to_document,
    study_to_json,
    study_to_workbook,
)
from tests.conftest import SEED_JSON

pytestmark = pytest.mark.django_db


@pytest.fixture
def seed_doc():
    return json.loads(SEED_JSON.read_text(encoding="utf-8"))


def test_the_seed_study_exports_as_the_fixture_it_was_loaded_from(seed_study, seed_doc):
    exported = study_to_document(seed_study, for_licensee=True)
    factors = {f["code"]: f for f in exported.pop("factors")}
    expected = {f["code"]: f for f in seed_doc.pop("factors")}
    assert exported == seed_doc  # every other field, claims and team included, as loaded
    # factors come sorted by code, and the document's factor that is the library's diesel
    # factor is written with the library's notes
    assert [f["code"] for f in study_to_document(seed_study, for_licensee=True)["factors"]] == ["CN-DIESEL", "CN-GRID-2022"]
    assert factors["CN-GRID-2022"] == expected["CN-GRID-2022"]
    notes = factors["CN-DIESEL"].pop("notes")
    assert factors["CN-DIESEL"] == expected["CN-DIESEL"] and "3.1451 kg CO2/kg" in notes


def test_a_claim_is_written_as_printed_text(seed_study):
    claims = study_to_document(seed_study, for_licensee=True)["claims"]
    # 24.160 as a JSON number would come back as 24.16: the claim keeps its printed zeros
    assert {"level": "stage", "product": "HV", "stage": "end_of_life", "value": "24.160",
            "unit": "kgCO₂e/台", "place": "表 4.2-2"} in claims
    assert '"value": "24.160"' in study_to_json(seed_study, for_licensee=True)
    assert all(isinstance(c["value"], str) for c in claims)


def test_versions_are_written_only_where_the_code_alone_is_ambiguous(seed_study):
    grid = EmissionFactor.objects.get(code="CN-GRID-2022", version=1)
    v2 = EmissionFactor.objects.create(
        code=grid.code, version=2, family=grid.family, name_zh=grid.name_zh, category=grid.category,
        value=Decimal("0.5500"), value_decimals=4, unit=grid.unit, gas=grid.gas, year=2022,
        source="corrected")
    record = ActivityRecord.objects.filter(stage__study_product__study=seed_study,
                                           factor=grid).order_by("pk").first()
    record.factor = v2
    record.save()

    doc = study_to_document(seed_study, for_licensee=True)
    grids = [f for f in doc["factors"] if f["code"] == "CN-GRID-2022"]
    assert [(f["version"], f["value"]) for f in grids] == [(1, 0.5366), (2, 0.55)]
    # 0.5500 as a JSON number is 0.55: the published decimals are written beside it
    assert grids[1]["value_decimals"] == 4 and "value_decimals" not in grids[0]
    activities = [a for p in doc["products"] for a in p["activities"] if a["factor"] == "CN-GRID-2022"]
    assert sorted(a["factor_version"] for a in activities) == [1] * (len(activities) - 1) + [2]
    # the diesel factor is still written by its code alone
    diesel = next(f for f in doc["factors"] if f["code"] == "CN-DIESEL")
    assert "version" not in diesel
    assert all("factor_version" not in a for p in doc["products"] for a in p["activities"]
               if a["factor"] == "CN-DIESEL")


def test_json_and_workbook_carry_the_same_document(seed_study):
    from openpyxl import load_workbook

    doc = study_to_document(seed_study, for_licensee=True)
    assert json.loads(study_to_json(seed_study, for_licensee=True)) == doc
    book = load_workbook(io.BytesIO(study_to_workbook(seed_study, for_licensee=True)))
    assert {"study", "factors", "products", "stages", "activities"} <= set(book.sheetnames)
    rows = list(book["activities"].iter_rows(values_only=True))
    # row 1: the format's codes (hidden), row 2: the column names in the study's language
    assert len(rows) - 2 == sum(len(p["activities"]) for p in doc["products"]) == 10
    header = rows[0]
    assert rows[1][:4] == ("产品代码", "生命周期阶段", "活动名称", "活动数据")
    first = dict(zip(header, rows[2], strict=False))
    assert first["product"] == "LV" and first["quantity"] == 94594493.664
    assert first["factor"] == "CN-GRID-2022"


def test_the_export_reads_a_study_in_the_same_queries_whatever_its_size(reference_data):
    """The export reads the study's facts once (services/facts): a study of 400 rows takes as
    many queries as one of 20, and no more than the facts' own read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from footprint.models import Study
    from footprint.services.demo.synthetic import synthetic_study_document
    from footprint.services.interchange.document import Document
    from footprint.services.interchange.importing import import_study

    def queries(report_number, activities):
        study = import_study(Document(synthetic_study_document(
            report_number=report_number, activities=activities, products=2)))
        study = Study.objects.select_related("company").get(pk=study.pk)
        with CaptureQueriesContext(connection) as ctx:
            document = study_to_document(study, for_licensee=True)
        assert sum(len(p["activities"]) for p in document["products"]) == activities
        return len(ctx.captured_queries)

    small, large = queries("SMALL", 20), queries("LARGE", 400)
    # products, stages, activities, factors, claims, team, auditors (no lead verifier)
    assert small == large <= 7
