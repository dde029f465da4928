"""The optional verification keys of pcf-study/1: exported, validated against the schema, read
back from JSON and the workbook; old documents (without them) import as before."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from footprint.choices import VerificationStatus
from footprint.models import ActivityRecord
from footprint.services.evidence import storage
from footprint.services.interchange.exporting import study_to_document, study_to_workbook
from footprint.services.interchange.importing import import_study
from footprint.services.interchange.reading import read_json, read_workbook
from tests.conftest import SEED_JSON
from tests.services.evidence.test_sniffing import PDF

pytestmark = pytest.mark.django_db
SCHEMA = json.loads((Path(__file__).resolve().parents[3] / "docs" / "pcf-study-1.schema.json")
                    .read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_statuses_are_exported_and_read_back(seed_study):
    rows = list(ActivityRecord.objects.filter(stage__study_product__study=seed_study).order_by("pk"))
    evidence = storage.evidence_add(study=seed_study, upload=PDF, filename="bill.pdf", activity=rows[0])
    ActivityRecord.objects.filter(pk=rows[0].pk).update(verification=VerificationStatus.VERIFIED,
                                                        verified_evidence=evidence)
    ActivityRecord.objects.filter(pk=rows[1].pk).update(verification=VerificationStatus.SAMPLED)
    ActivityRecord.objects.filter(pk=rows[2].pk).update(verification=VerificationStatus.ESTIMATED)
    doc = study_to_document(seed_study, for_licensee=True)
    jsonschema.validate(doc, SCHEMA)
    by_key = {(p["code"], a["stage"], a["name"]): a for p in doc["products"] for a in p["activities"]}
    key = lambda r: (r.stage.study_product.product.code, r.stage.stage, r.name)  # noqa: E731
    assert by_key[key(rows[0])]["verification"] == "verified"
    assert by_key[key(rows[0])]["verified_evidence_sha256"] == evidence.sha256
    assert by_key[key(rows[1])]["verification"] == "sampled"
    assert "verification" not in by_key[key(rows[3])]  # not verified: nothing written (old files look alike)

    workbook = read_workbook(study_to_workbook(seed_study, for_licensee=True))
    workbook.data["report_number"] = "VER-X"
    for label, document in (("json", read_json(json.dumps({**doc, "report_number": "VER-J"}))),
                            ("xlsx", workbook)):
        study = import_study(document)
        imported = {key(a): a.verification for a in ActivityRecord.objects.filter(
            stage__study_product__study=study).select_related("stage__study_product__product")}
        # the file does not travel: "verified" arrives as not verified; the others as they were
        assert imported[key(rows[0])] == VerificationStatus.NOT_VERIFIED, label
        assert imported[key(rows[1])] == VerificationStatus.SAMPLED, label
        assert imported[key(rows[2])] == VerificationStatus.ESTIMATED, label


def test_an_old_document_imports_unchanged(reference_data):
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    assert not any("verification" in a for p in doc["products"] for a in p["activities"])
    study = import_study(read_json(json.dumps({**doc, "report_number": "OLD-1"})))
    assert set(ActivityRecord.objects.filter(stage__study_product__study=study)
               .values_list("verification", flat=True)) == {VerificationStatus.NOT_VERIFIED}


def test_an_unknown_status_is_a_problem_with_its_place(reference_data):
    from footprint.services.interchange.importing import preview_document

    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["report_number"] = "BAD-1"
    doc["products"][0]["activities"][0]["verification"] = "checked"
    preview = preview_document(read_json(json.dumps(doc)))
    assert any("verification" in p.location for p in preview.problems)
