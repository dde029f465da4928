"""Layouts the pages promise (README: laptop 1366 px and tablet): measured in chromium."""

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEED = "202508175GHG"

OVERFLOW_JS = "el => el.scrollWidth - el.clientWidth"


def test_the_english_study_page_fits_a_laptop(page, demo):
    sign_in(page.context, page.base, "auditor")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": page.base}])
    page.goto(f"{page.base}/studies/{SEED}/")
    table = page.locator("#study-products .table-responsive")
    assert table.evaluate(OVERFLOW_JS) <= 0  # nothing cut off: the remove buttons are in view
    line = page.locator("#study-products td.col-product").first.evaluate(
        "el => parseFloat(getComputedStyle(el).lineHeight)")
    for cell in page.locator("#study-products td.col-product").all():
        assert cell.bounding_box()["height"] <= 2 * line + 16  # a name on at most two lines
    for button in page.locator("#study-products button[title]").all():
        box = button.bounding_box()
        assert box["x"] + box["width"] <= 1366


@pytest.mark.parametrize("width", [820, 1366])
def test_the_stage_editor_shows_every_field_whole_on_a_tablet_and_a_laptop(page, demo, width):
    sign_in(page.context, page.base, "auditor")
    page.set_viewport_size({"width": width, "height": 1180})
    page.goto(f"{page.base}/studies/{SEED}/products/LV/?stage=raw_material_acquisition")
    assert page.locator("#stage-editor .table-responsive").evaluate(OVERFLOW_JS) <= 0
    quantity = page.locator("[name$='-quantity']").first
    assert quantity.input_value() == "94594493.664"
    # the whole number is in view, not "9459449…"
    assert quantity.evaluate("el => el.scrollWidth <= el.clientWidth")
    for name in ("unit", "basis", "allocation", "data_type", "source"):
        field = page.locator(f"[name$='-{name}']").first
        assert field.is_visible()
        box = field.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, name


def test_a_locked_study_shows_a_long_source_whole_in_the_stage_editor(page, demo):
    from footprint.choices import StudyStatus
    from footprint.models import ActivityRecord, Study

    long_source = "供应商提供的2024年度能源消耗台账及第三方检测报告（编号 LAB-2024-0917）" * 3
    ActivityRecord.objects.filter(
        stage__study_product__study__report_number=SEED, stage__study_product__product__code="LV",
        stage__stage="raw_material_acquisition").update(source=long_source)
    Study.objects.filter(report_number=SEED).update(status=StudyStatus.ISSUED)
    sign_in(page.context, page.base, "auditor")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{page.base}/studies/{SEED}/products/LV/?stage=raw_material_acquisition")
    source = page.locator("[data-readonly='source']").first
    assert source.inner_text() == long_source
    assert source.evaluate("el => el.scrollWidth <= el.clientWidth")  # wraps, nothing cut off
    assert source.bounding_box()["height"] > 40  # on several lines
    assert page.locator("#stage-editor .table-responsive").evaluate(OVERFLOW_JS) <= 0
