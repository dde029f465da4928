"""Pasting a block of spreadsheet cells into the stage editor: rows are filled and added,
factor codes are looked up, and what saves is computed like any typed row."""

import pytest

from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# As Excel puts three rows on the clipboard: tab-separated cells, thousands separators and a
# percentage as displayed, a data type by its label, an empty basis cell, an unknown code.
CLIPBOARD = (
    "外协件喷涂用电\t1,200\tkWh\t\tCN-GRID-2022\t100%\t初级数据\t外协厂电表\r\n"
    "叉车柴油\t50\tkg\t\tCN-DIESEL\t0.5\t\t油料台账\r\n"
    "神秘排放\t3\tkWh\t\tNO-SUCH-CODE\t1\t\t\r\n"
)


def _paste(page, selector: str, text: str) -> None:
    page.locator(selector).focus()
    page.evaluate(
        """([selector, text]) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.querySelector(selector).dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
        }""",
        [selector, text],
    )


def test_rows_pasted_from_a_spreadsheet_fill_the_table_and_save(page, demo):
    from footprint.models import ActivityRecord

    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/studies/202508175GHG/products/HV/?stage=production")
    page.click("#add-row")
    new_row = page.locator("tbody.activity-row.row-new").last
    prefix = new_row.get_attribute("data-prefix")
    _paste(page, f'[name="{prefix}-name"]', CLIPBOARD)

    page.wait_for_selector("#paste-note.text-danger")
    note = page.locator("#paste-note").inner_text()
    assert "已粘贴 3 行" in note and "NO-SUCH-CODE" in note
    rows = page.locator("tbody.activity-row.row-new")
    assert rows.count() == 3            # one row added by the button, two by the paste
    first, second, third = (rows.nth(i).get_attribute("data-prefix") for i in range(3))
    assert page.locator(f'[name="{first}-quantity"]').input_value() == "1200"
    assert page.locator(f'[name="{first}-allocation"]').input_value() == "1"
    assert page.locator(f'[name="{first}-data_type"]').input_value() == "primary"
    assert page.locator(f'[name="{second}-unit"]').input_value() == "kg"
    assert "CN-DIESEL" in page.locator(f'tbody[data-prefix="{second}"] [data-pick-factor]').inner_text()
    assert "border-danger" in page.locator(
        f'tbody[data-prefix="{third}"] [data-pick-factor]').get_attribute("class")

    # the row without a factor is refused on save and nothing typed or pasted is lost
    page.click("#save-stage")
    page.wait_for_selector("#stage-editor[data-saved='0'] .invalid-feedback.d-block")
    assert not ActivityRecord.objects.filter(name="外协件喷涂用电").exists()
    third_row = page.locator("tbody.activity-row:has(input[value='神秘排放'])")
    assert page.locator("input[value='外协件喷涂用电']").count() == 1
    # deleting it saves the rest
    third_row.locator('label[for$="-DELETE"]').click()
    page.click("#save-stage")
    page.wait_for_selector("#stage-editor[data-saved='1']")
    spray = ActivityRecord.objects.get(name="外协件喷涂用电")
    assert (spray.quantity, spray.unit, spray.factor.code, spray.allocation, spray.source) == (
        1200, "kWh", "CN-GRID-2022", 1, "外协厂电表")
    forklift = ActivityRecord.objects.get(name="叉车柴油")
    assert (forklift.factor.code, forklift.allocation, forklift.stage.stage) == ("CN-DIESEL", 0.5, "production")
    assert not ActivityRecord.objects.filter(name="神秘排放").exists()


def test_a_single_value_pastes_as_usual(page, demo):
    sign_in(page.context, page.base, "auditor")
    page.goto(page.base + "/studies/202508175GHG/products/HV/?stage=production")
    row = page.locator("tbody.activity-row").first
    prefix = row.get_attribute("data-prefix")
    before = page.locator("tbody.activity-row").count()
    _paste(page, f'[name="{prefix}-name"]', "只是一个名称\n")
    # not a block of cells: the browser's own paste (not simulated here) is left alone
    assert page.locator("tbody.activity-row").count() == before
    assert page.locator("#paste-note").inner_text() == ""
