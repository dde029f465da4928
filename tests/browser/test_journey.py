"""A new study's journey, as each role clicks it (issue 13): from an auditor's workbook to a
signed report the public verification page accepts — with no dead end on the way.

The auditor exports the seed study as a workbook, gives it a new report number and imports it
(the preview asks for the lead verifier), edits a quantity, and sends it to the company; the
company confirms; the auditor submits it; the lead verifier, whose dashboard opens on what
waits for them, approves and issues; the company contact downloads the signed PDF and the
public page verifies it. At every step the next action is enabled: every blocker is shown (and
enforced) before the step that would need it, so nobody ever finds a button disabled that
only a return to draft could enable. The time of the run is printed (docs/journey.md).
"""

import hashlib
import io
import re
import time
from pathlib import Path

import pytest

from .conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed"),
]

SEED = "202508175GHG"
NEW = "JOURNEY-1"


def _session(new_page, username, *, through_the_form=True):
    """A user's browser, logged in through the login form (the auditor, who starts the
    journey: on the dashboard) or by the session cookie the form sets (no page loaded yet)."""
    if not through_the_form:
        return new_page(username, timeout=20_000)
    page = new_page(timeout=20_000)
    page.goto(f"{page.base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"{username}-demo")
    page.click("#login-button")
    page.wait_for_url(f"{page.base}/")
    return page


def _no_dead_end(page, action):
    """The action's button is there and enabled, and no action on the page lists a blocker."""
    # A click that follows a link returns once the next page has started loading: its buttons
    # are counted when it has loaded, not while it is parsed (CI once counted none).
    page.wait_for_load_state()
    button = page.locator(f"form.workflow-action[data-action='{action}'] button").first
    assert button.count() == 1, f"no “{action}” button on {page.url}"
    blockers = page.locator(".action-blockers").all_inner_texts()
    assert not blockers, f"blockers before “{action}”: {blockers}"
    assert button.is_enabled(), f"“{action}” is disabled on {page.url}"
    return button


ISSUE_TIMEOUT_MS = 120_000


def _act(page, action):
    """Click the action's button where the user is (study page or workflow page)."""
    # Issuing renders and signs the report in each language whose wording is complete (tasks
    # run eagerly in tests): on a loaded 2-core CI machine that outlasts the default 20 s.
    _no_dead_end(page, action).click(timeout=ISSUE_TIMEOUT_MS if action == "issue" else None)
    page.wait_for_load_state()
    # wherever an action lands, the study's tabs and a linked breadcrumb lead back
    assert page.locator(f".breadcrumb a[href$='/studies/{NEW}/']").count() == 1
    return page.locator("#study-status, #workflow-panel [data-status]").first.get_attribute("data-status")


# Issuing signs a one-page report (tests/tiny_report.py): the journey is about the clicks, the
# buttons and the signed file's round trip, not the report's pages (tests/reports/ render those;
# test_workflow_round.py issues the real report in both languages in the browser).
def test_from_an_auditors_workbook_to_a_verified_signed_report(new_page, live_server, demo, signing,
                                                               tiny_issued_report):
    from openpyxl import load_workbook

    from footprint.models import ActivityRecord, Study

    started = time.perf_counter()
    base = live_server.url
    auditor = _session(new_page, "auditor")

    # 1. the seed study as a workbook
    auditor.goto(f"{base}/studies/{SEED}/")
    with auditor.expect_download() as download:
        auditor.click(f"a[href='/studies/{SEED}/export.xlsx']")
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))

    # 2. a new report number, as an auditor would type it in the study sheet
    for row in workbook["study"].iter_rows():
        if row[0].value == "report_number":
            row[1].value = NEW
    edited = io.BytesIO()
    workbook.save(edited)

    # 3. import: the preview speaks the user's language, shows the totals and checks, and
    #    asks for the people the file cannot name
    auditor.goto(f"{base}/studies/import/")
    auditor.set_input_files("#id_file", files=[{
        "name": f"{NEW}.xlsx", "buffer": edited.getvalue(),
        "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}])
    auditor.click("#preview-import")
    auditor.wait_for_selector("#confirm-import")
    assert "摇篮到坟墓" in auditor.inner_text("#preview-boundary")
    assert "IPCC 第五次评估报告" in auditor.inner_text("#preview-gwp")
    assert auditor.inner_text("[data-preview-total='LV']").startswith("212.852")
    assert auditor.locator("#preview-checks").is_visible()
    assert auditor.locator("#import-people #id_lead_verifier").is_visible()
    auditor.select_option("#import-people #id_lead_verifier", label="陈静 (lead)")
    auditor.click("#confirm-import")
    auditor.wait_for_url(f"{base}/studies/{NEW}/")
    study = Study.objects.get(report_number=NEW)
    assert study.lead_verifier.username == "lead"

    # 4. edit a quantity in the stage editor (saved in place)
    auditor.click(f"a[href='/studies/{NEW}/products/LV/']")
    auditor.wait_for_selector("#stage-editor")
    first = auditor.locator("tbody.activity-row[id^=row-]").first
    prefix = first.get_attribute("data-prefix")
    record_id = int(first.get_attribute("id").removeprefix("row-"))
    auditor.fill(f'[name="{prefix}-quantity"]', "12345")
    auditor.click("#save-stage")
    auditor.wait_for_selector('#stage-editor[data-saved="1"]')
    assert ActivityRecord.objects.get(pk=record_id).quantity == 12345
    auditor.click(f".breadcrumb a[href='/studies/{NEW}/']")
    auditor.wait_for_url(f"{base}/studies/{NEW}/")

    # 5. to the company: nothing stands in the way, because nothing was left for later
    assert _act(auditor, "send_for_review") == "client_review"

    # 6. the company contact confirms the data (and sees what is asked of them)
    contact = _session(new_page, "client", through_the_form=False)
    contact.goto(f"{base}/")
    contact.click(f"#study-table a[href='/studies/{NEW}/']")
    assert "确认数据" in contact.inner_text("#asked-of-you")
    assert contact.locator("#report-missing").count() == 0  # no internal blockers
    assert _act(contact, "confirm") == "client_confirmed"

    # 7. the auditor submits it for the technical review
    auditor.goto(f"{base}/studies/{NEW}/")
    assert _act(auditor, "submit_for_technical_review") == "technical_review"

    # 8. the lead verifier: the dashboard opens on what waits for them
    lead = _session(new_page, "lead", through_the_form=False)
    lead.goto(f"{base}/")
    assert lead.locator("#view-waiting.active").count() == 1
    lead.click(f"#study-table a[href='/studies/{NEW}/']")
    assert _act(lead, "approve") == "approved"
    assert _act(lead, "issue") == "issued"
    lead.click(f".nav-tabs a[href='/studies/{NEW}/']")  # back to the study from the workflow page
    lead.wait_for_url(f"{base}/studies/{NEW}/")
    assert lead.locator("#signed-files").is_visible() and lead.locator("#report-missing").count() == 0

    # 9. the client downloads the signed report from the study page …
    contact.goto(f"{base}/studies/{NEW}/")
    with contact.expect_download() as download:
        contact.click("#signed-pdf")
    data = Path(download.value.path()).read_bytes()
    study.refresh_from_db()
    assert hashlib.sha256(data).hexdigest() == study.issued_sha256

    # 10. … and the public page, reached from the study page without login, says it is authentic
    verify_url = contact.locator("#verify-link").get_attribute("href")
    public = new_page()
    public.goto(base + verify_url)
    public.set_input_files("#id_file", files=[{"name": "r.pdf", "mimeType": "application/pdf",
                                               "buffer": data}])
    public.click("#verify-upload button")
    public.wait_for_load_state()
    assert public.locator("#verdict").get_attribute("data-authentic") == "true"

    elapsed = time.perf_counter() - started
    print(f"\njourney: workbook → signed, verified report in {elapsed:.1f} s of browser work")
    for page in (auditor, contact, lead):
        assert not page.errors, page.errors
    assert elapsed < 300  # the issue's goal: under five minutes


def test_a_study_without_a_lead_verifier_shows_the_blocker_before_sending_with_a_way_out(
        new_page, live_server, demo):
    from footprint.models import Study

    Study.objects.filter(report_number=SEED).update(lead_verifier=None)
    auditor = _session(new_page, "auditor", through_the_form=False)
    auditor.goto(f"{live_server.url}/studies/{SEED}/")
    send = auditor.locator("form.workflow-action[data-action='send_for_review'] button")
    assert send.is_disabled()
    blocker = auditor.locator("[data-blockers-for='send_for_review'] a[data-fix-link]")
    assert "技术负责人" in blocker.inner_text()
    blocker.click()
    auditor.wait_for_url(re.compile(rf".*/studies/{SEED}/team/#people$"))
    auditor.select_option("#id_lead_verifier", label="陈静 (lead)")
    auditor.click("#save-team")
    auditor.wait_for_selector(".alert-success")
    auditor.click(f".breadcrumb a[href='/studies/{SEED}/']")
    auditor.wait_for_url(f"{auditor.base}/studies/{SEED}/")
    assert auditor.locator("form.workflow-action[data-action='send_for_review'] button").is_enabled()
