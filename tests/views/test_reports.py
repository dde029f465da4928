"""Report download and preview: scoped by user, in the requested language.

The tests ask for seed_study before the users they make: the recorded demo is then replayed,
not built again (a write before it forces a real build, tests/snapshots.py)."""

from __future__ import annotations

import hashlib
from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from footprint.choices import StudyStatus
from footprint.reports.watermark import watermark_svg
from tests.reports.pdfcheck import pdftotext


@pytest.fixture
def fake_pdf(monkeypatch, settings, tmp_path):
    """Rendering replaced by a stub that records its calls; drafts cached in a fresh folder."""
    calls = []

    def render(study, *, language=None, final=False):
        calls.append((study.report_number, language, final))
        return b"%PDF-1.7 fake " + study.title.encode() + b"\n%%EOF\n"

    monkeypatch.setattr("footprint.reports.pdf.render_study_pdf", render)
    settings.MEDIA_ROOT = tmp_path / "media"
    return calls


def pdf_url(number="202508175GHG"):
    return reverse("report_pdf", args=[number])


def test_it_downloads_the_draft_pdf_in_the_study_language(client, seed_study, auditor, fake_pdf):
    client.force_login(auditor)
    response = client.get(pdf_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = unquote(response["Content-Disposition"])
    assert disposition.startswith("attachment;") and "202508175GHG_碳足迹报告_草稿_zh-hans.pdf" in disposition
    assert fake_pdf == [("202508175GHG", "zh-hans", False)]


def test_it_renders_english_on_request(client, seed_study, auditor, fake_pdf):
    client.force_login(auditor)
    response = client.get(pdf_url() + "?lang=en")
    assert "202508175GHG_PCF-report_draft_en.pdf" in response["Content-Disposition"]
    assert fake_pdf == [("202508175GHG", "en", False)]


def test_an_unknown_language_falls_back_to_the_study_language(client, seed_study, auditor, fake_pdf):
    client.force_login(auditor)
    client.get(pdf_url() + "?lang=fr")
    assert fake_pdf == [("202508175GHG", "zh-hans", False)]


def test_outsiders_get_404(client, seed_study, contact_a, contact_b, fake_pdf):
    for user in (contact_a, contact_b):
        client.force_login(user)
        assert client.get(pdf_url()).status_code == 404
        assert client.get(reverse("report_preview", args=["202508175GHG"])).status_code == 404
    assert fake_pdf == []


def test_the_company_contact_sees_it_once_sent(client, seed_study, fake_pdf):
    from footprint.models import User

    contact = User.objects.get(username="client")
    client.force_login(contact)
    assert client.get(pdf_url()).status_code == 404
    seed_study.status = StudyStatus.CLIENT_REVIEW
    seed_study.sent_to_client_at = timezone.now()
    seed_study.save()
    assert client.get(pdf_url()).status_code == 200


def test_anonymous_users_are_sent_to_log_in(client, seed_study, fake_pdf):
    response = client.get(pdf_url())
    assert response.status_code == 302 and "login" in response["Location"]


def test_an_issued_study_serves_its_signed_file(client, seed_study, auditor, fake_pdf, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_study.status = StudyStatus.ISSUED
    seed_study.issued_sha256 = hashlib.sha256(b"%PDF-1.7 signed").hexdigest()
    seed_study.issued_pdf.save("202508175GHG.pdf", ContentFile(b"%PDF-1.7 signed"), save=True)
    client.force_login(auditor)
    response = client.get(pdf_url())
    assert response.content == b"%PDF-1.7 signed"
    assert "草稿" not in unquote(response["Content-Disposition"])
    assert fake_pdf == []


def test_a_stored_file_that_no_longer_matches_its_hash_is_refused(client, seed_study, auditor, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_study.status = StudyStatus.ISSUED
    seed_study.issued_sha256 = hashlib.sha256(b"%PDF-1.7 signed").hexdigest()
    seed_study.issued_pdf.save("202508175GHG.pdf", ContentFile(b"%PDF-1.7 tampered"), save=True)
    client.force_login(auditor)
    client.raise_request_exception = False
    assert client.get(pdf_url()).status_code == 500


def test_preview_is_the_same_report_as_html(client, seed_study, auditor):
    client.force_login(auditor)
    response = client.get(reverse("report_preview", args=["202508175GHG"]) + "?lang=en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html and "Product Carbon Footprint Report" in html
    # the English watermark, drawn as outlines (no text in the PDF's text layer)
    assert "212.852" in html and f'<div class="watermark" aria-hidden="true">{watermark_svg("DRAFT")}</div>' in html
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.pdf
def test_it_really_renders_a_pdf(client, seed_study, auditor):
    # DEMO-2, the demo's smaller report (21 pages, the seed's 29): the view's real render,
    # whose pages tests/reports/ read
    client.force_login(auditor)
    response = client.get(pdf_url("DEMO-2"))
    assert response.content.startswith(b"%PDF-1.7") and len(response.content) > 50_000
    assert "DEMO-2" in pdftotext(response.content, first=2, last=2)  # that study's report


@pytest.mark.parametrize("name", ["report_pdf", "report_preview"])
def test_a_study_too_large_for_a_report_is_refused_quickly_with_a_message(client, seed_study, auditor, settings, name):
    # A 100,000-record study's PDF ran into the worker timeout; the seed has 10 records.
    import time

    settings.REPORT_MAX_ACTIVITIES = 9
    client.force_login(auditor)
    start = time.monotonic()
    response = client.get(reverse(name, args=["202508175GHG"]))
    assert time.monotonic() - start < 3
    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/plain")
    assert "有 10 条活动数据，超过报告生成的上限 9 条" in response.content.decode()
    settings.REPORT_MAX_ACTIVITIES = 10
    assert client.get(reverse("report_preview", args=["202508175GHG"])).status_code == 200


def _issue_with_files(study, *, english: bytes | None):
    zh = b"%PDF-1.7 signed zh"
    study.status = StudyStatus.ISSUED
    study.issue_date = timezone.localdate()
    study.verification_code = "code-seed"
    study.issued_sha256 = hashlib.sha256(zh).hexdigest()
    study.issued_pdf.save("202508175GHG.pdf", ContentFile(zh), save=False)
    if english is not None:
        study.issued_alt_language = "en"
        study.issued_alt_sha256 = hashlib.sha256(english).hexdigest()
        study.issued_alt_pdf.save("202508175GHG_en.pdf", ContentFile(english), save=False)
        study.issued_snapshot = {"files": {"zh-hans": study.issued_sha256, "en": study.issued_alt_sha256}}
    else:
        study.issued_snapshot = {"files": {"zh-hans": study.issued_sha256},
                                 "files_absent": {"en": {"untranslated": 3}}}
    study.save()
    return zh


def test_an_issued_study_serves_its_signed_english_file_too(client, seed_study, auditor, fake_pdf):
    zh = _issue_with_files(seed_study, english=b"%PDF-1.7 signed en")
    client.force_login(auditor)
    response = client.get(pdf_url() + "?lang=en")
    assert response.content == b"%PDF-1.7 signed en"
    assert "draft" not in unquote(response["Content-Disposition"])
    assert client.get(pdf_url() + "?lang=zh-hans").content == zh
    # its own download URL, named by language
    response = client.get(reverse("issued_pdf_language", args=["202508175GHG", "en"]))
    assert response.content == b"%PDF-1.7 signed en" and "202508175GHG_en.pdf" in response["Content-Disposition"]
    assert client.get(reverse("issued_pdf_language", args=["202508175GHG", "zh-hans"])).content == zh
    assert client.get(reverse("issued_pdf_language", args=["202508175GHG", "fr"])).status_code == 404
    assert fake_pdf == []  # nothing rendered: both are the signed files


def test_an_issued_study_without_english_gives_an_unsigned_draft_named_so(client, seed_study, auditor, fake_pdf):
    _issue_with_files(seed_study, english=None)
    client.force_login(auditor)
    response = client.get(pdf_url() + "?lang=en")
    assert response.content.startswith(b"%PDF-1.7 fake")  # rendered as a draft, with the watermark
    assert fake_pdf == [("202508175GHG", "en", False)]
    assert "202508175GHG_PCF-report_unsigned-draft_en.pdf" in unquote(response["Content-Disposition"])
    assert client.get(reverse("issued_pdf_language", args=["202508175GHG", "en"])).status_code == 404
