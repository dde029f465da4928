"""The results page in a real browser: the Monte Carlo cards arrive after the page (htmx, no
inline script or style under the CSP) with the histogram and its deterministic mark."""

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_histogram_appears_in_each_products_card(page, demo, screenshot_dir):
    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/studies/202508175GHG/results/")
    page.wait_for_selector("#uncertainty-LV svg.pcf-histogram")
    # a vertical line has no width: attached, not "visible" to Playwright
    page.wait_for_selector("#uncertainty-LV line[data-mark=deterministic]", state="attached")
    page.wait_for_selector("#uncertainty-HV svg.pcf-tornado")
    card = page.locator("#uncertainty-LV")
    assert "212.852" in card.locator("table.uncertainty-summary").inner_text()
    assert page.locator("svg.pcf-histogram").count() == 2
    assert "的概率" in page.locator("#uncertainty-comparison").inner_text()
    card.scroll_into_view_if_needed()
    card.screenshot(path=str(screenshot_dir / "results-uncertainty.png"))
