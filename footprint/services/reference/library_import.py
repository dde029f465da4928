"""Importing and exporting a factor library (docs/factor-library.md).

The preview sorts every row of the files: a new code; a changed factor, which becomes a new
version of its code (never an edit: the studies that use the old version keep it, issued ones
included); an unchanged one; a rejected row with its row, column and reason. Confirming imports
everything or nothing, and only a file without rejected rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ...models import EmissionFactor, factor_family
from .factors import factor_revise
from .library_format import (
    FACTOR_EXPORT_COLUMNS,
    FUEL_EXPORT_COLUMNS,
    Kind,
    ParsedRow,
    factor_row,
    fuel_row,
    parse_row,
    read_tables,
    write_csv,
    write_workbook,
)

# Fields a file sets; a column the file does not have keeps the current version's value (a file
# without uncertainty or licence columns does not erase them).
COMPARED_FIELDS = (
    "name_zh", "name_en", "category", "value", "value_decimals", "ncv", "carbon_content",
    "oxidation_rate", "unit", "gas", "year", "region", "source", "published", "notes",
    "distribution", "distribution_gsd2", "distribution_sd", "distribution_low",
    "distribution_high", "licence_note", "redistribution_allowed",
)
_CHUNK = 500  # codes per query (SQLite allows 999 parameters in old builds)


@dataclass(frozen=True)
class Rejection:
    table: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("%(table)s 第 %(row)s 行，列 %(column)s：%(reason)s") % {
            "table": self.table, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True)
class Change:
    """A code whose file row differs from its current version: the next version."""

    code: str
    current: EmissionFactor
    fields: dict[str, Any]
    changed: tuple[str, ...]  # the fields that differ

    @property
    def next_version(self) -> int:
        return self.current.version + 1


@dataclass
class LibraryPreview:
    new: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: list[EmissionFactor] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether confirming may import: no rejected row."""
        return not self.rejected

    @property
    def rows(self) -> int:
        return len(self.new) + len(self.changed) + len(self.unchanged)

    @property
    def rejected_rows(self) -> int:
        return len({(r.table, r.row) for r in self.rejected})


class LibraryRejected(Exception):
    """A library with rejected rows: nothing was imported."""

    def __init__(self, preview: LibraryPreview):
        super().__init__(_("因子库文件有 %(n)s 行被拒绝，未导入任何数据。") % {"n": preview.rejected_rows})
        self.preview = preview


def _parse(files: list[tuple[str, bytes]]) -> tuple[list[ParsedRow], LibraryPreview]:
    preview = LibraryPreview()
    parsed: list[ParsedRow] = []
    seen: dict[str, ParsedRow] = {}
    for name, content in files:
        for table in read_tables(name, content):
            preview.ignored_columns.extend(c for c in table.ignored_columns
                                           if c not in preview.ignored_columns)
            for row, record in table.rows:
                item = parse_row(table, row, record)
                first = seen.get(item.code)
                if item.code and first is not None:
                    item.problems.append(("code", _("代码 %(code)s 重复（%(table)s 第 %(row)s 行已有）。") % {
                        "code": item.code, "table": first.table, "row": first.row}))
                elif item.code:
                    seen[item.code] = item
                parsed.append(item)
    return parsed, preview


def _current_versions(codes: list[str]) -> dict[str, EmissionFactor]:
    """The current version of each code (the newest when none is marked current)."""
    found: dict[str, EmissionFactor] = {}
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start:start + _CHUNK]
        for factor in EmissionFactor.objects.filter(code__in=chunk).order_by("code", "-is_current", "-version"):
            found.setdefault(factor.code, factor)
    return found


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return a is not None and b is not None and Decimal(a) == Decimal(b)
    return (a or "") == (b or "") if isinstance(a, str) or isinstance(b, str) else a == b


