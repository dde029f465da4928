"""import_study / export_study from the command line."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from footprint.models import Study
from tests.conftest import SEED_JSON


def test_import_then_export_json_and_xlsx(reference_data, tmp_path):
    out = StringIO()
    call_command("import_study", str(SEED_JSON), stdout=out)
    assert "imported 202508175GHG: 2 product(s), 10 activity record(s)" in out.getvalue()
    json_path, xlsx_path = tmp_path / "s.json", tmp_path / "s.xlsx"
    call_command("export_study", "202508175GHG", "--output", str(json_path), stdout=StringIO())
    call_command("export_study", "202508175GHG", "--output", str(xlsx_path), stdout=StringIO())
    first = json.loads(json_path.read_text(encoding="utf-8"))
    assert first["format"] == "pcf-study/1"
    with pytest.raises(CommandError, match="--replace"):
        call_command("import_study", str(xlsx_path), stdout=StringIO())
    call_command("import_study", str(xlsx_path), "--replace", stdout=StringIO())
    again = tmp_path / "again.json"
    call_command("export_study", "202508175GHG", "--output", str(again), stdout=StringIO())
    assert json.loads(again.read_text(encoding="utf-8")) == first


def test_bad_file_prints_every_problem_and_imports_nothing(reference_data, tmp_path):
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["products"][0]["annual_output"] = "many"
    doc["products"][1]["activities"][0]["stage"] = "teleportation"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_study", str(path), stdout=StringIO(), stderr=err)
    assert "products[0].annual_output" in err.getvalue()
    assert "products[1].activities[0].stage" in err.getvalue()
    assert not Study.objects.exists()


def test_import_names_the_lead_verifier_and_auditors_like_the_web_preview(reference_data, auditor, lead_verifier):
    out = StringIO()
    call_command("import_study", str(SEED_JSON), "--lead-verifier", lead_verifier.username,
                 "--auditor", auditor.username, stdout=out)
    study = Study.objects.get(report_number="202508175GHG")
    assert study.lead_verifier == lead_verifier
    assert list(study.auditors.all()) == [auditor]
    assert "no lead verifier" not in out.getvalue()


def test_import_without_a_lead_verifier_warns_that_review_needs_one(reference_data):
    out = StringIO()
    call_command("import_study", str(SEED_JSON), stdout=out)
    assert "warning: 202508175GHG has no lead verifier; send for review needs a lead verifier" in out.getvalue()


def test_import_refuses_unknown_or_unfit_people_and_imports_nothing(reference_data, auditor):
    with pytest.raises(CommandError, match="--lead-verifier: no active user nobody"):
        call_command("import_study", str(SEED_JSON), "--lead-verifier", "nobody", stdout=StringIO())
    err = StringIO()
    # an auditor is no lead verifier: services/entry/team refuses, the import is rolled back
    with pytest.raises(CommandError, match="people given were refused"):
        call_command("import_study", str(SEED_JSON), "--lead-verifier", auditor.username,
                     stdout=StringIO(), stderr=err)
    assert "lead_verifier:" in err.getvalue()
    assert not Study.objects.exists()


def test_load_demo_is_idempotent(db):
    from footprint.models import ActivityRecord, User

    out = StringIO()
    call_command("load_demo", stdout=out)
    call_command("load_demo", stdout=StringIO())
    # the seed report, DEMO-2 and DEMO-DR (the seed company's 2025 study, a data request in
    # progress: none of its values accepted yet, so its ten records are the seed's)
    assert set(Study.objects.values_list("report_number", flat=True)) == {"202508175GHG", "DEMO-2", "DEMO-DR"}
    assert ActivityRecord.objects.count() == 14 + 10
    assert "DEMO-DR" in out.getvalue()
    assert set(User.objects.values_list("username", flat=True)) >= {"auditor", "lead", "client", "client2", "admin"}
    assert "auditor" in out.getvalue() and "auditor-demo" in out.getvalue()
    assert User.objects.get(username="client").company.name == "中电华骋科技有限公司"


def test_the_demo_issues_and_signs_demo_2(demo, signing, tmp_path, tiny_issued_report):
    """`make demo` leaves DEMO-2 issued and signed, with a real timeline, and idempotently
    (the file's bytes and signature are checked, not its pages: the one-page report)."""
    import hashlib

    from footprint.choices import StudyStatus
    from footprint.services.demo.seed import issue_demo_study

    study = issue_demo_study()
    assert study is not None and study.status == StudyStatus.ISSUED
    assert list(study.transitions.values_list("to_status", flat=True))[-1] == StudyStatus.ISSUED
    data = study.issued_pdf.open("rb").read()
    assert hashlib.sha256(data).hexdigest() == study.issued_sha256
    out = tmp_path / "d2.pdf"
    call_command("render_report", "DEMO-2", "--output", str(out), stdout=StringIO())
    assert out.read_bytes() == data
    call_command("verify_pdf", str(out), stdout=StringIO())  # raises on a failed verification
    assert issue_demo_study() is None  # already issued: nothing to do
