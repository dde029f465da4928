"""The optional uncertainty keys of pcf-study/1 (footprint/services/interchange/distribution_fields.py):
read, checked, saved, exported and read back; a document without them is unchanged."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from footprint.models import ActivityRecord, EmissionFactor
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


def _doc(number="UNC-1"):
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["report_number"] = number
    lv = doc["products"][0]["activities"]
    lv[0].update(distribution="lognormal", distribution_gsd2=1.21, dq_reliability=2, dq_temporal=4)
    lv[1].update(distribution="triangular", distribution_low=800000, distribution_high=1000000)
    lv[2].update(dq_reliability=3, dq_completeness=2, dq_temporal=2, dq_geographical=1,
                 dq_technological=5)
    grid = next(f for f in doc["factors"] if f["code"] == "CN-GRID-2022")
    grid.update(distribution="normal", distribution_sd=0.03, code="CN-GRID-2022-UNC")
    for product in doc["products"]:
        for a in product["activities"]:
            if a["factor"] == "CN-GRID-2022":
                a["factor"] = "CN-GRID-2022-UNC"
    doc.pop("claims", None)  # they name CN-GRID-2022
    return doc


def test_distributions_and_ratings_are_saved_exported_and_read_back(reference_data):
    doc = _doc()
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(doc)) == []
    study = import_study(read_json(json.dumps(doc)))
    records = list(ActivityRecord.objects.filter(stage__study_product__study=study,
                                                 stage__study_product__product__code="LV")
                   .order_by("stage__id", "position", "id"))
    first = next(r for r in records if r.name == doc["products"][0]["activities"][0]["name"])
    assert (first.distribution, first.distribution_gsd2, first.dq_reliability, first.dq_temporal,
            first.dq_completeness) == ("lognormal", Decimal("1.21"), 2, 4, None)
    factor = EmissionFactor.objects.get(code="CN-GRID-2022-UNC")
    assert (factor.distribution, factor.distribution_sd) == ("normal", Decimal("0.03"))

    exported = study_to_document(study, for_licensee=True)
    lv = {a["name"]: a for a in exported["products"][0]["activities"]}
    original = {a["name"]: a for a in doc["products"][0]["activities"]}
    for name, entry in original.items():
        for key in entry:
            if key.startswith(("distribution", "dq_")):
                assert lv[name][key] == entry[key], (name, key)
    assert not any(k.startswith("dq_") for k in lv[doc["products"][0]["activities"][3]["name"]])
    grid = next(f for f in exported["factors"] if f["code"] == "CN-GRID-2022-UNC")
    assert (grid["distribution"], grid["distribution_sd"]) == ("normal", 0.03)
    assert list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(json.loads(study_to_json(study, for_licensee=True)))) == []
    # the workbook carries them as columns
    back = read_workbook(study_to_workbook(study, for_licensee=True)).data
    row = next(a for a in back["products"][0]["activities"] if a["name"] == first.name)
    assert (row["distribution"], float(row["distribution_gsd2"]), int(row["dq_temporal"])) == ("lognormal", 1.21, 4)


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"distribution": "lognormal"}, "distribution_gsd2", "需要此参数"),
    ({"distribution": "lognormal", "distribution_gsd2": 0.9}, "distribution_gsd2", "不能小于 1"),
    ({"distribution": "normal", "distribution_sd": 3, "distribution_low": 1}, "distribution_low", "不使用此参数"),
    ({"distribution_sd": 3}, "distribution_sd", "请先选择分布类型"),
    ({"distribution": "triangular", "distribution_low": 1, "distribution_high": 2}, "distribution_low", "之间"),
    ({"distribution": "uniform", "distribution_low": 5, "distribution_high": 2}, "distribution_high", "不能小于下限"),
    ({"distribution": "beta"}, "distribution", "无效的值"),
    ({"dq_reliability": 6}, "dq_reliability", "1 到 5"),
    ({"distribution": "uniform", "distribution_low": -1, "distribution_high": 2}, "distribution_low", "不能为负数"),
])
def test_inconsistent_uncertainty_keys_are_problems_with_their_place(reference_data, change, field, message):
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["products"][0]["activities"][0].update(change)
    preview = preview_document(read_json(json.dumps(doc)))
    assert not preview.ok
    found = [str(p) for p in preview.problems]
    assert any(field in m and message in m for m in found), found


def test_a_factor_with_another_published_uncertainty_is_another_version(reference_data):
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["report_number"] = "UNC-2"
    grid = next(f for f in doc["factors"] if f["code"] == "CN-GRID-2022")
    grid.update(distribution="lognormal", distribution_gsd2=1.1)
    study = import_study(read_json(json.dumps(doc)))
    used = {r.factor for r in ActivityRecord.objects.filter(stage__study_product__study=study)
            if r.factor.code == "CN-GRID-2022"}
    (factor,) = used
    assert factor.version > 1 and factor.distribution_gsd2 == Decimal("1.1")
    assert EmissionFactor.objects.get(code="CN-GRID-2022", version=1).distribution == ""


def test_the_seed_study_exports_no_uncertainty_keys(seed_study):
    doc = study_to_document(seed_study, for_licensee=True)
    keys = {k for p in doc["products"] for a in p["activities"] for k in a}
    keys |= {k for f in doc["factors"] for k in f}
    assert not {k for k in keys if k.startswith(("distribution", "dq_"))}