def preview_library(files: list[tuple[str, bytes]]) -> LibraryPreview:
    """What importing `files` (name, content) would do; FormatError for a file that cannot be read."""
    parsed, preview = _parse(files)
    current = _current_versions([p.code for p in parsed if p.code and not p.problems])
    for item in parsed:
        if item.problems:
            preview.rejected.extend(Rejection(item.table, item.row, column, reason)
                                    for column, reason in item.problems)
            continue
        factor = current.get(item.code)
        if factor is None:
            preview.new.append(item.fields)
            continue
        changed = tuple(name for name in COMPARED_FIELDS
                        if name in item.fields and not _same(item.fields[name], getattr(factor, name)))
        if changed:
            preview.changed.append(Change(item.code, factor, item.fields, changed))
        else:
            preview.unchanged.append(factor)
    return preview


@transaction.atomic
def import_library(*, files: list[tuple[str, bytes]], user=None) -> LibraryPreview:
    """Import `files` whole: new codes as version 1, changed ones as their next version; or,
    when any row is rejected, nothing (LibraryRejected). Returns what was done."""
    preview = preview_library(files)
    if not preview.ok:
        raise LibraryRejected(preview)
    new = []
    for fields in preview.new:
        factor = EmissionFactor(version=1, is_current=True, family=factor_family(fields["code"]),
                                **fields)
        # Checked row by row above; the model's own checks too, without one query per row.
        factor.full_clean(validate_unique=False, validate_constraints=False)
        new.append(factor)
    if new:
        bulk_create_with_history(new, EmissionFactor, batch_size=1000, default_user=user)
    for change in preview.changed:
        factor_revise(factor=change.current,
                      changes={k: v for k, v in change.fields.items() if k != "code"})
    return preview


def library_preview_summary(preview: LibraryPreview, *, shown: int) -> dict:
    """What the import preview page shows, as JSON: the whole counts and the first `shown`
    rows of each part (a preview job stores it; an in-request preview renders the same)."""
    from ..formatting import factor_value as value_text
    from .factors import factor_value

    def current_value(factor: EmissionFactor) -> str:
        if factor.value is not None:
            return value_text(factor.value, factor.value_decimals)
        try:
            return value_text(factor_value(factor))
        except Exception:  # incomplete fuel parameters
            return ""

    def text(value) -> str | None:
        return None if value is None else str(value)

    return {
        "ok": preview.ok,
        "counts": {"new": len(preview.new), "changed": len(preview.changed),
                   "unchanged": len(preview.unchanged), "rejected": len(preview.rejected),
                   "rejected_rows": preview.rejected_rows},
        "ignored_columns": list(preview.ignored_columns),
        "new": [{"code": f["code"], "name_zh": f.get("name_zh"), "value": text(f.get("value")),
                 "unit": f.get("unit"), "source": f.get("source")} for f in preview.new[:shown]],
        "changed": [{"code": c.code, "version": c.current.version, "next_version": c.next_version,
                     "current_value": current_value(c.current), "value": text(c.fields.get("value")),
                     "changed": list(c.changed)} for c in preview.changed[:shown]],
        "unchanged": [f.code for f in preview.unchanged[:shown]],
        "rejected": [{"table": r.table, "row": r.row, "column": r.column, "reason": str(r.reason)}
                     for r in preview.rejected[:shown]],
    }


# ------------------------------------------------------------------------------- export
def library_export(name: str, factors=None) -> dict[str, bytes]:
    """The library's current factors in the import format, by the name's extension: one .xlsx
    (sheets factors and fuels), or a .csv plus `<name>-fuels.csv` when there are fuel
    derivations. Returns file name → content."""
    if factors is None:
        factors = EmissionFactor.objects.filter(is_current=True).order_by("code")
    stated, fuels = [], []
    for factor in factors:
        (stated if factor.value is not None else fuels).append(
            factor_row(factor) if factor.value is not None else fuel_row(factor))
    lower = name.lower()
    if lower.endswith(".xlsx"):
        return {name: write_workbook(stated, fuels)}
    if lower.endswith(".csv"):
        out = {name: write_csv(FACTOR_EXPORT_COLUMNS, stated)}
        if fuels:
            out[f"{name[:-4]}-fuels.csv"] = write_csv(FUEL_EXPORT_COLUMNS, fuels)
        return out
    raise ValueError(_("不支持的文件类型：请使用 .csv 或 .xlsx。"))


__all__ = ["Change", "Kind", "LibraryPreview", "LibraryRejected", "Rejection", "import_library",
           "library_export", "library_preview_summary", "preview_library"]
