"""Reading a `pcf-study/1` file (JSON or workbook) into a Document, with the limits that
keep an upload from costing the server more than it may (docs/security.md, "Upload limits").
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from .. import formatting
from .document import TRANSLATION_KINDS, Document, FormatError, Problem
from .workbook_layout import column_label, is_label_row, with_name

# Limits of what a workbook may make the server do (docs/security.md, "Upload limits").
# An .xlsx is a zip of XML: a small upload can expand to gigabytes, claim a million rows in its
# <dimension>, hold one 300 MB cell or declare XML entities. Each is refused before it costs.
WORKBOOK_MAX_MEMBERS = 100              # files inside the zip (ours has about 15)
WORKBOOK_MAX_MEMBER_BYTES = 64 * 2**20  # uncompressed size of one file inside
WORKBOOK_MAX_TOTAL_BYTES = 128 * 2**20  # uncompressed size of all of them
WORKBOOK_MAX_RATIO = 100                # uncompressed / compressed, for files over 1 MB
WORKBOOK_MAX_ROWS = 50_000              # rows of one sheet (10,000 read in ~5 s)
WORKBOOK_MAX_COLUMNS = 64               # columns of one row (the widest sheet has 16)
WORKBOOK_MAX_CELL_CHARS = 32_767        # characters of one cell: Excel's own limit


class PrintedNumber(float):
    """A JSON number that remembers how it was written: 0.5500 is the float 0.55 with `text`
    "0.5500", so a factor keeps the decimals it was published with, and a claim printed as
    24.160 is not 24.16 (its last decimal tells the rounding it carries). Behaves as a float
    everywhere else."""

    text: str

    def __new__(cls, text: str | float):
        number = super().__new__(cls, text)
        number.text = text if isinstance(text, str) else repr(float(text))
        return number


def written_decimals(value: Any) -> int | None:
    """Decimals a number was written with: a JSON number's text, an xlsx text cell's text, an
    int (0), else the shortest form of the number (an xlsx number cell has lost its zeros)."""
    if isinstance(value, PrintedNumber):
        return formatting.value_decimals(value.text)
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return 0
    if isinstance(value, str):
        return formatting.value_decimals(value.strip().replace(",", ""))
    if isinstance(value, float | Decimal):
        return formatting.value_decimals(value)
    return None


def read_json(content: bytes | str) -> Document:
    try:
        data = json.loads(content, parse_float=PrintedNumber)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(_("不是有效的 JSON 文件：%(error)s") % {"error": exc}) from exc
    except RecursionError as exc:
        # json.loads recurses once per nesting level; a deep document ran out of stack (500).
        raise FormatError(_("JSON 文件嵌套过深，不是研究文件。")) from exc
    except ValueError as exc:
        # An integer of thousands of digits (Python refuses to convert more than 4,300).
        raise FormatError(_("不是有效的 JSON 文件：%(error)s") % {"error": str(exc)[:200]}) from exc
    if not isinstance(data, dict):
        raise FormatError(_("JSON 文件的顶层必须是一个对象。"))
    if _holds_nul(data):
        # PostgreSQL stores no NUL in text or jsonb: saving it would fail with a 500.
        raise FormatError(_("JSON 文件含有 NUL 字符（\\u0000），无法导入。"))
    return Document(data=data, kind="json")


def _holds_nul(data: Any) -> bool:
    """Whether a NUL character is in any string or key of a parsed document (iterative: the
    document may nest as deep as json.loads allowed)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def read_file(name: str, content: bytes) -> Document:
    """Read a study from an uploaded or local file, by its extension."""
    lower = name.lower()
    if lower.endswith(".json"):
        return read_json(content)
    if lower.endswith(".xlsx"):
        return read_workbook(content)
    raise FormatError(_("不支持的文件类型：请上传 .json 或 .xlsx 文件。"))


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value if value != "" else None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def bounded_rows(wb, sheet: str, *, max_rows: int = WORKBOOK_MAX_ROWS) -> Iterator[tuple]:
    """The rows of a sheet, refusing (FormatError) past the row, column and cell-text limits.

    The sheet's own <dimension> claim is ignored (read-only mode would otherwise pad every
    row to the claimed width and yield every claimed row): rows are counted as they are read
    and reading stops at the limit."""
    ws = wb[sheet]
    ws.reset_dimensions()
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > max_rows:
            raise FormatError(_("工作表 %(sheet)s 超过 %(n)s 行，无法导入。") % {
                "sheet": sheet, "n": f"{max_rows:,}"})
        if len(row) > WORKBOOK_MAX_COLUMNS:
            raise FormatError(_("工作表 %(sheet)s 第 %(row)s 行超过 %(n)s 列，无法导入。") % {
                "sheet": sheet, "row": number, "n": WORKBOOK_MAX_COLUMNS})
        for value in row:
            if isinstance(value, str) and len(value) > WORKBOOK_MAX_CELL_CHARS:
                raise FormatError(_("工作表 %(sheet)s 第 %(row)s 行有超过 %(n)s 个字符的单元格，无法导入。") % {
                    "sheet": sheet, "row": number, "n": f"{WORKBOOK_MAX_CELL_CHARS:,}"})
        yield row


