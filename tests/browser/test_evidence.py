"""Evidence in real chromium: a file uploaded from an activity row of the stage editor, its
verification recorded on the row, the evidence tab listing it with a download link."""

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def test_upload_from_a_row_then_verify_it_against_the_file(page, demo, settings, tmp_path, screenshot_dir):
    from footprint.models import ActivityRecord, EvidenceFile

    settings.MEDIA_ROOT = str(tmp_path / "media")
    activity = ActivityRecord.objects.filter(stage__study_product__study__report_number="202508175GHG",
                                             stage__study_product__product__code="HV",
                                             stage__stage="production").order_by("position", "id").first()
    sign_in(page.context, page.base, "auditor")
    editor = page.base + "/studies/202508175GHG/products/HV/?stage=production"
    page.goto(editor)
    row = page.locator(f"#row-{activity.pk}")
    if not row.locator("[data-row-evidence-upload]").is_visible():
        row.locator("[data-toggle-extra]").click()
    row.locator("[data-row-evidence-file]").set_input_files(
        {"name": "电费单.pdf", "mimeType": "application/pdf", "buffer": PDF})
    row.locator("[data-row-evidence-upload]").click()
    page.wait_for_url("**/products/HV/?stage=production*")
    evidence = EvidenceFile.objects.get()
    assert evidence.activity_id == activity.pk and evidence.kind == "pdf"
    row = page.locator(f"#row-{activity.pk}")
    assert row.locator("[data-row-evidence]").inner_text().strip().endswith("电费单.pdf")
    # Record the figure as verified against that file, and save the stage.
    if not row.locator("[data-verification]").is_visible():
        row.locator("[data-toggle-extra]").click()
    row.locator("[data-verification]").select_option("verified")
    row.locator('[name$="-verified_evidence"]').select_option(str(evidence.pk))
    page.click("#save-stage")
    page.wait_for_selector("#saved-note")
    activity.refresh_from_db()
    assert (activity.verification, activity.verified_evidence_id) == ("verified", evidence.pk)
    # The evidence tab lists it with its download link.
    row.screenshot(path=str(screenshot_dir / "evidence-row.png"))
    page.goto(page.base + "/studies/202508175GHG/evidence/")
    page.screenshot(path=str(screenshot_dir / "evidence.png"), full_page=True)
    link = page.locator("#evidence-table a[download]")
    assert link.inner_text() == "电费单.pdf"
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename == "电费单.pdf"
