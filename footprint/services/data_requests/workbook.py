"""A data request as a workbook the company fills offline and uploads back.

`pcf-data-request/1`, in the style of pcf-study/1 (services/interchange/workbook_layout.py):
a `request` sheet of field/value pairs and a `rows` sheet whose row 1 holds the column codes
(hidden; the reader keys on them) and row 2 their names in the reader's language. Only the
columns `quantity`, `submitted_unit` and `note` are for the company; the others say what is
asked and are read back only to find the row (`id`). Reading applies the same archive, row,
column and cell limits as the study import (interchange/reading.py), and every problem names
its sheet, row and column like the import preview.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...choices import Stage
from ...models import DataRequest, DataRequestRow
from ..interchange.document import FormatError, Problem
from ..interchange.reading import _cell, bounded_rows, check_workbook_archive
from ..interchange.workbook_layout import COMMON_UNITS, _size_columns, with_name
from ..interchange.writing import text_stays_text
from .requesting import RowValue, check_values

FORMAT = "pcf-data-request/1"
ROW_COLUMNS = ("id", "product", "stage", "name", "unit", "expected_evidence", "hint", "status",
               "rejection_comment", "quantity", "submitted_unit", "note")
FILLED_COLUMNS = ("quantity", "submitted_unit", "note")
COLUMN_LABELS = {
    "id": gettext_lazy("行号"), "product": gettext_lazy("产品代码"), "stage": gettext_lazy("生命周期阶段"),
    "name": gettext_lazy("活动名称"), "unit": gettext_lazy("请求的单位"),
    "expected_evidence": gettext_lazy("需提供的证据"), "hint": gettext_lazy("填写提示"),
    "status": gettext_lazy("状态"), "rejection_comment": gettext_lazy("退回意见"),
    "quantity": gettext_lazy("数量（请填写）"), "submitted_unit": gettext_lazy("单位（可换算即可）"),
    "note": gettext_lazy("说明"),
}


def _labels_in_any_language() -> set[str]:
    from django.conf import settings

    labels = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels |= {str(label) for label in COLUMN_LABELS.values()}
    return labels


def write_request_workbook(data_request: DataRequest, rows: list[DataRequestRow], *, language: str) -> bytes:
    """The request's rows to fill, named and explained in `language`."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    with translation.override(language):
        wb = Workbook()
        info = wb.active
        info.title = "request"
        info.append(["field", "value", _("说明")])
        study = data_request.study
        for key, value, label in (
            ("format", FORMAT, _("格式")),
            ("request", data_request.pk, _("数据请求编号")),
            ("report_number", study.report_number, _("报告编号")),
            ("company", study.company.name, _("企业名称")),
            ("title", data_request.title, _("标题")),
            ("due_date", data_request.due_date.isoformat(), _("截止日期")),
            ("message", data_request.message, _("给企业的说明")),
        ):
            info.append([key, value, label])
        sheet = wb.create_sheet("rows")
        sheet.append(list(ROW_COLUMNS))
        sheet.append([str(COLUMN_LABELS[c]) for c in ROW_COLUMNS])
        for row in rows:
            sheet.append([
                row.pk, row.study_product.product.code, with_name(row.stage, Stage(row.stage).label),
                row.name, row.unit, row.expected_evidence, row.hint, row.get_status_display(),
                row.rejection_comment, row.quantity, row.submitted_unit or None, row.note or None,
            ])
        for ws in wb.worksheets:
            text_stays_text(ws)
        code_font = Font(color="595959", italic=True, size=9)
        fill_me = PatternFill("solid", fgColor="FFF3CD")
        for index, code in enumerate(ROW_COLUMNS, start=1):
            sheet.cell(row=1, column=index).font = code_font
            label = sheet.cell(row=2, column=index)
            label.font = Font(bold=True)
            label.fill = fill_me if code in FILLED_COLUMNS else PatternFill("solid", fgColor="E9ECEF")
        sheet.row_dimensions[1].hidden = True
        sheet.freeze_panes = "A3"
        # the quantity column takes numbers ≥ 0 only; units get the usual list (others allowed)
        quantity = get_column_letter(ROW_COLUMNS.index("quantity") + 1)
        last = max(sheet.max_row, 3)
        numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                                 allow_blank=True, showErrorMessage=True)
        numbers.errorTitle = _("无效的值")
        numbers.error = _("请填写不小于 0 的数字。")
        numbers.add(f"{quantity}3:{quantity}{last}")
        sheet.add_data_validation(numbers)
        units = DataValidation(type="list", formula1='"' + ",".join(COMMON_UNITS) + '"', allow_blank=True,
                               showErrorMessage=False)
        unit_col = get_column_letter(ROW_COLUMNS.index("submitted_unit") + 1)
        units.add(f"{unit_col}3:{unit_col}{last}")
        sheet.add_data_validation(units)
        _size_columns(sheet)
        _size_columns(info, maximum=80)
        readme = wb.create_sheet("readme", 0)
        for line in (
            _("数据请求工作簿（%(format)s）") % {"format": FORMAT},
            _("在 rows 工作表中，请只填写黄色标题的三列：数量、单位（须能换算为请求的单位，留空即用请求的单位）和说明。"),
            _("不要修改第 1 行（已隐藏）和“行号”列：上传时按它们找到每一行。留空的行保持待填写。"),
            _("上传后会先预览：每个问题都注明工作表、行和列，全部正确后才会提交。"),
        ):
            readme.append([line])
        readme["A1"].font = Font(bold=True, size=14)
        readme.column_dimensions["A"].width = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@dataclass
