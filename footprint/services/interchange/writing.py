"""Writing a `pcf-study/1` document: JSON text, or a workbook whose text cells stay text
(a spreadsheet never takes them for formulas).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable
from decimal import Decimal

from .document import (
    ACTIVITY_COLUMNS,
    CLAIM_COLUMNS,
    FACTOR_COLUMNS,
    PRODUCT_COLUMNS,
    STAGE_COLUMNS,
    STUDY_SCALARS,
    TEAM_COLUMNS,
    TRANSLATION_COLUMNS,
    TRANSLATION_KINDS,
)


def plain_number(value: Decimal | float | int | None) -> int | float | None:
    """A JSON number without trailing zeros: Decimal('281683.000000') → 281683."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# What a spreadsheet takes for the start of a formula when a cell is typed or edited.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def text_stays_text(sheet) -> None:
    """Every text cell is written as a string: openpyxl would store `=HYPERLINK(…)` or
    `=cmd|' /C calc'!A0` (an activity name, a narrative) as a live formula in the file that
    company contacts open. Text that starts like a formula also gets Excel's quote prefix, so
    that editing the cell in Excel or LibreOffice does not turn it into one either."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                if cell.value.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True


def write_workbook(document: dict) -> bytes:
    """The workbook form of a document (sheets study, factors, products, stages, activities)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "study"
    ws.append(["field", "value"])
    for key in STUDY_SCALARS:
        if document.get(key) not in (None, ""):
            ws.append([key, document[key]])
    ws.append(["standards", "; ".join(document.get("standards", []))])
    for key in ("start", "end"):
        ws.append([f"reference_period.{key}", document["reference_period"][key]])
    for key, value in document.get("company", {}).items():
        ws.append([f"company.{key}", value])
    for key, value in document.get("narrative", {}).items():
        ws.append([f"narrative.{key}", value])

    def table(title: str, columns: tuple[str, ...], rows: Iterable[dict]) -> None:
        sheet = wb.create_sheet(title)
        sheet.append(list(columns))
        for row in rows:
            sheet.append([row.get(c) for c in columns])

    def factor_row(f: dict) -> dict:
        return {**f, **f.get("derived_from", {})}

    table("factors", FACTOR_COLUMNS, (factor_row(f) for f in document.get("factors", [])))
    table("products", PRODUCT_COLUMNS, document["products"])
    table("stages", STAGE_COLUMNS,
          ({"product": p["code"], **s} for p in document["products"] for s in p.get("stages", [])))
    table("activities", ACTIVITY_COLUMNS,
          ({"product": p["code"], **a} for p in document["products"] for a in p.get("activities", [])))
    if document.get("team"):
        table("team", TEAM_COLUMNS, document["team"])
    if document.get("claims"):
        # Values as text: a cell holding 24.160 as a number would lose its last printed zero.
        table("claims", CLAIM_COLUMNS, document["claims"])
    if document.get("translations"):
        table("translations", TRANSLATION_COLUMNS, (
            {"language": language, "kind": kind, "key": key, "text": text}
            for language, entry in document["translations"].items()
            for kind, plural in TRANSLATION_KINDS.items()
            for key, text in entry.get(plural, {}).items()
        ))
    for sheet in wb.worksheets:
        text_stays_text(sheet)
    # Names rows in the study's language, drop-downs, sizes, read-me (issue 13).
    from .workbook_layout import dress_workbook

    dress_workbook(wb, document)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
