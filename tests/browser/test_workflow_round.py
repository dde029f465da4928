"""The whole round in a real browser, as the demo users: the auditor sends the seed study for
review, the company contact comments on an activity and confirms, the auditor resolves the
comment and submits it, the lead verifier approves and issues, the contact downloads the
signed PDF and the signed English one beside it — and the contact of the other company can
reach none of it.

Issuing signs tests/tiny_report.py's one page in each language (its heading is the cover's, in
the file's language): this test is about the clicks, the people and the files they get; what the
issued report prints in each language is read on real renders (tests/reports/,
tests/services/workflow/test_issuing_languages.py)."""

import hashlib
import io
from pathlib import Path

import pytest

from footprint.models import Study

NUMBER = "202508175GHG"
# chromium comes from tests/browser/conftest.py's `browser` (skipped where it is not installed)
pytestmark = pytest.mark.browser


def _act(page, live_server, action, comment=""):
    page.goto(f"{live_server.url}/studies/{NUMBER}/workflow/")
    form = page.locator(f"form.workflow-action[data-action='{action}']")
    if comment:
        form.locator("input[name=comment]").fill(comment)
    # issuing renders and signs each complete language in the request (eager tasks in tests)
    form.locator("button").click(timeout=120_000 if action == "issue" else None)
    page.wait_for_load_state()
    return page.locator("#study-status").get_attribute("data-status")


def test_the_whole_round_from_draft_to_a_signed_pdf(live_server, new_page, demo, signing,
                                                    tiny_issued_report):
    # each person's page is logged in by session cookie (the form is clicked in test_journey)
    auditor = new_page("auditor")
    assert _act(auditor, live_server, "send_for_review", "请核对活动数据") == "client_review"

    # the other company's contact cannot reach the study, its PDFs or its history
    outsider = new_page("client2")
    for path in ("workflow/", "history/", "issued.pdf", "report.pdf"):
        response = outsider.goto(f"{live_server.url}/studies/{NUMBER}/{path}")
        assert response.status == 404, path

    contact = new_page("client")
    contact.goto(f"{live_server.url}/studies/{NUMBER}/workflow/")
    assert "请核对活动数据" in contact.locator(".workflow-timeline").inner_text()
    contact.select_option("#id_activity", label="HV · 生产 · 生产用电")
    contact.fill("#id_text", "生产用电是否包含办公楼用电？")
    contact.click("button:has-text('添加意见')")
    contact.wait_for_load_state()
    assert contact.locator("#unresolved-count").inner_text().startswith("1")
    assert _act(contact, live_server, "confirm", "数据已核对") == "client_confirmed"

    # the open comment blocks the technical review until the auditor resolves it
    auditor.goto(f"{live_server.url}/studies/{NUMBER}/workflow/")
    submit = auditor.locator("form.workflow-action[data-action='submit_for_technical_review'] button")
    assert submit.is_disabled()
    auditor.click("button:has-text('标记为已解决')")
    auditor.wait_for_load_state()
    assert _act(auditor, live_server, "submit_for_technical_review") == "technical_review"

    lead = new_page("lead")
    assert _act(lead, live_server, "approve", "技术评审通过") == "approved"
    assert _act(lead, live_server, "issue") == "issued"
    timeline = lead.locator(".workflow-timeline").inner_text()
    for who in ("张明远", "肖飞", "陈静"):
        assert who in timeline

    contact.goto(f"{live_server.url}/studies/{NUMBER}/workflow/")
    with contact.expect_download() as info:
        contact.click("#issued-pdf-link")
    data = Path(info.value.path()).read_bytes()
    study = Study.objects.get(report_number=NUMBER)
    assert hashlib.sha256(data).hexdigest() == study.issued_sha256

    from footprint.services.workflow.signing import check_pdf_signature

    assert check_pdf_signature(data).ok

    # the English signed file, from the study page's panel (the seed study's English wording
    # is complete, so it was signed with the Chinese one): signed, English, the one recorded
    contact.goto(f"{live_server.url}/studies/{NUMBER}/")
    with contact.expect_download() as info:
        contact.click("#signed-pdf-en")
    assert info.value.url.endswith(f"/studies/{NUMBER}/issued-en.pdf")
    english = Path(info.value.path()).read_bytes()
    assert english.startswith(b"%PDF-") and english != data
    assert study.issued_alt_language == "en"
    assert hashlib.sha256(english).hexdigest() == study.issued_alt_sha256
    assert check_pdf_signature(english).ok  # intact, trusted, certified, nothing appended
    from pypdf import PdfReader

    cover = PdfReader(io.BytesIO(english)).pages[0].extract_text()
    assert "Product Carbon Footprint Report" in cover and "碳足迹" not in cover

    # the public page, without login, says the downloaded file is the authentic one
    public = new_page()  # not logged in
    public.goto(f"{live_server.url}/verify/{study.verification_code}/")
    public.set_input_files("#id_file", files=[{"name": "r.pdf", "mimeType": "application/pdf",
                                               "buffer": data}])
    public.click("#verify-upload button")
    public.wait_for_load_state()
    assert public.locator("#verdict").get_attribute("data-authentic") == "true"
