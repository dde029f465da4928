"""The factor library file format (docs/factor-library.md): the columns of the starter library's
`emission_factors_cn.csv`, and fuels in the shape of `fuel_defaults_cn.csv`, as CSV or XLSX.

Reading goes through the limits of the study importer (services/interchange/reading.py: size,
zip checks, defusedxml, rows, columns, cell length); each row becomes model fields or a list of
problems, each with its row, column and reason. Writing never writes a formula.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.validators import RegexValidator
from django.utils.translation import gettext as _

from ...choices import DistributionKind, FactorCategory, Gas
from ..calculation.units import (
    UnitError,
    activity_unit_of,
    emission_multiplier,
    fuel_factor_value,
    parse_unit,
    printed_factor_unit,
    ureg,
)
from ..formatting import value_decimals
from ..interchange.distribution_fields import (
    DISTRIBUTION_COLUMNS,
    PARAMETERS,
    distribution_problems,
)
from ..interchange.document import FormatError
from ..interchange.reading import (
    WORKBOOK_MAX_CELL_CHARS,
    WORKBOOK_MAX_COLUMNS,
    bounded_rows,
    check_workbook_archive,
)
from ..interchange.writing import FORMULA_PREFIXES, text_stays_text

# The columns of ../shared/reference/emission_factors_cn.csv and fuel_defaults_cn.csv.
FACTOR_COLUMNS = ("code", "name_zh", "name_en", "category", "value", "numerator_unit",
                  "denominator_unit", "gas", "region", "data_year", "source", "published", "notes")
FUEL_COLUMNS = ("code", "name_zh", "name_en", "ncv_value", "ncv_unit", "carbon_content_tC_per_TJ",
                "oxidation_rate", "source", "notes")
# Optional in both: the uncertainty the source publishes (as on the factor form) and the licence.
LICENCE_COLUMNS = ("licence_note", "redistribution_allowed")
OPTIONAL_COLUMNS = (*DISTRIBUTION_COLUMNS, *LICENCE_COLUMNS)
# Optional for fuels only: what fuel_defaults_cn.csv leaves implicit (kg of CO2 per kg, China).
FUEL_EXTRA_COLUMNS = ("unit", "region", "data_year", "published")
FACTOR_REQUIRED = ("code", "name_zh", "category", "value", "numerator_unit", "denominator_unit",
                   "gas", "source")
FUEL_REQUIRED = ("code", "name_zh", "ncv_value", "ncv_unit", "carbon_content_tC_per_TJ",
                 "oxidation_rate", "source")
FUEL_DEFAULTS = {"unit": "kg/kg", "region": "CN", "gas": Gas.CO2, "category": FactorCategory.FUEL}
# Rows of one file: a library of 50,000 factors fits in one (docs/factor-library.md).
LIBRARY_MAX_ROWS = 60_000
TEXT_COLUMNS = ("code", "name_zh", "name_en", "region", "source", "published", "notes",
                "licence_note", "ncv_unit", "numerator_unit", "denominator_unit", "unit")
_CODE = RegexValidator(r"^[A-Za-z0-9_.-]+$")
_LENGTHS = {"code": 64, "name_zh": 200, "name_en": 200, "region": 40, "published": 20}
_TRUE = {"1", "true", "yes", "y", "是", "允许", "x", "✓"}
_FALSE = {"0", "false", "no", "n", "否", "不允许"}
# One unit name with at most an exponent (kWh, kg, m³, m**3): written after "kg/" as it is;
# anything else (t*km, t km) in parentheses.
_SIMPLE_UNIT = re.compile(r"^[A-Za-zµμ_][A-Za-z0-9µμ_]*(?:\*\*[0-9]|\^[0-9]|[²³])?$")


def _dimensions(*units: str) -> tuple:
    return tuple((1 * ureg.parse_units(u)).dimensionality for u in units)


# Which activity units (the denominator) a category admits: a grid factor per kWh, a material
# per kg or m³, transport per t·km or km. Process and other factors take any unit.
CATEGORY_DIMENSIONS = {
    FactorCategory.ELECTRICITY: _dimensions("kWh"),
    FactorCategory.FUEL: _dimensions("kg", "m**3", "kWh"),
    FactorCategory.TRANSPORT: _dimensions("t*km", "km"),
    FactorCategory.MATERIAL: _dimensions("kg", "m**3", "m**2", "m"),
    FactorCategory.WASTE: _dimensions("kg", "m**3"),
}
_CATEGORY_UNITS_TEXT = {
    FactorCategory.ELECTRICITY: "kWh, MWh",
    FactorCategory.FUEL: "kg, t, m³, L, GJ",
    FactorCategory.TRANSPORT: "t*km, km",
    FactorCategory.MATERIAL: "kg, t, m³, m², m",
    FactorCategory.WASTE: "kg, t, m³",
}


class Kind:
    FACTORS = "factors"
    FUELS = "fuels"


@dataclass
class Table:
    """One table of a library file (a CSV, or a sheet of a workbook), classified by its header."""

    label: str               # what a problem names: the file or the sheet
    kind: str                # Kind.FACTORS or Kind.FUELS
    columns: tuple[str, ...]
    rows: list[tuple[int, dict[str, Any]]]  # (row number as the user counts it, column → cell)
    ignored_columns: tuple[str, ...] = ()


@dataclass
class ParsedRow:
    table: str
    row: int
    code: str
    fields: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, reason)


# ------------------------------------------------------------------------------- reading
def read_tables(name: str, content: bytes) -> list[Table]:
    """The tables of a .csv or .xlsx file; FormatError for a file that is none, too large for the
    limits, or has no table of either shape."""
    lower = name.lower()
    if lower.endswith(".csv"):
        tables = [_csv_table(name, content)]
    elif lower.endswith(".xlsx"):
        tables = _workbook_tables(content)
    else:
        raise FormatError(_("不支持的文件类型：请上传 .csv 或 .xlsx 文件。"))
    tables = [t for t in tables if t is not None]
    if not tables:
        raise FormatError(_("文件中没有排放因子表：第一行应为列名（%(columns)s）。") % {
            "columns": ", ".join(FACTOR_COLUMNS)})
    return tables


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        # PostgreSQL stores no NUL in text: saving it would fail with a 500.
        raise FormatError(_("文件含有 NUL 字符，不是 CSV 文本文件。"))
    for encoding in ("utf-8-sig", "gb18030"):  # Excel in China saves CSV as GBK
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FormatError(_("无法识别文件编码：请保存为 UTF-8 编码的 CSV。"))


def _csv_table(name: str, content: bytes) -> Table | None:
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple] = []
    try:
        for number, row in enumerate(reader, start=1):
            if number > LIBRARY_MAX_ROWS:
                raise FormatError(_("文件超过 %(n)s 行，无法导入。") % {"n": f"{LIBRARY_MAX_ROWS:,}"})
            if len(row) > WORKBOOK_MAX_COLUMNS:
                raise FormatError(_("第 %(row)s 行超过 %(n)s 列，无法导入。") % {
                    "row": number, "n": WORKBOOK_MAX_COLUMNS})
            if any(len(cell) > WORKBOOK_MAX_CELL_CHARS for cell in row):
                raise FormatError(_("第 %(row)s 行有超过 %(n)s 个字符的单元格，无法导入。") % {
                    "row": number, "n": f"{WORKBOOK_MAX_CELL_CHARS:,}"})
            rows.append(tuple(row))
    except csv.Error as exc:
        raise FormatError(_("无法读取 CSV 文件：%(error)s") % {"error": str(exc)[:200]}) from exc
    return _table(name.rsplit("/", 1)[-1], rows)


def _workbook_tables(content: bytes) -> list[Table | None]:
    check_workbook_archive(content)
    try:
        from openpyxl import load_workbook  # imported here: only workbook users pay for it

        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        return [_table(sheet, list(bounded_rows(wb, sheet, max_rows=LIBRARY_MAX_ROWS)))
                for sheet in wb.sheetnames]
    except FormatError:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged file, also while iterating
        from defusedxml import DefusedXmlException

        cause: BaseException | None = exc
        while cause is not None and not isinstance(cause, DefusedXmlException):
            cause = cause.__cause__ or cause.__context__
        if cause is not None:
            raise FormatError(_("工作簿的 XML 含有 DTD 或实体声明，出于安全原因拒绝导入。")) from exc
        raise FormatError(_("无法读取 Excel 工作簿：%(error)s") % {"error": str(exc)[:200]}) from exc


def _table(label: str, rows: list[tuple]) -> Table | None:
    """A table from its rows (header first), or None when the header is neither shape."""
    if not rows:
        return None
    header = [str(h).strip().lstrip("\ufeff") if h is not None else "" for h in rows[0]]
    names = set(header)
    if "ncv_value" in names:
        kind, known = Kind.FUELS, (*FUEL_COLUMNS, *FUEL_EXTRA_COLUMNS, *OPTIONAL_COLUMNS)
        required = FUEL_REQUIRED
    elif "value" in names and "code" in names:
        kind, known, required = Kind.FACTORS, (*FACTOR_COLUMNS, *OPTIONAL_COLUMNS), FACTOR_REQUIRED
    else:
        return None
    missing = [c for c in required if c not in names]
    if missing:
        raise FormatError(_("%(table)s 缺少必需的列：%(columns)s。") % {
            "table": label, "columns": ", ".join(missing)})
    records = []
    for number, values in enumerate(rows[1:], start=2):
        record = {}
        for column, value in zip(header, values, strict=False):
            if column in known:
                record[column] = _cell(column, value)
        if all(v in (None, "") for v in record.values()):
            continue
        records.append((number, record))
    return Table(label=label, kind=kind, columns=tuple(c for c in header if c in known),
                 rows=records, ignored_columns=tuple(c for c in header if c and c not in known))


def _cell(column: str, value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        # A text cell the exporter protected from being taken for a formula: '=… → =…
        if column in TEXT_COLUMNS and value[:1] == "'" and value[1:].startswith(FORMULA_PREFIXES):
            value = value[1:]
        return value
    if hasattr(value, "isoformat"):  # an xlsx date cell (published)
        return value.isoformat()[:10]
    return value


# ------------------------------------------------------------------------- row checks
def parse_row(table: Table, row: int, record: dict[str, Any]) -> ParsedRow:
    """Model fields of one row, or its problems (column, reason): every check, not the first."""
    out = ParsedRow(table=table.label, row=row, code=_text(record.get("code")))
    problems = out.problems
    f = out.fields

    def text(column: str, *, required: bool = False) -> str:
        value = _text(record.get(column))
        if required and not value:
            problems.append((column, _("必填项为空。")))
        limit = _LENGTHS.get(column)
        if limit and len(value) > limit:
            problems.append((column, _("不能超过 %(n)s 个字符。") % {"n": limit}))
        return value

    code = text("code", required=True)
    if code:
        try:
            _CODE(code)
        except Exception:
            problems.append(("code", _("只能包含字母、数字、点、下划线和连字符。")))
    f["code"] = code
    f["name_zh"] = text("name_zh", required=True)
    f["name_en"] = text("name_en")
    f["source"] = text("source")
    if not f["source"]:
        problems.append(("source", _("缺少来源：每个因子都要写明出处。")))
    f["notes"] = text("notes")
    if "published" in record or table.kind == Kind.FACTORS:
        f["published"] = text("published")
    if "region" in record or table.kind == Kind.FACTORS:
        f["region"] = text("region")
    if "data_year" in record or table.kind == Kind.FACTORS:
        f["year"] = _year(record.get("data_year"), problems)
    if table.kind == Kind.FACTORS:
        _stated_value(record, f, problems)
    else:
        _fuel(record, f, problems)
    _distribution(record, f, problems)
    if "licence_note" in record:
        f["licence_note"] = text("licence_note")
    if "redistribution_allowed" in record:
        f["redistribution_allowed"] = _boolean(record.get("redistribution_allowed"), problems)
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _number(value: Any, column: str, problems: list, *, required: bool = True,
            integer_digits: int = 14, decimals: int = 10) -> tuple[Decimal | None, int | None]:
    """A non-negative decimal and the decimals it was written with."""
    if value is None or value == "":
        if required:
            problems.append((column, _("必填项为空。")))
        return None, None
    if isinstance(value, bool):
        problems.append((column, _("不是数字：%(value)s。") % {"value": value}))
        return None, None
    if isinstance(value, int | float | Decimal):
        text = repr(float(value)) if isinstance(value, float) else str(value)
    else:
        text = str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        problems.append((column, _("不是数字：%(value)s。") % {"value": str(value)[:40]}))
        return None, None
    if not number.is_finite():
        problems.append((column, _("不是数字：%(value)s。") % {"value": str(value)[:40]}))
        return None, None
    if number < 0:
        problems.append((column, _("不能为负数。")))
        return None, None
    # The decimals as written, uncapped: value_decimals stops at the 10 a factor's value may
    # have, so it cannot tell 15 decimals from 10 (the value column's check never fired).
    if max(0, -number.as_tuple().exponent) > decimals:
        problems.append((column, _("小数位数不能超过 %(n)s 位。") % {"n": decimals}))
        return None, None
    written = value_decimals(text)
    if number >= Decimal(10) ** integer_digits:
        problems.append((column, _("数值过大。")))
        return None, None
    return number, written


def _year(value: Any, problems: list) -> int | None:
    if value in (None, ""):
        return None
    try:
        year = int(str(value).strip().removesuffix(".0"))
    except ValueError:
        problems.append(("data_year", _("年份应为整数，例如 2023。")))
        return None
    if not 1900 <= year <= 2200:
        problems.append(("data_year", _("年份应在 1900 到 2200 之间。")))
        return None
    return year


def _boolean(value: Any, problems: list) -> bool:
    if value is None or value == "":
        return True
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    problems.append(("redistribution_allowed", _("应为 yes 或 no（是或否）。")))
    return True


def _choice(value: str, choices, column: str, problems: list) -> str:
    """A choice by its code or its label as printed (电力, CO₂)."""
    if value in choices.values:  # the usual case, without translating every label of every row
        return value
    for code, label in choices.choices:
        if value in (code, str(label)) or value.lower() == code.lower():
            return code
    problems.append((column, _("未知的取值 %(value)s，可选：%(choices)s。") % {
        "value": value[:40], "choices": ", ".join(choices.values)}))
    return ""


def _stated_value(record: dict, f: dict, problems: list) -> None:
    category = _choice(_text(record.get("category")), FactorCategory, "category", problems)
    gas = _choice(_text(record.get("gas")), Gas, "gas", problems)
    f["category"], f["gas"] = category, gas
    f["value"], f["value_decimals"] = _number(record.get("value"), "value", problems)
    mass = _mass_unit(_text(record.get("numerator_unit")), problems)
    denominator = _text(record.get("denominator_unit"))
    if not denominator:
        problems.append(("denominator_unit", _("必填项为空。")))
        return
    try:
        activity = parse_unit(denominator)
    except UnitError as exc:
        problems.append(("denominator_unit", _unit_message(denominator, exc)))
        return
    allowed = CATEGORY_DIMENSIONS.get(category)
    if allowed is not None and (1 * activity).dimensionality not in allowed:
        problems.append(("denominator_unit", _(
            "单位 %(unit)s 与类别“%(category)s”不符（应为 %(units)s 等）。") % {
            "unit": denominator, "category": FactorCategory(category).label,
            "units": _CATEGORY_UNITS_TEXT[category]}))
        return
    if mass:
        unit = f"{mass}/{denominator if _SIMPLE_UNIT.match(denominator) else f'({denominator})'}"
        try:
            emission_multiplier(denominator, unit)
        except UnitError as exc:
            problems.append(("denominator_unit", _unit_message(denominator, exc)))
            return
        f["unit"] = unit


def _mass_unit(numerator: str, problems: list) -> str:
    """'kg CO2' → 'kg': the gas is its own column; the numerator is a mass of it."""
    if not numerator:
        problems.append(("numerator_unit", _("必填项为空。")))
        return ""
    head = numerator.split()[0] if " " in numerator else printed_factor_unit(numerator)
    try:
        unit = parse_unit(head)
    except UnitError as exc:
        problems.append(("numerator_unit", _unit_message(numerator, exc)))
        return ""
    if (1 * unit).dimensionality != ureg.kilogram.dimensionality:
        problems.append(("numerator_unit", _("分子单位 %(unit)s 应为温室气体的质量，例如 kg CO2。") % {
            "unit": numerator}))
        return ""
    return head


def _unit_message(text: str, exc: UnitError) -> str:
    message = str(exc)
    if message.startswith(("unknown unit", "empty unit")) or "×" in message:
        return _("无法识别的单位 %(unit)s。") % {"unit": text[:40]}
    return message


def _fuel(record: dict, f: dict, problems: list) -> None:
    f.update(category=FactorCategory.FUEL, gas=Gas.CO2, value=None, value_decimals=None)
    unit = _text(record.get("unit")) or FUEL_DEFAULTS["unit"]
    if "region" not in record:
        f["region"] = FUEL_DEFAULTS["region"]
    ncv, _d = _number(record.get("ncv_value"), "ncv_value", problems)
    ncv_unit = _text(record.get("ncv_unit"))
    carbon, _d = _number(record.get("carbon_content_tC_per_TJ"), "carbon_content_tC_per_TJ", problems)
    rate, _d = _number(record.get("oxidation_rate"), "oxidation_rate", problems,
                       integer_digits=2, decimals=6)
    if rate is not None and not 0 < rate <= 1:
        problems.append(("oxidation_rate", _("碳氧化率应大于 0 且不超过 1。")))
        rate = None
    if not ncv_unit:
        problems.append(("ncv_unit", _("必填项为空。")))
    else:
        try:
            parse_unit(ncv_unit)
        except UnitError as exc:
            problems.append(("ncv_unit", _unit_message(ncv_unit, exc)))
            ncv_unit = ""
    try:
        parse_unit(unit)
    except UnitError as exc:
        problems.append(("unit", _unit_message(unit, exc)))
        unit = ""
    if None in (ncv, carbon, rate) or not ncv_unit or not unit:
        return
    f["ncv"] = f"{_written(record.get('ncv_value'))} {ncv_unit}"
    f["carbon_content"] = f"{_written(record.get('carbon_content_tC_per_TJ'))} t/TJ"
    f["oxidation_rate"] = rate
    f["unit"] = unit
    try:
        fuel_factor_value(f["ncv"], f["carbon_content"], float(rate), unit)
    except UnitError as exc:
        problems.append(("ncv_unit", _("无法由推导参数计算因子：%(error)s") % {"error": exc}))


def _written(value: Any) -> str:
    """A number as written in the file: '43.330' keeps its zeros (a float cell cannot)."""
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value.is_integer() else repr(value)
    return str(value).strip().replace(",", "")


def _distribution(record: dict, f: dict, problems: list) -> None:
    if not any(c in record for c in DISTRIBUTION_COLUMNS):
        return
    kind = _text(record.get("distribution")).lower()
    if kind and kind not in DistributionKind.values:
        problems.append(("distribution", _("未知的取值 %(value)s，可选：%(choices)s。") % {
            "value": kind[:40], "choices": ", ".join(DistributionKind.values)}))
        return
    params = {}
    for name in PARAMETERS:
        params[name], _d = _number(record.get(name), name, problems, required=False)
    for name, message in distribution_problems(kind, params, f.get("value")).items():
        problems.append((name, message))
    f["distribution"] = kind
    f.update(params)


# ------------------------------------------------------------------------------- writing
def factor_row(factor) -> dict[str, Any]:
    """A factor with a stated value as a row of the factors table (text cells only: numbers
    keep the decimals they were published with)."""
    mass, _slash, _rest = factor.unit.partition("/")
    row = {
        "code": factor.code, "name_zh": factor.name_zh, "name_en": factor.name_en,
        "category": factor.category, "value": _plain(factor.value, factor.value_decimals),
        "numerator_unit": f"{mass.strip()} {factor.gas}",
        "denominator_unit": activity_unit_of(factor.unit),
        "gas": factor.gas, "region": factor.region,
        "data_year": str(factor.year) if factor.year else "", "source": factor.source,
        "published": factor.published, "notes": factor.notes,
    }
    return {**row, **_optional(factor)}


def fuel_row(factor) -> dict[str, Any]:
    """A derived fuel factor in the shape of fuel_defaults_cn.csv, with its extra columns."""
    ncv_value, _space, ncv_unit = factor.ncv.strip().partition(" ")
    carbon = factor.carbon_content.strip()
    number, _space, unit = carbon.partition(" ")
    if unit.strip() != "t/TJ":
        from ..calculation.units import parse_quantity

        number = f"{parse_quantity(carbon).to('t/TJ').magnitude:.10g}"
    row = {
        "code": factor.code, "name_zh": factor.name_zh, "name_en": factor.name_en,
        "ncv_value": ncv_value, "ncv_unit": ncv_unit.strip(), "carbon_content_tC_per_TJ": number,
        "oxidation_rate": _plain(factor.oxidation_rate, None), "source": factor.source,
        "notes": factor.notes, "unit": factor.unit, "region": factor.region,
        "data_year": str(factor.year) if factor.year else "", "published": factor.published,
    }
    return {**row, **_optional(factor)}


def _optional(factor) -> dict[str, str]:
    row = {"distribution": factor.distribution}
    for name in PARAMETERS:
        row[name] = _plain(getattr(factor, name), None)
    row["licence_note"] = factor.licence_note
    row["redistribution_allowed"] = "yes" if factor.redistribution_allowed else "no"
    return row


def _plain(value: Decimal | None, decimals: int | None) -> str:
    if value is None:
        return ""
    if decimals is not None:
        return f"{value.quantize(Decimal(1).scaleb(-decimals)):f}"
    normal = value.normalize()
    return f"{normal:f}"


FACTOR_EXPORT_COLUMNS = (*FACTOR_COLUMNS, *OPTIONAL_COLUMNS)
FUEL_EXPORT_COLUMNS = (*FUEL_COLUMNS, *FUEL_EXTRA_COLUMNS, *OPTIONAL_COLUMNS)


def _escaped(value: Any) -> Any:
    """A CSV cell that a spreadsheet would take for a formula gets a quote (read back by _cell)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_csv(columns: tuple[str, ...], rows: list[dict]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_escaped(row.get(c, "")) for c in columns])
    # UTF-8 with a BOM: Excel opens it as UTF-8 (without, it guesses GBK and garbles Chinese).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def write_workbook(factors: list[dict], fuels: list[dict]) -> bytes:
    """Sheets `factors` and (when there are any) `fuels`; every cell is text, never a formula."""
    from openpyxl import Workbook

    wb = Workbook()
    sheets = [("factors", FACTOR_EXPORT_COLUMNS, factors)]
    if fuels:
        sheets.append(("fuels", FUEL_EXPORT_COLUMNS, fuels))
    for index, (title, columns, rows) in enumerate(sheets):
        ws = wb.active if index == 0 else wb.create_sheet()
        ws.title = title
        ws.append(list(columns))
        for row in rows:
            ws.append([row.get(c, "") for c in columns])
        text_stays_text(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
