"""The pcf-data-request/1 workbook: written in the reader's language, read back with every
problem at its cell; a workbook of another request, or not ours, is refused."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from footprint.selectors import data_request_rows
from footprint.services.data_requests import requesting as R
from footprint.services.data_requests.workbook import read_request_workbook, write_request_workbook
from footprint.services.interchange.document import FormatError

pytestmark = pytest.mark.django_db


def _saved(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_an_english_workbook_filled_and_read_back(request_with_rows):
    dr, office, update, _production = request_with_rows
    content = write_request_workbook(dr, data_request_rows(dr), language="en")
    wb = load_workbook(io.BytesIO(content))
    sheet = wb["rows"]
    codes = [c.value for c in sheet[1]]
    assert sheet.cell(row=2, column=codes.index("quantity") + 1).value == "Quantity (to fill)"
    assert sheet.row_dimensions[1].hidden
    rows = {sheet.cell(row=r, column=1).value: r for r in range(3, sheet.max_row + 1)}
    q, u = codes.index("quantity") + 1, codes.index("submitted_unit") + 1
    sheet.cell(row=rows[office.pk], column=q, value=1.5)
    sheet.cell(row=rows[office.pk], column=u, value="MWh")
    sheet.cell(row=rows[update.pk], column=q, value="abc")
    preview = read_request_workbook(_saved(wb), dr)
    assert [(p.location, p.message) for p in preview.problems] == [
        (f"rows!J{rows[update.pk]}", "不是数字。")]
    assert not preview.ok
    sheet.cell(row=rows[update.pk], column=q).value = None
    preview = read_request_workbook(_saved(wb), dr)
    assert preview.problems == []
    assert preview.ok and [(v.row_id, v.quantity, v.unit) for v in preview.values] == [(office.pk, "1.5", "MWh")]


def test_a_workbook_of_another_request_or_not_ours_is_refused(request_with_rows, study, demo_users):
    dr, *_ = request_with_rows
    other = R.data_request_create(study=study, user=demo_users["auditor"], title="x", due_date=dt.date(2030, 1, 1))
    content = write_request_workbook(dr, data_request_rows(dr), language="zh-hans")
    with pytest.raises(FormatError, match=f"#{dr.pk}"):
        read_request_workbook(content, other)
    from openpyxl import Workbook

    with pytest.raises(FormatError):
        read_request_workbook(_saved(Workbook()), dr)
    with pytest.raises(FormatError):
        read_request_workbook(b"PK\x03\x04 not a zip", dr)