class WorkbookPreview:
    """What an uploaded workbook would submit, and every problem with its place."""

    values: list[RowValue] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # for the preview table

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.values)


def read_request_workbook(content: bytes, data_request: DataRequest) -> WorkbookPreview:
    """Read the company's workbook back (FormatError when it is not ours or not readable)."""
    check_workbook_archive(content)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise FormatError(_("无法读取 Excel 工作簿：%(error)s") % {"error": str(exc)[:200]}) from exc
    if "rows" not in wb.sheetnames or "request" not in wb.sheetnames:
        raise FormatError(_("这不是数据请求工作簿（缺少 request 或 rows 工作表）。"))
    fields = {}
    for row in bounded_rows(wb, "request"):
        if row and row[0] is not None and len(row) > 1:
            fields[str(row[0]).strip()] = _cell(row[1])
    if fields.get("format") != FORMAT:
        raise FormatError(_("这不是数据请求工作簿（格式应为 %(format)s）。") % {"format": FORMAT})
    if str(fields.get("request")) != str(data_request.pk):
        raise FormatError(_("这份工作簿属于数据请求 #%(other)s，不是 #%(this)s。") % {
            "other": fields.get("request"), "this": data_request.pk})
    preview = WorkbookPreview()
    codes: list[str] = []
    labels = _labels_in_any_language()
    from openpyxl.utils import get_column_letter

    def where(number: int, code: str) -> str:
        column = get_column_letter(codes.index(code) + 1) if code in codes else "?"
        return f"rows!{column}{number}"

    numbers: dict[int, int] = {}
    for number, row in enumerate(bounded_rows(wb, "rows"), start=1):
        cells = [_cell(v) for v in row]
        if number == 1:
            codes = [str(c).strip() if c is not None else "" for c in cells]
            missing = [c for c in ("id", "quantity") if c not in codes]
            if missing:
                raise FormatError(_("rows 工作表第 1 行缺少列代码：%(codes)s。") % {"codes": ", ".join(missing)})
            continue
        values = dict(zip(codes, cells, strict=False))
        if all(v in (None, "") for v in values.values()):
            continue
        if number == 2 and sum(1 for v in cells if v is not None and str(v) in labels) * 2 >= len(
                [v for v in cells if v is not None]):
            continue  # the names row
        try:
            row_id = int(str(values.get("id")).strip())
        except (TypeError, ValueError):
            preview.problems.append(Problem(where(number, "id"), _("行号必须是数据请求中的行号。")))
            continue
        if row_id in numbers:
            preview.problems.append(Problem(where(number, "id"), _("行号 %(id)s 重复（第 %(row)s 行已有）。") % {
                "id": row_id, "row": numbers[row_id]}))
            continue
        numbers[row_id] = number
        quantity = values.get("quantity")
        if quantity in (None, ""):
            continue
        preview.values.append(RowValue(row_id=row_id, quantity=str(quantity),
                                       unit=str(values.get("submitted_unit") or "").strip(),
                                       note=str(values.get("note") or "").strip()))
    clean, errors = check_values(data_request, preview.values)
    for row_id, problems in errors.items():
        number = numbers.get(row_id, 0)
        for column, message in problems:
            column = {"unit": "submitted_unit"}.get(column, column)
            preview.problems.append(Problem(where(number, column), message))
    rows = {r.pk: r for r in data_request.rows.select_related("study_product__product")}
    for value in preview.values:
        row = rows.get(value.row_id)
        if row is None or value.row_id not in clean:
            continue
        quantity, unit, note = clean[value.row_id]
        preview.rows.append({"row": row, "quantity": quantity, "unit": unit, "note": note,
                             "place": f"rows!{numbers.get(value.row_id)}:{numbers.get(value.row_id)}"})
    preview.values = [v for v in preview.values if v.row_id in clean]
    return preview
