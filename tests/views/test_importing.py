"""Uploading a study: preview with every problem first, then the whole study or nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"


def _document(demo_study, **changes):
    from footprint.services.exporting import study_to_document

    doc = study_to_document(demo_study)
    doc.update(changes)
    return doc


def _upload(client, doc, *, replace=False, name="study.json"):
    content = json.dumps(doc, ensure_ascii=False).encode()
    data = {"file": SimpleUploadedFile(name, content, content_type="application/json")}
    if replace:
        data["replace"] = "on"
    return client.post(reverse("study_import"), data)


@pytest.fixture
def seed(demo):
    from footprint.models import Study

    return Study.objects.get(report_number=SEED)


def _token(html: str) -> str:
    return html.split('name="token" value="')[1].split('"')[0]


def test_a_valid_file_is_previewed_then_imported_whole(auditor_client, demo_auditor, seed):
    from footprint.models import Study

    response = _upload(auditor_client, _document(seed, report_number="IMP-1"))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="confirm-import"' in html
    assert "IMP-1" in html and "低压成套开关设备" in html
    assert "<dt>原报告声明值</dt><dd>59</dd>" in html  # the source report's printed figures
    assert not Study.objects.filter(report_number="IMP-1").exists()  # nothing saved yet
    response = auditor_client.post(reverse("study_import_confirm"), {"token": _token(html), "replace": "0"})
    assert response["Location"] == reverse("study_detail", args=["IMP-1"])
    study = Study.objects.get(report_number="IMP-1")
    assert study.study_products.count() == 2 and demo_auditor in study.auditors.all()
    assert study.claims.count() == 59
    # The pending upload is gone: confirming twice does not import twice.
    again = auditor_client.post(reverse("study_import_confirm"), {"token": _token(html), "replace": "0"})
    assert again["Location"] == reverse("study_import")


def test_every_problem_is_listed_with_where_it_is_and_nothing_can_be_confirmed(auditor_client, seed):
    from footprint.models import Study

    doc = _document(seed, report_number="IMP-2")
    doc["products"][0]["activities"][1]["unit"] = "bogus"
    doc["products"][1]["activities"][0]["quantity"] = -3
    html = _upload(auditor_client, doc).content.decode()
    assert "发现 2 个问题" in html
    assert "products[0].activities[1].unit" in html and "bogus" in html
    assert "products[1].activities[0].quantity" in html
    assert 'id="confirm-import"' not in html
    assert not Study.objects.filter(report_number="IMP-2").exists()


def test_a_file_that_is_not_a_study_is_refused_at_upload(auditor_client, demo):
    data = {"file": SimpleUploadedFile("x.json", b"not json", content_type="application/json")}
    html = auditor_client.post(reverse("study_import"), data).content.decode()
    assert "不是有效的 JSON 文件" in html
    data = {"file": SimpleUploadedFile("x.csv", b"a,b", content_type="text/csv")}
    assert "请上传 .json 或 .xlsx 文件" in auditor_client.post(reverse("study_import"), data).content.decode()


def test_an_existing_study_is_replaced_only_when_asked(auditor_client, seed):
    doc = _document(seed, title="替换后的标题")
    html = _upload(auditor_client, doc).content.decode()
    assert "已存在" in html and 'id="confirm-import"' not in html
    html = _upload(auditor_client, doc, replace=True).content.decode()
    assert "确认替换并导入" in html
    auditor_client.post(reverse("study_import_confirm"), {"token": _token(html), "replace": "1"})
    seed.refresh_from_db()
    assert seed.title == "替换后的标题"


def test_an_issued_study_or_a_study_of_someone_else_is_not_replaced(client, auditor, seed):
    from footprint.choices import StudyStatus
    from footprint.models import Study

    client.force_login(auditor)  # not assigned to the seed
    html = _upload(client, _document(seed, title="x"), replace=True).content.decode()
    assert "没有修改报告" in html and 'id="confirm-import"' not in html
    Study.objects.filter(pk=seed.pk).update(status=StudyStatus.ISSUED)
    seed.auditors.add(auditor)
    html = _upload(client, _document(seed, title="x"), replace=True).content.decode()
    assert "已签发" in html and 'id="confirm-import"' not in html
