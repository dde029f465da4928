"""Downloading the draft PDF from the study page in a real browser: the link shows that the
report is being rendered, the file arrives under its report-number name, and a failed render
is said next to the buttons instead of leaving the auditor waiting.

What is checked is the link, the job and the file's name, not the report's pages (those are
tests/reports/'s): the draft job renders a one-page PDF (`tiny_draft_report`)."""

from pathlib import Path

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK_ZH = "[data-testid=report-pdf-zh]"
LINK_EN = "[data-testid=report-pdf-en]"


def test_the_draft_pdf_link_shows_progress_and_delivers_the_file(page, demo, tiny_draft_report):
    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/studies/202508175GHG/")
    tiny_draft_report.clear()  # the render waits until the page has been looked at
    with page.expect_download() as info:
        page.click(LINK_ZH)
        # rendering takes a few seconds: the link turns busy at once
        page.wait_for_selector(f"{LINK_ZH}[aria-busy=true] .busy-spinner")
        assert "正在生成 PDF" in page.locator("#report-status").inner_text()
        tiny_draft_report.set()
    download = info.value
    assert download.suggested_filename == "202508175GHG_碳足迹报告_草稿_zh-hans.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF-")
    page.wait_for_selector(f"{LINK_ZH}[aria-busy=false]")
    assert page.locator(f"{LINK_ZH} .busy-spinner").count() == 0
    assert page.locator("#report-status").inner_text() == ""


def test_a_failed_render_is_reported_next_to_the_buttons(page, demo, tiny_draft_report):
    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/studies/202508175GHG/")
    page.route("**/report.pdf?lang=en", lambda route: route.fulfill(status=500, body="error"))
    page.click(LINK_EN)
    page.wait_for_selector("#report-status.text-danger")
    assert "PDF 生成失败" in page.locator("#report-status").inner_text()
    assert page.locator(LINK_EN).get_attribute("aria-busy") == "false"
    # the link still works afterwards
    page.unroute("**/report.pdf?lang=en")
    with page.expect_download() as info:
        page.click(LINK_EN)
    assert info.value.suggested_filename == "202508175GHG_PCF-report_draft_en.pdf"
