"""The English wording page in a real browser: the auditor translates a name, saves (with the
suggestions other studies gave), and the count of untranslated texts goes down; the English
preview prints the translation."""

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_translating_a_name_on_the_english_page(page, demo):
    from footprint.models import Study

    Study.objects.filter(report_number="DEMO-2").update(translations={})
    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/studies/DEMO-2/")
    page.click("#tab-english")
    before = int(page.locator("#translation-gaps").get_attribute("data-count"))
    assert before > 0
    # texts the seed study already translates (生产用电, 1 台, …) come filled in as suggestions
    suggested = page.locator("#term-table tr[data-suggested=true]").count()
    assert suggested > 0 and page.locator("#suggestion-note").is_visible()
    row = page.locator("#term-table tr:has(label:text-is('SF6 气体绝缘环网柜'))")
    assert row.get_attribute("data-missing") == "true"
    row.locator("input, textarea").fill("SF6 ring main unit")
    page.fill("#id_text_title", "Carbon footprint of an SF6 ring main unit")
    page.click("#save-translations")
    page.wait_for_selector(".alert-success")
    # saving takes the two texts typed and the suggestions shown
    assert int(page.locator("#translation-gaps").get_attribute("data-count")) == before - 2 - suggested
    assert page.locator("#term-table tr:has(label:text-is('SF6 气体绝缘环网柜'))").get_attribute(
        "data-missing") == "false"
    page.goto(page.base + "/studies/DEMO-2/report/?lang=en")
    text = page.locator("body").inner_text()
    assert "SF6 ring main unit" in text and "Carbon footprint of an SF6 ring main unit" in text
