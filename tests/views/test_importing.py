"""Uploading a study: preview with every problem first, then the whole study or nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"


def _document(demo_study, **changes):
    from footprint.services.interchange.exporting import study_to_document

    doc = study_to_document(demo_study, for_licensee=True)
    doc.update(changes)
    return doc


def _upload(client, doc, *, replace=False, name="study.json"):
    content = json.dumps(doc, ensure_ascii=False).encode()
    data = {"file": SimpleUploadedFile(name, content, content_type="application/json")}
    if replace:
        data["replace"] = "on"
    return client.post(reverse("study_import"), data)


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


# ---- upload limits and pending uploads (issue 10)
def _pending_files():
    from django.core.files.storage import default_storage

    try:
        return sorted(default_storage.listdir("imports")[1])
    except FileNotFoundError:
        return []


def test_a_file_over_the_import_cap_is_refused_with_a_message(auditor_client, seed, settings):
    doc = _document(seed, report_number="BIG-1")
    size = len(json.dumps(doc, ensure_ascii=False).encode())
    settings.IMPORT_MAX_BYTES = size - 1  # the web path had no cap at all: 50 MB went through
    before = _pending_files()
    response = _upload(auditor_client, doc)
    assert response.status_code == 200
    assert "文件太大（上限" in response.content.decode()
    assert 'id="confirm-import"' not in response.content.decode()
    assert _pending_files() == before  # nothing stored
    settings.IMPORT_MAX_BYTES = size
    assert 'id="confirm-import"' in _upload(auditor_client, doc).content.decode()


def test_a_declared_length_far_over_the_cap_is_refused_before_the_body_is_read(auditor_client, seed, settings):
    settings.IMPORT_MAX_BYTES = 1000
    content = b"{" + b" " * (2**20 + 2000) + b"}"
    response = auditor_client.post(reverse("study_import"), {
        "file": SimpleUploadedFile("big.json", content, content_type="application/json")})
    assert response.status_code == 413
    assert "文件太大（上限" in response.content.decode()


def test_the_api_uses_the_same_cap(client, demo_auditor, seed, settings):
    doc = _document(seed, report_number="BIG-API")
    body = json.dumps(doc, ensure_ascii=False)
    settings.IMPORT_MAX_BYTES = len(body.encode()) - 1
    client.force_login(demo_auditor)
    response = client.post(reverse("api_study_import"), body, content_type="application/json")
    assert response.status_code == 413 and "文件太大" in response.json()["detail"]
    settings.IMPORT_MAX_BYTES = len(body.encode())
    response = client.post(reverse("api_study_import"), body, content_type="application/json")
    assert response.status_code == 201


def test_cancelling_a_preview_removes_its_upload(auditor_client, seed):
    before = _pending_files()
    html = _upload(auditor_client, _document(seed, report_number="CANCEL-1")).content.decode()
    assert len(_pending_files()) == len(before) + 1
    response = auditor_client.post(reverse("study_import_cancel"), {"token": _token(html)})
    assert response["Location"] == reverse("study_import")
    assert _pending_files() == before
    confirm = auditor_client.post(reverse("study_import_confirm"), {"token": _token(html), "replace": "0"})
    assert confirm["Location"] == reverse("study_import")  # nothing left to confirm


def test_abandoned_uploads_are_removed_on_the_next_upload_and_by_the_command(auditor_client, seed, settings):
    import os
    import time as time_module

    from django.core.files.storage import default_storage
    from django.core.management import call_command

    settings.IMPORT_PENDING_MAX_AGE_HOURS = 24
    _upload(auditor_client, _document(seed, report_number="OLD-1"))
    _upload(auditor_client, _document(seed, report_number="OLD-2"))
    old = _pending_files()[-2:]
    two_days_ago = time_module.time() - 48 * 3600
    os.utime(default_storage.path(f"imports/{old[0]}"), (two_days_ago, two_days_ago))
    _upload(auditor_client, _document(seed, report_number="NEW-1"))
    files = _pending_files()
    assert old[0] not in files and old[1] in files  # the fresh one is kept
    for name in files:
        os.utime(default_storage.path(f"imports/{name}"), (two_days_ago, two_days_ago))
    call_command("cleanup_uploads", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert _pending_files() == []


# -------------------------------------------------- the preview in the user's words (issue 13)
def test_the_preview_shows_labels_lifecycle_order_totals_and_checks_before_confirming(
        auditor_client, seed):
    import re

    from footprint.models import Study

    html = _upload(auditor_client, _document(seed, report_number="IMP-2")).content.decode()
    assert re.search(r'id="preview-gwp">IPCC 第五次评估报告', html)
    assert 'id="preview-boundary">摇篮到坟墓' in html and ">cradle_to_grave<" not in html
    lv_stages = re.search(r"LV</span>.*?<td class=\"small\">(.*?)</td>", html, re.S).group(1)
    order = [lv_stages.index(s) for s in ("原材料获取", "原材料运输", "生产", "成品运输", "使用")
             if s in lv_stages]
    assert order == sorted(order) and len(order) >= 4
    # the recomputed totals of the seed (README): LV 212.852, HV 226.496 kgCO2e per unit
    assert re.search(r'data-preview-total="LV">212\.852', html)
    assert re.search(r'data-preview-total="HV">226\.496', html)
    assert 'id="preview-checks"' in html and "use_stage_excluded" not in html
    assert not Study.objects.filter(report_number="IMP-2").exists()  # the dry run left nothing


def test_the_preview_asks_for_the_people_and_applies_them_on_confirm(
        auditor_client, demo_auditor, demo_users, seed):
    from footprint.models import Study

    doc = _document(seed, report_number="IMP-3")
    doc.pop("certification_body", None)
    html = _upload(auditor_client, doc).content.decode()
    assert 'id="import-people"' in html and 'name="lead_verifier"' in html
    response = auditor_client.post(reverse("study_import_confirm"), {
        "token": _token(html), "replace": "0", "auditors": [str(demo_auditor.pk)],
        "lead_verifier": str(demo_users["lead"].pk), "certification_body": "某认证中心"})
    assert response["Location"] == reverse("study_detail", args=["IMP-3"])
    study = Study.objects.get(report_number="IMP-3")
    assert study.lead_verifier == demo_users["lead"] and study.certification_body == "某认证中心"
    assert list(study.auditors.all()) == [demo_auditor]
    # so nothing stands between it and the company but what the file lacks
    from footprint.services.workflow import transitions

    send = next(a for a in transitions.available_actions(study, demo_auditor)
                if a.action.name == "send_for_review")
    assert not [b for b in send.blockers if "技术负责人" in b]


def test_a_lead_verifier_the_rules_refuse_is_refused_on_the_preview_and_nothing_imported(
        auditor_client, demo_auditor, demo_users, seed):
    from footprint.models import Study

    html = _upload(auditor_client, _document(seed, report_number="IMP-4")).content.decode()
    response = auditor_client.post(reverse("study_import_confirm"), {
        "token": _token(html), "replace": "0", "lead_verifier": str(demo_auditor.pk)})
    assert response.status_code == 200 and 'id="import-people"' in response.content.decode()
    assert "选择一个有效的选项" in response.content.decode()
    assert not Study.objects.filter(report_number="IMP-4").exists()
