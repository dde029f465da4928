"""The public verification page: no login, only the listed facts, hostile uploads survive.

The issued study is issued_seed_study_tiny: the page reads the snapshot, the hashes and the
signature, never the report's pages (signed for real, in both languages).
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from footprint.models import Study
from footprint.services.workflow import issuing, revisions
from tests.workflow_steps import approve


def _upload(client, url, data, name="report.pdf"):
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type="application/pdf")})


def test_anyone_sees_the_public_facts_without_login(client, issued_seed_study_tiny):
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    response = client.get(reverse("verify_report", args=[study.verification_code]))
    assert response.status_code == 200
    page = response.content.decode()
    for fact in ("202508175GHG", "中电华骋科技有限公司", "212.852", "226.496", study.issued_sha256,
                 study.issue_date.isoformat(), 'data-status="valid"'):
        assert fact in page
    # nothing beyond the listed facts: no activity data, no contact details, no comments
    for secret in ("原辅料获取及加工用电", "13797959095", "文文明明"):
        assert secret not in page
    assert 'name="robots" content="noindex"' in page


def test_an_unknown_or_unissued_code_is_404(client, seed_study):
    assert client.get(reverse("verify_report", args=["nope"])).status_code == 404
    Study.objects.filter(pk=seed_study.pk).update(verification_code="abc")  # not issued
    assert client.get(reverse("verify_report", args=["abc"])).status_code == 404


def test_the_issued_file_is_authentic_and_a_changed_byte_is_not(client, issued_seed_study_tiny):
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    url = reverse("verify_report", args=[study.verification_code])
    data = study.issued_pdf.read()
    page = _upload(client, url, data).content.decode()
    assert 'data-authentic="true"' in page and "签名完好" in page
    # no timestamp server in the tests' settings: the level says what the file lacks
    assert 'data-level="B-B"' in page and "PAdES B-B</strong> — 签名未带时间戳，证书链和吊销信息已嵌入文件" in page
    tampered = bytearray(data)
    tampered[len(tampered) // 2] ^= 0x01
    page = _upload(client, url, bytes(tampered)).content.decode()
    assert 'data-authentic="false"' in page
    assert "不是签发的原始文件" in page


def test_uploading_without_a_code_finds_the_report(client, issued_seed_study_tiny):
    data = Study.objects.get(pk=issued_seed_study_tiny.pk).issued_pdf.read()
    page = _upload(client, reverse("verify_index"), data).content.decode()
    assert 'data-authentic="true"' in page and "202508175GHG" in page


def test_hostile_uploads_get_a_clear_answer(client, issued_seed_study_tiny, settings):
    url = reverse("verify_report", args=[Study.objects.get(pk=issued_seed_study_tiny.pk).verification_code])
    page = _upload(client, url, b"MZ\x90\x00 an executable", "x.pdf").content.decode()
    assert "这不是 PDF 文件" in page
    page = _upload(client, url, b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R").content.decode()
    assert 'data-authentic="false"' in page
    settings.VERIFY_UPLOAD_MAX_BYTES = 1000
    response = _upload(client, url, b"%PDF-" + b"0" * 2000)
    assert response.status_code == 400 and "文件太大" in response.content.decode()
    assert client.post(url, {}).status_code == 400


def test_a_superseded_report_says_so(client, issued_seed_study_tiny, demo_users):
    # the verification page reads the snapshots, never the pages: one-page reports (the
    # fixture's renderer stays set for the revision)
    u = demo_users
    original = Study.objects.get(pk=issued_seed_study_tiny.pk)
    revision = revisions.study_revise(study=original, user=u["auditor"])
    approve(revision, u)
    issuing.study_issue(study=revision, user=u["lead"])
    page = client.get(reverse("verify_report", args=[original.verification_code])).content.decode()
    assert 'data-status="superseded"' in page and "202508175GHG-R1" in page


def test_the_code_form_redirects_to_the_report(client, db):
    response = client.get(reverse("verify_index"), {"code": "abc"})
    assert response.status_code == 302 and response.url == reverse("verify_report", args=["abc"])


def test_the_page_shows_what_was_issued_not_what_the_rows_say_now(client, issued_seed_study_tiny):
    """A company renamed after issuing (whatever the path) must not appear next to the
    genuine PDF: every fact comes from the snapshot taken at signing."""
    from footprint.models import Company, Product

    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    Company.objects.filter(pk=study.company_id).update(name="改名后的企业")
    Product.objects.filter(company_id=study.company_id, code="LV").update(name="改名后的产品")
    Study.objects.filter(pk=study.pk).update(title="改过的标题", certification_body="别的机构")
    response = client.get(reverse("verify_report", args=[study.verification_code]))
    page = response.content.decode()
    assert "中电华骋科技有限公司" in page and study.title in page
    for now in ("改名后的企业", "改名后的产品", "改过的标题", "别的机构"):
        assert now not in page
    data = study.issued_pdf.open("rb").read()
    verdict = _upload(client, reverse("verify_index"), data).content.decode()
    assert "中电华骋科技有限公司" in verdict and "改名后的企业" not in verdict


def test_the_english_file_is_verified_on_the_same_page_and_named(client, issued_seed_study_tiny):
    """Both issued files carry the same code: the page lists both hashes, and an uploaded
    English file is the authentic English file of that report; of another report it is not."""
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    english = issuing.issued_pdf_bytes(study, "en")
    url = reverse("verify_report", args=[study.verification_code])
    page = client.get(url).content.decode()
    assert study.issued_sha256 in page and study.issued_alt_sha256 in page
    assert 'data-language="en"' in page and 'id="fact-missing-language"' not in page
    page = _upload(client, url, english).content.decode()
    assert 'data-authentic="true"' in page and "签发的英文版" in page
    assert 'id="verdict-hash" data-language="en"' in page and "是签发的原始文件（English，SHA-256 一致）" in page
    page = _upload(client, reverse("verify_index"), english).content.decode()
    assert 'data-authentic="true"' in page and study.report_number in page
    # The English file uploaded on another report's page: not that report's file.
    Study.objects.filter(report_number="DEMO-2").update(status="issued", verification_code="code-demo-2")
    page = _upload(client, reverse("verify_report", args=["code-demo-2"]), english).content.decode()
    assert 'data-authentic="false"' in page and f"该文件是报告 {study.report_number} 的签发文件，不是报告 DEMO-2 的。" in page


def test_a_file_issued_with_a_timestamp_server_is_named_pades_b_lta(
        client, seed_study, demo_users, signing, settings, monkeypatch, tmp_path, tiny_issued_report):
    """The document timestamp after the signature is the archive timestamp of B-LTA: the page
    names the level (in English too) and still finds the file authentic and unchanged."""
    from tests.local_tsa import install_local_tsa

    install_local_tsa(settings, monkeypatch, tmp_path)
    u = demo_users
    approve(seed_study, u)
    study = issuing.study_issue(study=seed_study, user=u["lead"])
    url = reverse("verify_report", args=[study.verification_code])
    data = study.issued_pdf.read()
    page = _upload(client, url, data).content.decode()
    assert 'data-authentic="true"' in page and "签发后文件未被改动" in page
    assert 'data-level="B-LTA"' in page and "并加有文档时间戳" in page and "（文档时间戳 20" in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = _upload(client, url, data).content.decode()
    assert 'data-level="B-LTA"' in page and "Signature level" in page and "plus a document timestamp" in page