def _sheet_rows(wb, sheet: str, locations: dict, path_of: Callable[[int, dict], tuple | None]):
    """Rows of a table sheet as dicts (header in row 1), remembering each cell's place."""
    if sheet not in wb.sheetnames:
        return []
    rows = bounded_rows(wb, sheet)
    header = next(rows, None)
    if not header:
        return []
    names = [str(h).strip() if h is not None else "" for h in header]
    out = []
    for row_number, values in enumerate(rows, start=2):
        if row_number == 2 and is_label_row(sheet, names, values):
            continue  # the column names below the codes (workbooks written since issue 13)
        record = {n: _cell(v) for n, v in zip(names, values, strict=False) if n}
        if all(v is None for v in record.values()):
            continue
        record = {k: v for k, v in record.items() if v is not None}
        path = path_of(len(out), record)
        out.append((row_number, record))
        if path is not None:
            locations[path] = _("工作表 %(sheet)s 第 %(row)s 行") % {"sheet": sheet, "row": row_number}
            for column in record:
                # the column's code and its name in the user's language: "quantity（活动数据）"
                label = column_label(sheet, column)
                locations[(*path, column)] = _("工作表 %(sheet)s 第 %(row)s 行，列 %(column)s") % {
                    "sheet": sheet, "row": row_number, "column": with_name(column, label) if label else column,
                }
    return out


_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


def check_workbook_archive(content: bytes) -> None:
    """Refuse (FormatError) a workbook whose zip would cost too much to open, before any XML
    is parsed: too many files, a file or all of them too large uncompressed, an expansion
    ratio only a zip bomb has, or an XML file that declares a DTD (entity expansion, XXE).

    The sizes are the ones the zip declares; Python's zipfile never inflates a file past its
    declared size (it stops there and fails the CRC check), so a lying header cannot get more.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise FormatError(_("无法读取 Excel 工作簿：%(error)s") % {"error": exc}) from exc
    with archive:
        members = archive.infolist()
        if len(members) > WORKBOOK_MAX_MEMBERS:
            raise FormatError(_("工作簿包含 %(count)s 个内部文件（上限 %(n)s），无法导入。") % {
                "count": len(members), "n": WORKBOOK_MAX_MEMBERS})
        total = 0
        for member in members:
            total += member.file_size
            too_big = member.file_size > WORKBOOK_MAX_MEMBER_BYTES or total > WORKBOOK_MAX_TOTAL_BYTES
            bomb = member.file_size > 2**20 and member.file_size > WORKBOOK_MAX_RATIO * max(member.compress_size, 1)
            if too_big or bomb:
                raise FormatError(_(
                    "工作簿解压后过大（%(name)s 为 %(size)s MB，全部上限 %(total)s MB，压缩比上限 %(ratio)s 倍），无法导入。"
                ) % {"name": member.filename[:100], "size": f"{member.file_size / 2**20:,.1f}",
                     "total": WORKBOOK_MAX_TOTAL_BYTES // 2**20, "ratio": WORKBOOK_MAX_RATIO})
        for member in members:
            if member.filename.lower().endswith((".xml", ".rels", ".vml")) and _declares_dtd(archive, member):
                raise FormatError(_("工作簿的 XML 含有 DTD 或实体声明（%(name)s），出于安全原因拒绝导入。") % {
                    "name": member.filename[:100]})


def _declares_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether an XML file of the workbook contains `<!DOCTYPE` or `<!ENTITY` (Excel never
    writes either; text inside cells is escaped, so the bytes can only be markup)."""
    tail = b""
    try:
        with archive.open(member) as fh:
            while chunk := fh.read(2**20):
                window = tail + chunk
                if any(marker in window for marker in _DTD_MARKERS):
                    return True
                tail = window[-16:]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise FormatError(_("无法读取 Excel 工作簿：%(error)s") % {"error": exc}) from exc
    return False


