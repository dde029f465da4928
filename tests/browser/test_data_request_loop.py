"""The data request loop in a real browser, as the demo users: the auditor asks 中电华骋 for
two figures; the company's contact fills one in the browser and the other in the downloaded
workbook and attaches the PDF bill; the auditor rejects one value, the contact corrects it,
the auditor accepts (checked against the bill); the results change by the hand-computed
amount; the auditor rates the two accepted rows' data quality in the stage editor; the report
lists the bill, counts the verified figure and prints the product's data quality rating and
primary data share in its data-quality section, and the other company's contact reaches nothing."""

import io

import pytest
from openpyxl import load_workbook

from .conftest import PLAYWRIGHT_VIEWPORT

NUMBER = "202508175GHG"
# chromium comes from tests/browser/conftest.py's `new_page` (skipped where it is not installed)
pytestmark = pytest.mark.browser


def _login(new_page, username):
    return new_page(username, viewport=PLAYWRIGHT_VIEWPORT)


def _hv_total(page, live_server) -> float:
    page.goto(f"{live_server.url}/studies/{NUMBER}/results/")
    return float(page.locator("#total-HV").inner_text().replace(",", ""))


def _row(page, name):
    return page.locator(f"#request-rows tr[data-row-name='{name}']")


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_request_fill_in_browser_and_workbook_reject_correct_accept(live_server, new_page, demo, tmp_path,
                                                                     settings, screenshot_dir):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    auditor = _login(new_page, "auditor")
    before = _hv_total(auditor, live_server)

    # the auditor writes the request on the study's 数据请求 tab and sends it
    auditor.goto(f"{live_server.url}/studies/{NUMBER}/")
    auditor.click("#tab-requests")
    auditor.fill("#id_title", "2024 年能源数据")
    auditor.fill("#id_due_date", "2030-01-31")
    auditor.click("#create-request")
    auditor.wait_for_load_state()
    request_url = auditor.url
    for name, unit, extra in (("办公用电", "MWh", {"#id_factor_code": "CN-GRID-2022"}),
                              ("生产用电", "", {})):
        auditor.select_option("#id_study_product", label="HV 高压成套开关设备")
        auditor.select_option("#id_stage", value="production")
        auditor.fill("#id_name", name)
        auditor.fill("#id_unit", unit)
        auditor.fill("#id_expected_evidence", "电费发票")
        for selector, value in extra.items():
            auditor.fill(selector, value)
        if name == "生产用电":
            auditor.select_option("#id_activity", label="HV / 生产 / 生产用电 (kWh)")
        auditor.click("#add-row")
        auditor.wait_for_load_state()
    auditor.click("#send-request")
    auditor.wait_for_load_state()
    assert "已发送" in auditor.locator("#request-status").inner_text()

    # the other company's contact reaches neither the request nor its workbook
    outsider = _login(new_page, "client2")
    assert outsider.goto(request_url).status == 404
    assert outsider.goto(request_url + "workbook.xlsx").status == 404

    # the contact: dashboard → request; one row in the browser
    contact = _login(new_page, "client")
    contact.goto(f"{live_server.url}/")
    assert contact.locator("#inbox-unread").inner_text().startswith("1")
    contact.click("#open-requests a")
    office = _row(contact, "办公用电")
    office.locator("input[name$='-quantity']").fill("1.2")
    office.locator("input[name$='-unit']").fill("MWh")
    office.locator("[data-submit-row]").click()
    contact.wait_for_load_state()
    assert _row(contact, "办公用电").locator("[data-row-status]").get_attribute("data-row-status") == "submitted"

    # and attaches the electricity bill (a PDF) to it
    bill = tmp_path / "电费单-2024.pdf"
    bill.write_bytes(PDF)
    _row(contact, "办公用电").locator("[data-evidence-input]").set_input_files(str(bill))
    _row(contact, "办公用电").locator("[data-evidence-upload]").click()
    contact.wait_for_load_state()
    assert "电费单-2024.pdf" in _row(contact, "办公用电").locator("[data-evidence-file]").inner_text()

    # the other row through the workbook: a wrong unit first (the preview names the cell)
    with contact.expect_download() as download:
        contact.click("#download-workbook")
    wb = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = wb["rows"]
    codes = [c.value for c in sheet[1]]
    line = next(r for r in range(3, sheet.max_row + 1) if sheet.cell(row=r, column=4).value == "生产用电")

    def upload(unit):
        sheet.cell(row=line, column=codes.index("quantity") + 1, value=0.3)
        sheet.cell(row=line, column=codes.index("submitted_unit") + 1, value=unit)
        path = tmp_path / f"filled-{unit}.xlsx"
        wb.save(path)
        contact.goto(request_url)
        contact.set_input_files("#upload-file", str(path))
        contact.click("#upload-button")
        contact.wait_for_load_state()

    upload("t")
    assert f"rows!K{line}" in contact.locator("#import-problems").inner_text()
    upload("MWh")
    assert "生产用电" in contact.locator("#preview-rows").inner_text()
    contact.click("#confirm-upload")
    contact.wait_for_load_state()
    assert _row(contact, "生产用电").locator("[data-row-status]").get_attribute("data-row-status") == "submitted"
    assert _hv_total(auditor, live_server) == before  # nothing enters before it is accepted

    # the auditor rejects the office figure; the contact corrects it
    auditor.goto(request_url)
    row = _row(auditor, "办公用电")
    row.locator("[data-reject-open]").click()
    row.locator("[data-reject-comment]").fill("发票合计为 1.0 MWh")
    row.locator("[data-reject-row]").click()
    auditor.wait_for_load_state()
    contact.goto(request_url)
    assert "发票合计为 1.0 MWh" in _row(contact, "办公用电").inner_text()
    contact.screenshot(path=str(screenshot_dir / "data-request-company.png"), full_page=True)
    office = _row(contact, "办公用电")
    office.locator("input[name$='-quantity']").fill("1.0")
    office.locator("[data-submit-row]").click()
    contact.wait_for_load_state()

    # the auditor accepts both; the results change by (1000 kWh + (300 − 294) kWh) × 0.5366 / 84
    auditor.goto(request_url)
    auditor.screenshot(path=str(screenshot_dir / "data-request-auditor.png"), full_page=True)
    auditor.click("#accept-all")
    auditor.wait_for_load_state()
    assert "已关闭" in auditor.locator("#request-status").inner_text()
    after = _hv_total(auditor, live_server)
    assert after == pytest.approx(before + 1006 * 0.5366 / 84, abs=0.002)

    # the bill now supports the accepted activity record, on the study's evidence page
    from footprint.models import EvidenceFile

    evidence = EvidenceFile.objects.get(original_name="电费单-2024.pdf")
    assert evidence.activity is not None and evidence.activity.name == "办公用电"
    # accepted with "checked against the attached evidence" ticked (the default)
    assert (evidence.activity.verification, evidence.activity.verified_evidence) == ("verified", evidence)
    auditor.goto(f"{live_server.url}/studies/{NUMBER}/evidence/")
    assert "电费单-2024.pdf" in auditor.content()

    # the stage editor says who supplied the figure; the auditor rates the two accepted rows
    # (pedigree 1 best … 5 worst: reliability, completeness, temporal, geographical, technological)
    auditor.goto(f"{live_server.url}/studies/{NUMBER}/products/HV/?stage=production")
    assert "肖飞" in auditor.locator("[data-supplied-by]").first.inner_text()
    for name, ratings in (("办公用电", (1, 2, 1, 2, 1)), ("生产用电", (2, 2, 3, 2, 2))):
        row = auditor.locator("tbody.activity-row", has=auditor.locator(f"input[name$='-name'][value='{name}']"))
        if not row.locator("select[name$='-dq_reliability']").is_visible():
            row.locator("[data-toggle-extra]").click()
        for criterion, score in zip(("reliability", "completeness", "temporal", "geographical", "technological"),
                                    ratings, strict=True):
            row.locator(f"select[name$='-dq_{criterion}']").select_option(str(score))
    auditor.click("#save-stage")
    auditor.wait_for_selector("#saved-note")
    evidence.activity.refresh_from_db()
    assert evidence.activity.dq_temporal == 1 and evidence.activity.verification == "verified"

    # the report lists the bill in its evidence annex (name, type, SHA-256, the activity) and
    # counts the figure in its data-quality section: 11 activities now, one verified
    auditor.goto(f"{live_server.url}/studies/{NUMBER}/report/")
    annex = auditor.locator("table.evidence-table").inner_text()
    assert "电费单-2024.pdf" in annex and evidence.sha256 in annex and "办公用电" in annex
    report = auditor.locator("body").inner_text()
    assert "共有 11 项活动数据" in report
    hv_shares = auditor.locator("xpath=//div[contains(@class, 'caption')][contains(., '高压成套开关设备')]"
                                "/following-sibling::table[contains(@class, 'verification-shares')][1]")
    verified = hv_shares.locator("tr", has_text="已对照证据核实").locator("td").nth(1).inner_text()
    assert verified.strip() == "1"

    # and its data-quality section rates the product from the two rows the auditor rated:
    # weights 1000 : 300 kWh (same factor), so reliability (1·1000 + 2·300) / 1300 = 1.23,
    # completeness 2, temporal (1·1000 + 3·300) / 1300 = 1.46, geographical 2, technological
    # 1.23; DQR = 7.92 / 5 = 1.58. Primary data: all but the end-of-life electricity (secondary,
    # 3644.828 kWh × 0.5366 / 84 = 23.284 kg per unit) of the product's 226.496 + 1006 × 0.5366 / 84
    # = 232.922 kg → 90.0 %; verified by kgCO₂e 1000 × 0.5366 / 84 = 6.388 kg → 2.7 %, by count 1 of 6.
    statement = auditor.locator("p", has_text="数据质量评级").filter(has_text="高压成套开关设备").inner_text()
    assert "为 1.6（可靠性 1.2、完整性 2.0、时间相关性 1.5、地理相关性 2.0、技术相关性 1.2）" in statement
    assert "初级数据占排放量的 90.0\xa0%" in statement
    assert "2.7\xa0% 的数据已对照证据核实（按活动数 16.7\xa0%）" in statement
