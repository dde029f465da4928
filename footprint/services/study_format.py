"""The `pcf-study/1` interchange format: read (JSON or workbook), validate, write.

Reading never touches the database except to resolve factor codes that a document does not
define (they refer to the factor library; the caller passes the known codes in). Validation
collects *every* problem with where it is (sheet/row/field for workbooks, JSON path for JSON)
instead of stopping at the first, so a user can fix a file in one pass.

The workbook is read and written with openpyxl; the mapping between sheets and the JSON
structure is specific to this format, so it is written here.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ..choices import NARRATIVE_KEYS, Basis, Boundary, DataType, Gas, GwpSet, Language, Stage
from ..validators import DOT_SEGMENT_MESSAGE, DOT_SEGMENTS
from . import formatting, report_translation
from .distribution_fields import (
    DISTRIBUTION_COLUMNS,
    RATING_COLUMNS,
    read_distribution,
    read_ratings,
)
from .units import (
    UnitError,
    UnitSyntaxError,
    conversion_factor,
    emission_multiplier,
    fuel_factor_value,
    parse_unit,
    printed_factor_unit,
    printed_total_unit,
)

FORMAT = "pcf-study/1"
CODE_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")

COMPANY_FIELDS = (
    "name", "credit_code", "address", "legal_representative", "contact_name", "contact_phone",
    "overview",
)
# Narrative keys of the format plus our optional extension `purpose`.
NARRATIVE_FIELDS = ("purpose", *NARRATIVE_KEYS)
FACTOR_COLUMNS = (
    "code", "version", "name", "name_en", "category", "value", "unit", "gas", "year", "region",
    "source", "published", "notes", "ncv", "carbon_content", "oxidation_rate", "value_decimals",
    *DISTRIBUTION_COLUMNS,
)
PRODUCT_COLUMNS = (
    "code", "name", "model", "functional_unit", "annual_output", "description", "energy_using",
)
STAGE_COLUMNS = ("product", "stage", "included", "excluded", "exclusion_reason")
ACTIVITY_COLUMNS = (
    "product", "stage", "name", "quantity", "unit", "basis", "factor", "factor_version",
    "allocation", "data_type", "source", "claimed_kgco2e_per_unit", "uncertainty_pct", "notes",
    *DISTRIBUTION_COLUMNS, *RATING_COLUMNS,
)
TEAM_COLUMNS = ("name", "organisation", "certificate_number", "role")
CLAIM_COLUMNS = ("level", "product", "stage", "factor", "value", "unit", "place", "note")
CLAIM_LEVELS = ("product", "stage", "share", "factor")
TRANSLATION_COLUMNS = ("language", "kind", "key", "text")
# Workbook rows of the translations sheet: kind "text" (a passage by key) or "term".
TRANSLATION_KINDS = {"text": "texts", "term": "terms"}
STUDY_SCALARS = (
    "format", "report_number", "title", "language", "gwp_set", "boundary", "revision",
    "certification_body", "issue_date",
)


# Spellings of an optional yes/no cell (openpyxl gives True/False, people type 1/0 or 是/否).
_TRUE_WORDS = frozenset({"true", "1", "yes", "y", "是"})
_FALSE_WORDS = frozenset({"false", "0", "no", "n", "否"})


class FormatError(Exception):
    """The file cannot be read as a study at all (not JSON, not a workbook, wrong format)."""


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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, and where."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


@dataclass
class Document:
    """A parsed document and, for workbooks, where each value came from."""

    data: dict[str, Any]
    locations: dict[tuple, str] = field(default_factory=dict)
    kind: str = "json"

    def where(self, *path: Any) -> str:
        """Sheet/row/column of a value for workbooks, a JSON path otherwise."""
        for cut in range(len(path), 0, -1):
            loc = self.locations.get(tuple(path[:cut]))
            if loc:
                rest = [str(p) for p in path[cut:] if not isinstance(p, int)]
                return loc if not rest or loc.endswith(rest[-1]) else f"{loc}, {rest[-1]}"
        text = ""
        for p in path:
            text += f"[{p}]" if isinstance(p, int) else (f".{p}" if text else str(p))
        return text


# ------------------------------------------------------------------------------- reading
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


def _bounded_rows(wb, sheet: str) -> Iterator[tuple]:
    """The rows of a sheet, refusing (FormatError) past the row, column and cell-text limits.

    The sheet's own <dimension> claim is ignored (read-only mode would otherwise pad every
    row to the claimed width and yield every claimed row): rows are counted as they are read
    and reading stops at the limit."""
    ws = wb[sheet]
    ws.reset_dimensions()
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if number > WORKBOOK_MAX_ROWS:
            raise FormatError(_("工作表 %(sheet)s 超过 %(n)s 行，无法导入。") % {
                "sheet": sheet, "n": f"{WORKBOOK_MAX_ROWS:,}"})
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
    rows = _bounded_rows(wb, sheet)
    header = next(rows, None)
    if not header:
        return []
    names = [str(h).strip() if h is not None else "" for h in header]
    out = []
    for row_number, values in enumerate(rows, start=2):
        record = {n: _cell(v) for n, v in zip(names, values, strict=False) if n}
        if all(v is None for v in record.values()):
            continue
        record = {k: v for k, v in record.items() if v is not None}
        path = path_of(len(out), record)
        out.append((row_number, record))
        if path is not None:
            locations[path] = _("工作表 %(sheet)s 第 %(row)s 行") % {"sheet": sheet, "row": row_number}
            for column in record:
                locations[(*path, column)] = _("工作表 %(sheet)s 第 %(row)s 行，列 %(column)s") % {
                    "sheet": sheet, "row": row_number, "column": column,
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
    for row_number, row in enumerate(_bounded_rows(wb, "study"), start=1):
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


# ---------------------------------------------------------------------------- validation
@dataclass
class CleanFactor:
    code: str
    version: int | None
    fields: dict[str, Any]
    location: str


@dataclass
class CleanActivity:
    stage: str
    fields: dict[str, Any]
    factor_ref: tuple[str, int | None]  # (code, version) in the document or library
    location: str


@dataclass
class CleanProduct:
    code: str
    fields: dict[str, Any]
    annual_output: Decimal
    stages: dict[str, dict[str, str]]
    activities: list[CleanActivity]


@dataclass
class CleanStudy:
    """A validated study document, ready to be written to the database."""

    study: dict[str, Any]
    company: dict[str, str]
    factors: list[CleanFactor]
    products: list[CleanProduct]
    team: list[dict[str, str]]
    # Figures of the source report beyond its rows (StudyClaim): product code or None.
    claims: list[dict[str, Any]] = field(default_factory=list)

    @property
    def activity_count(self) -> int:
        return sum(len(p.activities) for p in self.products)


@dataclass
class LibraryFactor:
    """What validation needs to know about a factor of the library."""

    code: str
    version: int
    unit: str
    value: float


class _Validator:
    def __init__(self, doc: Document, library: dict[str, LibraryFactor]):
        self.doc = doc
        self.library = library
        self.problems: list[Problem] = list(doc.data.get("_orphans", []))

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.doc.where(*path), message))

    # -- typed field readers: each returns None (and records a problem) when invalid
    def text(self, obj: dict, key: str, path: tuple, *, required=False, max_length=None) -> str | None:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problem((*path, key), _("必填。"))
                return None
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            self.problem((*path, key), _("应为文本。"))
            return None
        text = str(value).strip()
        if max_length and len(text) > max_length:
            self.problem((*path, key), _("不能超过 %(n)s 个字符。") % {"n": max_length})
            return None
        return text

    def number(self, obj: dict, key: str, path: tuple, *, required=False, minimum=None,
               exclusive_minimum=None, maximum=None, integer_digits=14) -> Decimal | None:
        """A decimal number; `integer_digits` is the room the database column has before the
        decimal point (24 digits with 10 decimals: 14), so that saving cannot fail."""
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.problem((*path, key), _("必填。"))
            return None
        if isinstance(value, bool):
            self.problem((*path, key), _("应为数字，而不是 %(value)s。") % {"value": value})
            return None
        try:
            number = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            self.problem((*path, key), _("应为数字，而不是 %(value)s。") % {"value": value})
            return None
        if not number.is_finite():
            self.problem((*path, key), _("应为有限的数字。"))
            return None
        if number and number.adjusted() + 1 > integer_digits:
            self.problem((*path, key), _("数字过大：整数部分最多 %(n)s 位。") % {"n": integer_digits})
            return None
        if minimum is not None and number < minimum:
            self.problem((*path, key), _("不能小于 %(min)s（当前为 %(value)s）。") % {"min": minimum, "value": value})
            return None
        if exclusive_minimum is not None and number <= exclusive_minimum:
            self.problem((*path, key), _("必须大于 %(min)s（当前为 %(value)s）。") % {"min": exclusive_minimum, "value": value})
            return None
        if maximum is not None and number > maximum:
            self.problem((*path, key), _("不能大于 %(max)s（当前为 %(value)s）。") % {"max": maximum, "value": value})
            return None
        return number

    def choice(self, obj: dict, key: str, path: tuple, choices: Iterable[str], *, default=None) -> str | None:
        value = obj.get(key)
        if value is None or value == "":
            if default is not None:
                return default
            self.problem((*path, key), _("必填。"))
            return None
        allowed = list(choices)
        if value not in allowed:
            self.problem(
                (*path, key),
                _("无效的值 %(value)s，可选：%(allowed)s。") % {"value": value, "allowed": ", ".join(allowed)},
            )
            return None
        return value

    def date(self, obj: dict, key: str, path: tuple, *, required=True) -> dt.date | None:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                self.problem((*path, key), _("必填。"))
            return None
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            self.problem((*path, key), _("应为日期 YYYY-MM-DD，而不是 %(value)s。") % {"value": value})
            return None

    def flag(self, obj: dict, key: str, path: tuple) -> bool:
        """An optional yes/no field: JSON true/false, or in a workbook also 1/0, 是/否."""
        value = obj.get(key)
        if value is None or value == "":
            return False
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE_WORDS:
            return True
        if text in _FALSE_WORDS:
            return False
        self.problem((*path, key), _("应为 true 或 false，而不是 %(value)s。") % {"value": value})
        return False

    def list_of(self, obj: dict, key: str, path: tuple) -> list:
        """A list, or [] and a problem (a number or `true` where rows belong raised TypeError)."""
        value = obj.get(key)
        if value in (None, ""):
            return []
        if not isinstance(value, list):
            self.problem((*path, key), _("应为列表。"))
            return []
        return value

    def integer(self, obj: dict, key: str, path: tuple) -> int | None:
        number = self.number(obj, key, path, minimum=0, maximum=2**31 - 1)  # an integer column
        if number is None:
            return None
        if number != number.to_integral_value():
            self.problem((*path, key), _("应为整数。"))
            return None
        return int(number)

    # -- sections
    def run(self) -> CleanStudy | None:
        data = self.doc.data
        if data.get("format") != FORMAT:
            self.problem(("format",), _("应为 %(format)s（当前为 %(value)s）。") % {
                "format": FORMAT, "value": data.get("format")})
        study = self.study(data)
        company = self.company(data.get("company"))
        factors = self.factors(data.get("factors", []))
        products = self.products(data.get("products"), factors, study.get("boundary"))
        team = self.team(data.get("team", []))
        claims = self.claims(data.get("claims", []), data.get("products"), factors)
        if self.problems:
            return None
        return CleanStudy(study=study, company=company, factors=factors, products=products, team=team,
                          claims=claims)

    def study(self, data: dict) -> dict:
        out: dict[str, Any] = {}
        number = self.text(data, "report_number", (), required=True, max_length=64)
        if number and not CODE_RE.match(number):
            self.problem(("report_number",), _("只能包含字母、数字、点、下划线和连字符。"))
        elif number in DOT_SEGMENTS:
            self.problem(("report_number",), str(DOT_SEGMENT_MESSAGE))
        out["report_number"] = number
        out["title"] = self.text(data, "title", (), required=True, max_length=300)
        out["language"] = self.choice(data, "language", (), Language.values, default=Language.ZH_HANS)
        standards = data.get("standards", [])
        if isinstance(standards, str):
            standards = [s.strip() for s in standards.split(";") if s.strip()]
        if not isinstance(standards, list) or not all(isinstance(s, str) for s in standards):
            self.problem(("standards",), _("应为文本列表。"))
            standards = []
        out["standards"] = standards
        period = data.get("reference_period")
        if not isinstance(period, dict):
            self.problem(("reference_period",), _("必填：包含 start 和 end 的对象。"))
            period = {}
        start = self.date(period, "start", ("reference_period",))
        end = self.date(period, "end", ("reference_period",))
        if start and end and end < start:
            self.problem(("reference_period", "end"), _("报告期结束日期不能早于开始日期。"))
        out["period_start"], out["period_end"] = start, end
        out["gwp_set"] = self.choice(data, "gwp_set", (), GwpSet.values)
        out["boundary"] = self.choice(data, "boundary", (), Boundary.values)
        out["revision"] = self.integer(data, "revision", ()) or 0
        out["certification_body"] = self.text(data, "certification_body", (), max_length=200) or ""
        out["issue_date"] = self.date(data, "issue_date", (), required=False)
        narrative = data.get("narrative") or {}
        if not isinstance(narrative, dict):
            self.problem(("narrative",), _("应为对象。"))
            narrative = {}
        for key in narrative:
            if key not in NARRATIVE_FIELDS:
                self.problem(("narrative", key), _("未知的叙述章节。"))
        for key in NARRATIVE_FIELDS:
            out[key] = self.text(narrative, key, ("narrative",)) or ""
        out["translations"] = self.translations(data.get("translations"))
        return out

    def translations(self, value: Any) -> dict:
        """The study's own text in other report languages (services/report_translation.py)."""
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            self.problem(("translations",), _("应为对象。"))
            return {}
        out = {}
        for language, entry in value.items():
            path = ("translations", language)
            if language not in report_translation.TRANSLATION_LANGUAGES:
                self.problem(path, _("不支持的译文语言 %(language)s，可选：%(allowed)s。") % {
                    "language": language, "allowed": ", ".join(report_translation.TRANSLATION_LANGUAGES)})
                continue
            if not isinstance(entry, dict):
                self.problem(path, _("应为对象。"))
                continue
            for key in entry:
                if key not in TRANSLATION_KINDS.values():
                    self.problem((*path, key), _("未知的字段，可选：texts、terms。"))
            texts = self.text_map(entry.get("texts"), (*path, "texts"), report_translation.MAX_TEXT_LENGTH,
                                  keys=report_translation.TEXT_KEYS)
            terms = self.text_map(entry.get("terms"), (*path, "terms"), report_translation.MAX_TERM_LENGTH)
            clean = report_translation.normalise(texts, terms)
            if clean:
                out[language] = clean
        return out

    def text_map(self, value: Any, path: tuple, max_length: int, *, keys=None) -> dict[str, str]:
        if value in (None, ""):
            return {}
        if not isinstance(value, dict):
            self.problem(path, _("应为对象。"))
            return {}
        out = {}
        for key in value:
            if keys is not None and key not in keys:
                self.problem((*path, key), _("未知的章节，可选：%(allowed)s。") % {"allowed": ", ".join(keys)})
                continue
            if len(str(key)) > max_length:
                self.problem((*path, key), _("原文不能超过 %(n)s 个字符。") % {"n": max_length})
                continue
            checked = self.text(value, key, path, max_length=max_length)
            if checked is not None:
                out[str(key)] = checked
        return out

    def company(self, company: Any) -> dict:
        if not isinstance(company, dict):
            self.problem(("company",), _("必填：企业信息对象。"))
            return {}
        out = {key: self.text(company, key, ("company",), required=key == "name") or "" for key in COMPANY_FIELDS}
        if out["credit_code"] and not CREDIT_CODE_RE.match(out["credit_code"]):
            self.problem(("company", "credit_code"), _("统一社会信用代码应为 18 位数字或大写字母。"))
        return out

    def factors(self, factors: Any) -> list[CleanFactor]:
        if not isinstance(factors, list):
            self.problem(("factors",), _("应为列表。"))
            return []
        out: list[CleanFactor] = []
        seen: set[tuple[str, int | None]] = set()
        for i, f in enumerate(factors):
            path = ("factors", i)
            if not isinstance(f, dict):
                self.problem(path, _("应为对象。"))
                continue
            code = self.text(f, "code", path, required=True, max_length=64)
            if code and not CODE_RE.match(code):
                self.problem((*path, "code"), _("只能包含字母、数字、点、下划线和连字符。"))
            version = self.integer(f, "version", path)
            if code and (code, version) in seen:
                self.problem((*path, "code"), _("因子代码 %(code)s 重复定义。") % {"code": code})
            seen.add((code, version))
            fields: dict[str, Any] = {
                "name_zh": self.text(f, "name", path, required=True, max_length=200),
                "name_en": self.text(f, "name_en", path, max_length=200) or "",
                "category": f.get("category") or "other",
                "unit": self.text(f, "unit", path, required=True, max_length=40),
                "gas": self.choice(f, "gas", path, Gas.values),
                "year": self.integer(f, "year", path),
                "region": self.text(f, "region", path, max_length=40) or "",
                "source": self.text(f, "source", path, required=True),
                "published": self.text(f, "published", path, max_length=20) or "",
                "notes": self.text(f, "notes", path) or "",
                "value": None, "ncv": "", "carbon_content": "", "oxidation_rate": None,
                "value_decimals": None,
            }
            from ..choices import FactorCategory

            if fields["category"] not in FactorCategory.values:
                self.problem((*path, "category"), _("无效的值 %(value)s，可选：%(allowed)s。") % {
                    "value": fields["category"], "allowed": ", ".join(FactorCategory.values)})
            unit_ok = False
            if fields["unit"]:
                try:
                    parse_unit(fields["unit"])
                    unit_ok = True
                except UnitSyntaxError as exc:
                    self.problem((*path, "unit"), str(exc))
                except UnitError:
                    self.problem((*path, "unit"), _("无法识别的单位 %(unit)s。") % {"unit": fields["unit"]})
            derived = f.get("derived_from")
            has_value = f.get("value") not in (None, "")
            if has_value and derived:
                self.problem(path, _("因子值和燃料推导参数只能给出其中之一。"))
            elif has_value:
                fields["value"] = self.number(f, "value", path, minimum=0)
                # Optional `value_decimals` (written by our export when the JSON number cannot
                # show the published trailing zeros); else the decimals the value is written with.
                stated = self.integer(f, "value_decimals", path)
                if stated is not None and stated > formatting.MAX_FACTOR_DECIMALS:
                    self.problem((*path, "value_decimals"), _("不能大于 %(max)s（当前为 %(value)s）。") % {
                        "max": formatting.MAX_FACTOR_DECIMALS, "value": stated})
                    stated = None
                fields["value_decimals"] = stated if stated is not None else written_decimals(f.get("value"))
            elif isinstance(derived, dict):
                dpath = (*path, "derived_from")
                fields["ncv"] = self.text(derived, "ncv", dpath, required=True, max_length=50)
                fields["carbon_content"] = self.text(derived, "carbon_content", dpath, required=True, max_length=50)
                fields["oxidation_rate"] = self.number(
                    derived, "oxidation_rate", dpath, required=True, exclusive_minimum=0, maximum=1
                )
                if fields["ncv"] and fields["carbon_content"] and fields["oxidation_rate"] and unit_ok:
                    try:
                        fuel_factor_value(fields["ncv"], fields["carbon_content"],
                                          float(fields["oxidation_rate"]), fields["unit"])
                    except UnitError as exc:
                        self.problem(dpath, _("无法由推导参数计算因子：%(error)s") % {"error": exc})
            else:
                self.problem(path, _("需要 value，或 derived_from（ncv、carbon_content、oxidation_rate）。"))
            fields.update(read_distribution(self, f, path, fields["value"], integer_digits=14))
            if code:
                out.append(CleanFactor(code=code, version=version, fields=fields, location=self.doc.where(*path)))
        return out

    def products(self, products: Any, factors: list[CleanFactor], boundary: str | None) -> list[CleanProduct]:
        if not isinstance(products, list) or not products:
            self.problem(("products",), _("至少需要一个产品。"))
            return []
        doc_factors: dict[str, list[CleanFactor]] = {}
        for f in factors:
            doc_factors.setdefault(f.code, []).append(f)
        out: list[CleanProduct] = []
        seen: set[str] = set()
        for i, p in enumerate(products):
            path = ("products", i)
            if not isinstance(p, dict):
                self.problem(path, _("应为对象。"))
                continue
            code = self.text(p, "code", path, required=True, max_length=40)
            if code and not CODE_RE.match(code):
                self.problem((*path, "code"), _("只能包含字母、数字、点、下划线和连字符。"))
            elif code in DOT_SEGMENTS:
                self.problem((*path, "code"), str(DOT_SEGMENT_MESSAGE))
            if code in seen:
                self.problem((*path, "code"), _("产品代码 %(code)s 重复。") % {"code": code})
            seen.add(code)
            fields = {
                "name": self.text(p, "name", path, required=True, max_length=200),
                "model": self.text(p, "model", path, max_length=200) or "",
                "functional_unit": self.text(p, "functional_unit", path, required=True, max_length=100),
                "description": self.text(p, "description", path) or "",
                "energy_using": self.flag(p, "energy_using", path),
            }
            output = self.number(p, "annual_output", path, required=True, minimum=0)
            stages: dict[str, dict[str, str]] = {}
            for j, s in enumerate(self.list_of(p, "stages", path)):
                spath = (*path, "stages", j)
                if not isinstance(s, dict):
                    self.problem(spath, _("应为对象。"))
                    continue
                stage = self.choice(s, "stage", spath, Stage.values)
                if stage in stages:
                    self.problem((*spath, "stage"), _("阶段 %(stage)s 重复。") % {"stage": stage})
                if stage:
                    stages[stage] = {
                        k: self.text(s, k, spath) or "" for k in ("included", "excluded", "exclusion_reason")
                    }
            activities = []
            for j, a in enumerate(self.list_of(p, "activities", path)):
                activity = self.activity(a, (*path, "activities", j), doc_factors, output)
                if activity:
                    activities.append(activity)
            if code and output is not None:
                out.append(CleanProduct(code=code, fields=fields, annual_output=output,
                                        stages=stages, activities=activities))
        return out

    def activity(self, a: Any, path: tuple, doc_factors: dict[str, list[CleanFactor]],
                 output: Decimal | None) -> CleanActivity | None:
        if not isinstance(a, dict):
            self.problem(path, _("应为对象。"))
            return None
        before = len(self.problems)
        stage = self.choice(a, "stage", path, Stage.values)
        fields: dict[str, Any] = {
            "name": self.text(a, "name", path, required=True, max_length=200),
            "quantity": self.number(a, "quantity", path, required=True, minimum=0, integer_digits=19),
            "unit": self.text(a, "unit", path, required=True, max_length=40),
            "basis": self.choice(a, "basis", path, Basis.values, default=Basis.ANNUAL_TOTAL),
            "allocation": self.number(a, "allocation", path, exclusive_minimum=0, maximum=1) or Decimal(1),
            "data_type": self.choice(a, "data_type", path, DataType.values, default=DataType.PRIMARY),
            "source": self.text(a, "source", path, max_length=300) or "",
            "claimed_kgco2e_per_unit": self.number(a, "claimed_kgco2e_per_unit", path),
            "uncertainty_pct": self.number(a, "uncertainty_pct", path, minimum=0, integer_digits=4),
            "notes": self.text(a, "notes", path) or "",
        }
        fields.update(read_distribution(self, a, path, fields["quantity"], integer_digits=19))
        fields.update(read_ratings(self, a, path))
        if fields["basis"] == Basis.ANNUAL_TOTAL and output is not None and output <= 0:
            self.problem((*path, "basis"), _("按报告期总量填报的活动需要产品的报告期产量大于 0。"))
        unit_ok = False
        if fields["unit"]:
            try:
                parse_unit(fields["unit"])
                unit_ok = True
            except UnitSyntaxError as exc:
                self.problem((*path, "unit"), str(exc))
            except UnitError:
                self.problem((*path, "unit"), _("无法识别的单位 %(unit)s。") % {"unit": fields["unit"]})
        code = self.text(a, "factor", path, required=True, max_length=64)
        version = self.integer(a, "factor_version", path)
        ref, factor_unit = None, None
        if code:
            candidates = doc_factors.get(code, [])
            if version is not None:
                candidates = [f for f in candidates if f.version in (version, None)]
            if len(candidates) == 1:
                ref, factor_unit = (code, candidates[0].version), candidates[0].fields["unit"]
            elif len(candidates) > 1:
                self.problem((*path, "factor"), _("因子 %(code)s 有多个版本，请用 factor_version 指明。") % {"code": code})
            elif code in self.library and version in (None, self.library[code].version):
                ref, factor_unit = (code, None), self.library[code].unit
            else:
                self.problem((*path, "factor"), _("排放因子 %(code)s 既未在文件中定义，也不在因子库中。") % {"code": code})
        if unit_ok and factor_unit:
            try:
                parse_unit(factor_unit)
                emission_multiplier(fields["unit"], factor_unit)
            except UnitError:
                self.problem(
                    (*path, "unit"),
                    _("单位 %(unit)s 无法与排放因子 %(factor)s 的单位 %(factor_unit)s 相乘得到质量。")
                    % {"unit": fields["unit"], "factor": code, "factor_unit": factor_unit},
                )
        if len(self.problems) > before or stage is None or ref is None:
            return None
        return CleanActivity(stage=stage, fields=fields, factor_ref=ref, location=self.doc.where(*path))

    def team(self, team: Any) -> list[dict[str, str]]:
        if not isinstance(team, list):
            self.problem(("team",), _("应为列表。"))
            return []
        out = []
        for i, member in enumerate(team):
            path = ("team", i)
            if not isinstance(member, dict):
                self.problem(path, _("应为对象。"))
                continue
            out.append({k: self.text(member, k, path, required=k == "name") or "" for k in TEAM_COLUMNS})
        return out


    def claims(self, claims: Any, products: Any, factors: list[CleanFactor]) -> list[dict[str, Any]]:
        """Figures the source report prints: product/stage totals, shares, stated factors."""
        if claims in (None, ""):
            return []
        if not isinstance(claims, list):
            self.problem(("claims",), _("应为列表。"))
            return []
        product_codes = {str(p.get("code")) for p in products or [] if isinstance(p, dict)}
        factor_codes = {f.code for f in factors} | set(self.library)
        out = []
        for i, claim in enumerate(claims):
            path = ("claims", i)
            if not isinstance(claim, dict):
                self.problem(path, _("应为对象。"))
                continue
            before = len(self.problems)
            level = self.choice(claim, "level", path, CLAIM_LEVELS)
            product = self.text(claim, "product", path, max_length=40)
            stage = self.text(claim, "stage", path, max_length=30)
            factor = self.text(claim, "factor", path, max_length=64)
            if level in ("product", "stage", "share") and not product:
                self.problem((*path, "product"), _("产品、阶段和占比声明需要产品代码。"))
            if product and product not in product_codes:
                self.problem((*path, "product"), _("产品代码 %(code)s 不在 products 中。") % {"code": product})
            if level in ("stage", "share"):
                if not stage:
                    self.problem((*path, "stage"), _("阶段和占比声明需要生命周期阶段。"))
                elif stage not in Stage.values:
                    self.problem((*path, "stage"), _("无效的值 %(value)s，可选：%(allowed)s。") % {
                        "value": stage, "allowed": ", ".join(Stage.values)})
            elif stage:
                self.problem((*path, "stage"), _("只有阶段和占比声明有生命周期阶段。"))
            if level == "factor":
                if not factor:
                    self.problem((*path, "factor"), _("因子声明需要因子代码。"))
                elif factor not in factor_codes:
                    self.problem((*path, "factor"), _("排放因子 %(code)s 既未在文件中定义，也不在因子库中。") % {"code": factor})
            elif factor:
                self.problem((*path, "factor"), _("只有因子声明有因子代码。"))
            value, decimals = self.printed_number(claim, "value", path)
            # StudyClaim.value holds 16 digits before the decimal point and 12 after.
            if value is not None and (decimals > 12 or abs(value) >= Decimal("1e16")):
                self.problem((*path, "value"), _("最多 16 位整数和 12 位小数。"))
            unit = self.text(claim, "unit", path, required=True, max_length=40)
            if unit and level in ("product", "stage"):
                try:
                    printed_total_unit(unit)
                except UnitError:
                    self.problem((*path, "unit"), _("应为 CO₂ 当量的质量单位，例如 kgCO₂e/台，而不是 %(unit)s。") % {"unit": unit})
            elif unit and level == "share" and unit != "%":
                self.problem((*path, "unit"), _("占比的单位应为 %。"))
            elif unit and level == "factor" and factor in factor_codes:
                factor_unit = next((f.fields["unit"] for f in factors if f.code == factor), None)
                if factor_unit is None and factor in self.library:
                    factor_unit = self.library[factor].unit
                try:
                    conversion_factor(factor_unit or "", printed_factor_unit(unit))
                except UnitError:
                    self.problem((*path, "unit"), _("单位 %(unit)s 无法换算为排放因子 %(factor)s 的单位 %(factor_unit)s。") % {
                        "unit": unit, "factor": factor, "factor_unit": factor_unit})
            place = self.text(claim, "place", path, required=True, max_length=100)
            note = self.text(claim, "note", path) or ""
            if len(self.problems) == before:
                out.append({"level": level, "product": product or None, "stage": stage or "",
                            "factor_code": factor or "", "value": value, "decimals": decimals,
                            "unit": unit, "place": place, "note": note})
        return out

    def printed_number(self, obj: dict, key: str, path: tuple) -> tuple[Decimal | None, int]:
        """A number as printed, and its decimals: "24.160" (or 24.160 in JSON) → 3 decimals."""
        raw = obj.get(key)
        value = self.number(obj, key, path, required=True)
        if value is None:
            return None, 0
        text = getattr(raw, "text", None) or (raw.strip() if isinstance(raw, str) else None)
        printed = Decimal(text.replace(",", "")) if text else value
        if isinstance(raw, float) and not text:
            printed = Decimal(repr(raw))  # a float from elsewhere: its shortest form
        exponent = printed.as_tuple().exponent
        return value, max(0, -exponent) if isinstance(exponent, int) else 0


def validate_document(doc: Document, library: dict[str, LibraryFactor]) -> tuple[CleanStudy | None, list[Problem]]:
    """Check a whole document; return the clean study, or None and every problem found."""
    validator = _Validator(doc, library)
    clean = validator.run()
    return clean, validator.problems


# ------------------------------------------------------------------------------- writing
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


def _text_stays_text(sheet) -> None:
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
    from openpyxl.styles import Font

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
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
        _text_stays_text(sheet)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
