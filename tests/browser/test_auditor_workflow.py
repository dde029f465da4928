"""An auditor works through the browser: from an empty company to results that match
`manage.py calculate`, a workbook with an error, the language switch, and the screenshots."""

import io
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import login, settle, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROWS = [
    # stage tab, name, quantity, unit, factor code
    ("raw_material_acquisition", "外购件生产用电", "50000", "kWh", "CN-GRID-2022"),
    ("raw_material_transport", "原材料运输柴油", "2", "t", "CN-DIESEL"),
    ("production", "车间用电", "12", "MWh", "CN-GRID-EAST-2023"),
]


def _calculate_json(report_number: str) -> dict:
    out = io.StringIO()
    call_command("calculate", report_number, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def _add_activity(page, name, quantity, unit, factor_code):
    page.click("#add-row")
    row = page.locator("tbody.activity-row.row-new").last
    prefix = row.get_attribute("data-prefix")
    page.fill(f'[name="{prefix}-name"]', name)
    page.fill(f'[name="{prefix}-quantity"]', quantity)
    row.locator("[data-pick-factor]").click()
    page.wait_for_selector("#factor-picker.show")
    page.fill("#picker-q", factor_code)
    # Wait until the search has answered (one match) so the click cannot land on the list
    # that the opening of the picker loaded and the search is replacing.
    page.wait_for_function(
        """code => { const b = document.querySelectorAll('#factor-picker-results [data-choose-factor]');
                     return b.length === 1 && b[0].dataset.code === code; }""", arg=factor_code)
    page.locator(f'#factor-picker-results [data-choose-factor][data-code="{factor_code}"]').click()
    page.wait_for_selector("#factor-picker", state="hidden")
    assert page.locator(f'[name="{prefix}-factor"]').input_value()
    unit_input = page.locator(f'[name="{prefix}-unit"]')
    unit_input.fill(unit)
    unit_input.dispatch_event("input")
    return prefix


def test_an_auditor_builds_a_study_from_scratch_and_sees_the_calculated_totals(
    page, demo, screenshot_dir, settings, tmp_path
):
    from footprint.models import Study
    from footprint.services.results import study_results

    login(page, "auditor", "auditor-demo")

    # A company and its product.
    page.click("text=企业")
    page.click("#new-company")
    page.fill("#id_name", "浏览器测试企业")
    page.fill("#id_address", "上海市浦东新区")
    page.click("#save-company")
    page.wait_for_selector("h1:has-text('浏览器测试企业')")
    page.click("#new-product")
    page.fill("#id_code", "BT-1")
    page.fill("#id_name", "测试配电柜")
    page.fill("#id_functional_unit", "1 台")
    page.click("#save-product")
    page.wait_for_selector("#products td:has-text('BT-1')")

    # A study of that company.
    page.click("#new-study-for-company")
    page.fill("#id_report_number", "WEB-1")
    page.fill("#id_title", "测试配电柜产品碳足迹报告")
    page.fill("#id_period_start", "2025-01-01")
    page.fill("#id_period_end", "2025-12-31")
    page.select_option("#id_gwp_set", "AR6")
    page.select_option("#id_boundary", "cradle_to_gate")
    page.click("#save-study")
    page.wait_for_url(re.compile(r".*/studies/WEB-1/$"))

    # The product with its annual output, then its stages.
    page.select_option("#id_product", label="BT-1 · 测试配电柜 (1 台)")
    page.fill("#id_annual_output", "1000")
    page.click("#add-product")
    page.wait_for_url(re.compile(r".*/studies/WEB-1/products/BT-1/.*"))

    for stage, name, quantity, unit, factor in ROWS:
        page.click(f'#stage-nav a[data-stage="{stage}"]')
        page.wait_for_selector(f'#stage-nav a.active[data-stage="{stage}"]')
        prefix = _add_activity(page, name, quantity, unit, factor)
        if stage == "production":
            # Units are checked as they are typed: kg cannot go with a per-kWh factor.
            unit_input = page.locator(f'[name="{prefix}-unit"]')
            unit_input.fill("kg")
            unit_input.dispatch_event("input")
            page.wait_for_selector(f'[name="{prefix}-unit"].is-invalid')
            feedback = page.locator(f'tbody[data-prefix="{prefix}"] [data-unit-feedback]')
            assert "kWh" in feedback.inner_text()
            unit_input.fill(unit)
            unit_input.dispatch_event("input")
            page.wait_for_selector(f'[name="{prefix}-unit"].is-valid')
        page.click("#save-stage")
        # htmx swaps the stage in place: the new row now has an id and a computed value.
        page.wait_for_selector("#stage-editor tbody.activity-row[id^=row-] [data-row-kg]")

    study = Study.objects.get(report_number="WEB-1")
    result = study_results(study).products[0]
    shown_total = page.locator('#product-total [data-product-total="BT-1"]').inner_text()
    assert shown_total == f"{result.total_kgco2e:,.3f}"
    for stage_result in result.stages:
        shown = page.locator(f'#stage-nav [data-stage-total="{stage_result.stage}"]').inner_text()
        assert shown == f"{stage_result.kgco2e:,.3f}"

    # Hand-computed: 50,000 kWh × 0.5366 + 2 t diesel × 3,145.1… kg/t + 12 MWh × 550 kg/MWh, per 1,000 units.
    diesel = 43.330 * 20.20 * 0.98 * 44 / 12  # kg CO2 per t: GJ/t × t C/TJ … (GJ·t/TJ = kg)
    expected = (50_000 * 0.5366 + 2 * diesel + 12_000 * 0.5500) / 1000
    assert abs(result.total_kgco2e - expected) < 1e-9

    # The same numbers as the command line.
    calculated = _calculate_json("WEB-1")["products"][0]
    assert f"{calculated['total_kgco2e']:,.3f}" == shown_total

    # Results page: same total, stage table, charts.
    page.click("text=结果与检查")
    page.wait_for_selector("#total-BT-1")
    assert page.locator("#total-BT-1").inner_text() == shown_total
    # The two stage charts come with the page; the Monte Carlo card (histogram and tornado)
    # arrives by its own request after it.
    assert page.locator("#product-BT-1 svg.pcf-chart:not(.pcf-histogram):not(.pcf-tornado)").count() == 2
    page.wait_for_selector("#product-BT-1 svg.pcf-histogram")
    assert page.locator("#product-BT-1 svg.pcf-tornado").count() == 1
    assert page.locator("#product-BT-1 .stage-table tbody tr").count() == 3

    # ... and on to a report the lead verifier may approve, without the admin.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _complete_the_report(page, screenshot_dir, tmp_path)


def _blocking(page) -> dict[str, str]:
    """The blocking items of the study page's report panel: data-field → link (or "")."""
    items = {}
    for item in page.locator('#report-missing li[data-blocking="true"]').all():
        link = item.locator("a[data-fix-link]")
        items[item.get_attribute("data-field")] = link.get_attribute("href") if link.count() else ""
    return items


def _follow(page, field):
    """Click the panel's link for a missing element (the study page must be open)."""
    page.locator(f'#report-missing li[data-field="{field}"] a[data-fix-link]').click()
    page.wait_for_load_state()


def _cabinet_photo(path: Path) -> Path:
    """A drawn stand-in for a photo of the product: a cabinet with two doors."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (900, 1200), (236, 240, 244))
    draw = ImageDraw.Draw(image)
    draw.rectangle((180, 80, 720, 1120), fill=(178, 186, 196), outline=(90, 98, 110), width=8)
    for left in (200, 460):
        draw.rectangle((left, 110, left + 240, 1090), fill=(200, 207, 215), outline=(90, 98, 110), width=5)
        draw.rectangle((left + 200, 560, left + 215, 660), fill=(60, 66, 76))
    draw.rectangle((250, 160, 390, 240), fill=(40, 120, 80))
    image.save(path, "JPEG", quality=90)
    return path


def _complete_the_report(page, screenshot_dir, tmp_path):
    from footprint.models import Study
    from footprint.services.workflow import transitions

    # Cradle to grave: three more stages, empty, each needs the reason it is excluded.
    page.goto(page.base + "/studies/WEB-1/edit/")
    page.select_option("#id_boundary", "cradle_to_grave")
    page.click("#save-study")
    page.wait_for_url(re.compile(r".*/studies/WEB-1/$"))
    blocking = _blocking(page)
    assert set(blocking) == {
        "company.contact_name", "study.product_function", "study.process_flow",
        "study.allocation", "study.cut_off", "stage:BT-1:distribution", "stage:BT-1:use",
        "stage:BT-1:end_of_life", "team", "study.lead_verifier",
    }, blocking
    assert all(blocking.values()), "every blocking element links to where it is filled in"

    _follow(page, "company.contact_name")
    page.fill("#id_contact_name", "王经理")
    page.click("#save-company")
    # back to the study (?next=); the browser keeps the link's #fragment across the redirect
    page.wait_for_url(re.compile(r".*/studies/WEB-1/(#.*)?$"))

    _follow(page, "study.product_function")
    for key, text in (("product_function", "配电柜用于低压配电。"), ("process_flow", "下料、折弯、装配、检验。"),
                      ("allocation", "单一产品，不分配。"), ("cut_off", "质量占比低于 1% 的辅料不计。")):
        page.fill(f"#id_{key}", text)
    page.click("#save-narrative")
    page.wait_for_selector(".alert-success")

    # The other links of the panel, as read from it above, straight (not back to the study page
    # before each: a click follows the same href, and the end shows that nothing is left).
    for stage in ("distribution", "use", "end_of_life"):
        page.goto(page.base + blocking[f"stage:BT-1:{stage}"])
        assert page.locator(f'#stage-nav a.active[data-stage="{stage}"]').count() == 1
        page.fill("#id_stage-exclusion_reason", "产品出厂后的阶段不在本次研究范围内。")
        page.click("#save-stage")
        page.wait_for_selector('#stage-editor[data-saved="1"]')

    # The people: the lead verifier, and the team from the auditor's own profile.
    page.goto(page.base + blocking["team"])
    assert page.locator("#people-to-team [data-person=auditor]").inner_text().count("个人资料中没有证书号") == 1
    page.click("#people-to-team [data-person=auditor] a")  # 填写个人资料, comes back here
    page.fill("#id_certificate_number", "2026-CCAA-GHG1-0000001")
    page.fill("#id_organisation", "示例国际检测认证有限公司")
    page.click("#save-profile")
    page.wait_for_url(re.compile(r".*/studies/WEB-1/team/$"))
    page.select_option("#id_lead_verifier", label="陈静 (lead)")
    page.click("#people-to-team [data-add-person=auditor]")
    page.wait_for_selector("#team-form .alert-success, .alert-success")
    assert page.locator("#id_team-0-name").input_value() == "张明远"
    assert page.locator("#id_team-0-certificate_number").input_value() == "2026-CCAA-GHG1-0000001"
    assert page.locator("#id_team-0-role").input_value() == "组长"
    # A second member typed by hand, moved up, then saved.
    page.click("#add-member")
    page.fill("#id_team-1-name", "外聘专家")
    page.fill("#id_team-1-organisation", "某大学环境学院")
    page.fill("#id_team-1-certificate_number", "2026-CCAA-GHG1-0000002")
    page.fill("#id_team-1-role", "技术专家")
    page.locator("tr:has(#id_team-1-name) [data-formset-move=up]").click()
    page.click("#save-team")
    page.wait_for_selector(".alert-success")
    study = Study.objects.get(report_number="WEB-1")
    assert [m.name for m in study.team.all()] == ["外聘专家", "张明远"]
    assert study.lead_verifier.username == "lead"
    page.screenshot(path=str(screenshot_dir / "team.png"), full_page=True)

    # A product image for section 2.3.
    page.click("#tab-images")
    page.set_input_files("#id_image", str(_cabinet_photo(tmp_path / "IMG_0001.jpg")))
    page.fill("#id_caption", "图 测试配电柜外观")
    page.click("#upload-image")
    page.wait_for_selector('#study-images [data-image="图 测试配电柜外观.jpg"] img')
    # the thumbnail is served and decodes (waits for it to load; times out if it never does)
    page.wait_for_function(
        "() => { const img = document.querySelector('#study-images img');"
        " return img && img.complete && img.naturalWidth > 0; }")
    page.screenshot(path=str(screenshot_dir / "product-images.png"), full_page=True)

    # Nothing blocks the approval any more: the panel says so, and so does the workflow.
    page.goto(page.base + "/studies/WEB-1/")
    assert _blocking(page) == {}
    assert page.locator('#report-missing li[data-blocking="false"]').count() >= 1  # only advice left
    assert transitions.approval_blockers(Study.objects.get(report_number="WEB-1")) == []


def test_a_workbook_with_an_error_is_reported_row_by_row_and_nothing_is_saved(
    page, demo, tmp_path, screenshot_dir
):
    from openpyxl import load_workbook

    from footprint.models import Study
    from footprint.services.interchange.exporting import study_to_workbook

    seed = Study.objects.get(report_number="202508175GHG")
    workbook = load_workbook(io.BytesIO(study_to_workbook(seed, for_licensee=True)))
    study_sheet = workbook["study"]
    for row in study_sheet.iter_rows(min_row=2):
        if row[0].value == "report_number":
            row[1].value = "UPLOAD-1"
    activities = workbook["activities"]
    header = [c.value for c in activities[1]]
    unit = activities.cell(row=3, column=header.index("unit") + 1)  # row 2: the column names
    original_unit = unit.value
    unit.value = "bogus-unit"
    path = Path(tmp_path) / "with-error.xlsx"
    workbook.save(path)

    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/")
    page.click("text=导入")
    page.set_input_files("#id_file", str(path))
    page.click("#preview-import")
    page.wait_for_selector("#import-problems")
    problems = page.locator("#import-problems tbody tr")
    assert problems.count() == 1
    text = problems.first.inner_text()
    assert "activities" in text and "3" in text and "bogus-unit" in text
    assert page.locator("#confirm-import").count() == 0
    page.screenshot(path=str(screenshot_dir / "import-preview.png"), full_page=True)
    assert not Study.objects.filter(report_number="UPLOAD-1").exists()

    # Fixed, the same file previews cleanly and imports whole on confirmation.
    activities.cell(row=3, column=header.index("unit") + 1, value=original_unit)
    workbook.save(path)
    page.click("text=重新上传")
    page.set_input_files("#id_file", str(path))
    page.click("#preview-import")
    page.click("#confirm-import")
    page.wait_for_url(re.compile(r".*/studies/UPLOAD-1/$"))
    assert Study.objects.get(report_number="UPLOAD-1").study_products.count() == 2


def test_the_language_switch_turns_the_interface_to_english_and_back(page, demo):
    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.select_option("#language-switch", "en")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("#language-switch").input_value() == "en"
    page.goto(page.base + "/studies/202508175GHG/results/")
    assert page.locator("html").get_attribute("lang") == "en"
    page.select_option("#language-switch", "zh-hans")
    page.wait_for_selector("html[lang=zh-CN]")


def test_screenshots_of_the_main_pages(page, demo, screenshot_dir):
    sign_in(page.context, page.base, "auditor")
    shots = {
        "dashboard.png": "/",
        "study.png": "/studies/202508175GHG/",
        "stage-editor.png": "/studies/202508175GHG/products/HV/?stage=production",
        "results.png": "/studies/202508175GHG/results/",
        "factor-library.png": "/factors/",
        "narrative.png": "/studies/202508175GHG/narrative/",
        "english.png": "/studies/202508175GHG/english/",
    }
    for name, url in shots.items():
        page.goto(page.base + url)
        settle(page)
        page.screenshot(path=str(screenshot_dir / name), full_page=name in ("results.png",))
        assert (screenshot_dir / name).stat().st_size > 10_000


def test_copying_and_deleting_rows_in_the_stage_editor(page, demo):
    from footprint.models import ActivityRecord, Study
    from footprint.services.results import study_results

    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/studies/202508175GHG/products/LV/?stage=production")
    original = page.locator("#stage-editor tbody.activity-row").first
    row_kg = float(original.locator("[data-row-kg]").inner_text())
    total_before = float(page.locator('[data-product-total="LV"]').inner_text().replace(",", ""))

    original.locator("[data-copy-row]").click()
    copy = page.locator("tbody.activity-row.row-new").last
    prefix = copy.get_attribute("data-prefix")
    assert page.locator(f'[name="{prefix}-name"]').input_value() == "生产用电"
    page.fill(f'[name="{prefix}-name"]', "生产用电（复制）")
    page.click("#save-stage")
    page.wait_for_selector("#stage-editor tbody.activity-row[id^=row-] >> nth=1")
    total_after = float(page.locator('[data-product-total="LV"]').inner_text().replace(",", ""))
    assert total_after == pytest.approx(total_before + row_kg, abs=0.0011)
    copied = ActivityRecord.objects.get(name="生产用电（复制）")

    page.locator(f'#row-{copied.pk} label[for$="-DELETE"]').click()
    assert "row-deleted" in (page.locator(f"#row-{copied.pk} tr").first.get_attribute("class") or "")
    page.click("#save-stage")
    page.wait_for_selector(f"#row-{copied.pk}", state="detached")
    assert not ActivityRecord.objects.filter(pk=copied.pk).exists()
    lv = study_results(Study.objects.get(report_number="202508175GHG")).product("LV")
    assert page.locator('[data-product-total="LV"]').inner_text() == f"{lv.total_kgco2e:,.3f}"