def read_workbook(content: bytes) -> Document:
    """A study from an .xlsx: the archive is checked first, then read in read-only mode with
    row, column and cell limits; XML is parsed by defusedxml (openpyxl uses it when installed),
    which refuses entity declarations."""
    check_workbook_archive(content)
    try:
        return _read_workbook(content)
    except FormatError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file, also while iterating
        from defusedxml import DefusedXmlException

        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__  # openpyxl wraps parser errors
        if cause is not None:
            raise FormatError(_("工作簿的 XML 含有 DTD 或实体声明，出于安全原因拒绝导入。")) from exc
        raise FormatError(_("无法读取 Excel 工作簿：%(error)s") % {"error": str(exc)[:200]}) from exc


def _read_workbook(content: bytes) -> Document:
    from openpyxl import load_workbook  # imported here: only workbook users pay for it

    wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    if "study" not in wb.sheetnames:
        raise FormatError(_("工作簿缺少 study 工作表。"))

    data: dict[str, Any] = {}
    locations: dict[tuple, str] = {}
    for row_number, row in enumerate(bounded_rows(wb, "study"), start=1):
        if not row or row[0] is None:
            continue
        key = str(row[0]).strip()
        value = _cell(row[1]) if len(row) > 1 else None
        if key in ("field", "字段") or value is None:
            continue
        path = tuple(key.split("."))
        locations[path] = _("工作表 %(sheet)s 第 %(row)s 行，字段 %(column)s") % {
            "sheet": "study", "row": row_number, "column": key,
        }
        if key == "standards":
            value = [s.strip() for s in str(value).split(";") if s.strip()]
        target = data
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value

    factors = []
    for _row, rec in _sheet_rows(wb, "factors", locations, lambda i, r: ("factors", i)):
        derivation = {k: rec.pop(k) for k in ("ncv", "carbon_content", "oxidation_rate") if k in rec}
        if derivation:
            rec["derived_from"] = derivation
        factors.append(rec)
    if factors:
        data["factors"] = factors

    products: list[dict] = []
    index_of: dict[str, int] = {}
    for _row, rec in _sheet_rows(wb, "products", locations, lambda i, r: ("products", i)):
        index_of.setdefault(str(rec.get("code")), len(products))
        products.append({**rec, "stages": [], "activities": []})
    data["products"] = products

    def child_path(kind: str) -> Callable[[int, dict], tuple | None]:
        counts: dict[int, int] = {}

        def path_of(_i: int, rec: dict) -> tuple | None:
            pi = index_of.get(str(rec.get("product")))
            if pi is None:
                return None
            counts[pi] = counts.get(pi, 0) + 1
            return ("products", pi, kind, counts[pi] - 1)
        return path_of

    orphans: list[Problem] = []
    for sheet, kind in (("stages", "stages"), ("activities", "activities")):
        for row_number, rec in _sheet_rows(wb, sheet, locations, child_path(kind)):
            pi = index_of.get(str(rec.get("product")))
            if pi is None:
                orphans.append(
                    Problem(
                        _("工作表 %(sheet)s 第 %(row)s 行，列 product") % {"sheet": sheet, "row": row_number},
                        _("产品代码 %(code)s 不在 products 工作表中。") % {"code": rec.get("product")},
                    )
                )
                continue
            rec.pop("product", None)
            products[pi][kind].append(rec)

    team = [rec for _r, rec in _sheet_rows(wb, "team", locations, lambda i, r: ("team", i))]
    if team:
        data["team"] = team

    claims = [rec for _r, rec in _sheet_rows(wb, "claims", locations, lambda i, r: ("claims", i))]
    if claims:
        data["claims"] = claims

    def translation_path(_i: int, rec: dict) -> tuple:
        kind = str(rec.get("kind") or "")
        return ("translations", str(rec.get("language") or ""), TRANSLATION_KINDS.get(kind, kind),
                str(rec.get("key") or ""))

    for _row, rec in _sheet_rows(wb, "translations", locations, translation_path):
        _lang, language, kind, key = translation_path(0, rec)
        entry = data.setdefault("translations", {}).setdefault(language, {})
        entry.setdefault(kind, {})[key] = rec.get("text")
    doc = Document(data=data, locations=locations, kind="xlsx")
    doc.data.setdefault("_orphans", orphans)
    return doc
