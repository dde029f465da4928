"""The factor library in a real browser: 导入 → choose a file → preview → confirm → the new
factor and the new version are in the library."""

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LIBRARY = (
    "code,name_zh,name_en,category,value,numerator_unit,denominator_unit,gas,region,data_year,"
    "source,published,notes\n"
    "MAT-BRASS,黄铜棒,brass rod,material,3.20,kg CO2e,kg,CO2e,CN,2023,供应商 EPD,2024-03,\n"
    "EX-MAT-STEEL,示例：热轧钢板,Example: hot-rolled steel sheet,material,2.25,kg CO2e,kg,CO2e,CN,2024,"
    "示例数据 / example data — not for real studies,,示例数据\n"
)


def test_import_a_library_from_the_factor_page(page, demo, tmp_path):
    from footprint.models import EmissionFactor

    path = tmp_path / "library.csv"
    path.write_text(LIBRARY, encoding="utf-8")
    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/factors/")
    page.click("#import-factors")
    page.set_input_files('input[type="file"]', str(path))
    page.click("#preview-factor-import")
    page.wait_for_selector("#factor-import-new")
    assert page.locator('[data-count="new"]').inner_text() == "1"
    assert page.locator('[data-count="changed"]').inner_text() == "1"
    assert "v1 → v2" in page.locator("#factor-import-changed").inner_text()
    page.click("#confirm-factor-import")
    page.wait_for_selector("#factor-table")
    assert "新增 1 个因子，1 个因子创建了新版本" in page.content()
    page.fill("#f-q", "brass")
    page.click("button:has-text('筛选')")
    page.wait_for_selector("#factor-table a:has-text('MAT-BRASS')")
    assert EmissionFactor.objects.get(code="EX-MAT-STEEL", is_current=True).version == 2


def test_a_large_library_is_previewed_and_imported_by_jobs_the_page_follows(page, demo, tmp_path, settings):
    """Jobs in a thread, as `make demo` runs them: the page polls the preview job, then shows
    the preview (htmx reloads it), and the import job's page follows it to done."""
    from footprint.models import BackgroundJob, EmissionFactor

    settings.IMPORT_JOB_MIN_ACTIVITIES = 2  # this file's 3 lines are a large one
    settings.JOBS_IN_THREAD = True
    path = tmp_path / "library.csv"
    path.write_text(LIBRARY, encoding="utf-8")
    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/factors/import/")
    page.set_input_files('input[type="file"]', str(path))
    page.click("#preview-factor-import")
    page.wait_for_url("**/factors/import/previews/*/")
    page.wait_for_selector("#factor-import-new")  # the job finished and htmx loaded the preview
    assert page.locator('[data-count="new"]').inner_text() == "1"
    assert "v1 → v2" in page.locator("#factor-import-changed").inner_text()
    page.click("#confirm-factor-import")
    page.wait_for_url("**/factors/import/jobs/*/")
    page.wait_for_selector("#factor-import-job-done")
    assert "新增 1 个因子，1 个因子创建了新版本" in page.inner_text("#factor-import-job")
    assert EmissionFactor.objects.get(code="EX-MAT-STEEL", is_current=True).version == 2
    assert set(BackgroundJob.objects.values_list("kind", "status")) == {("preview", "done"),
                                                                         ("library_import", "done")}
