"""Validating a `pcf-study/1` Document into a CleanStudy, ready to write to the database.

Validation touches no database: factor codes that a document does not define refer to the
factor library, whose known codes the caller passes in (`LibraryFactor`). It collects *every*
problem with where it is (sheet/row/field for workbooks, JSON path for JSON) instead of
stopping at the first, so a user can fix a file in one pass.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ...choices import (
    NARRATIVE_SECTIONS,
    Basis,
    Boundary,
    DataType,
    FactorCategory,
    Gas,
    GwpSet,
    Language,
    Stage,
    VerificationStatus,
)
from ...validators import DOT_SEGMENT_MESSAGE, DOT_SEGMENTS
from .. import formatting
from ..calculation.units import (
    UnitError,
    UnitSyntaxError,
    conversion_factor,
    emission_multiplier,
    fuel_factor_value,
    parse_unit,
    printed_factor_unit,
    printed_total_unit,
)
from ..report_prose import translation as report_translation
from .distribution_fields import read_distribution, read_ratings
from .document import (
    COMPANY_FIELDS,
    FORMAT,
    TEAM_COLUMNS,
    TRANSLATION_KINDS,
    Document,
    Problem,
)
from .pact_fields import PACT_PRODUCT_FIELDS, too_many_decimals
from .reading import written_decimals
from .workbook_layout import labelled

CODE_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
CLAIM_LEVELS = ("product", "stage", "share", "factor")


# Spellings of an optional yes/no cell (openpyxl gives True/False, people type 1/0 or 是/否).
_TRUE_WORDS = frozenset({"true", "1", "yes", "y", "是"})
_FALSE_WORDS = frozenset({"false", "0", "no", "n", "否"})


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
    pact: dict[str, Decimal | None] = field(default_factory=dict)  # StudyProduct's PACT particulars


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


# ------------------------------------------------------------------ the collections, declared
# One description per collection of the document: each field's key, what kind of value it holds
# and its bounds. `_Validator.fields` reads any collection from its description; what one field
# cannot say alone (a factor's value or derivation, a row's factor and units, a claim's subject)
# is a cross-field rule below the table. docs/pcf-study-1.schema.json states the same
# collections for other programs; tests/services/interchange/test_validation.py keeps the two in
# agreement (required fields, choices, lengths).
TEXT, CODE, NUMBER, INTEGER, CHOICE, FLAG, DATE, TEXT_LIST, PERIOD, PRINTED = (
    "text", "code", "number", "integer", "choice", "flag", "date", "text_list", "period", "printed")


@dataclass(frozen=True)
class Field:
    """One field of a collection. `to` names the clean value (default: the key); `empty` is
    what an empty or invalid optional value becomes; `choices` for CHOICE (with `default`
    when the field may be left out); a FLAG left out is False, or its `default`; bounds and
    room (`integer_digits`, `decimals`) for NUMBER; `path_segment` for a CODE that names a
    folder or a URL part."""

    key: str
    kind: str = TEXT
    to: str = ""
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    default: str | bool | None = None
    empty: Any = None
    minimum: Decimal | int | None = None
    exclusive_minimum: Decimal | int | None = None
    maximum: Decimal | int | None = None
    integer_digits: int = 14
    decimals: int | None = None
    path_segment: bool = False

    @property
    def name(self) -> str:
        return self.to or self.key


def _text(key: str, max_length: int | None = None, *, required: bool = False, to: str = "") -> Field:
    return Field(key, TEXT, to=to, required=required, max_length=max_length, empty="")


STUDY_FIELDS = (
    Field("report_number", CODE, max_length=64, path_segment=True),
    _text("title", 300, required=True),
    Field("language", CHOICE, choices=tuple(Language.values), default=Language.ZH_HANS),
    Field("standards", TEXT_LIST),
    Field("reference_period", PERIOD, required=True),
    Field("gwp_set", CHOICE, choices=tuple(GwpSet.values)),
    Field("boundary", CHOICE, choices=tuple(Boundary.values)),
    Field("revision", INTEGER, empty=0),
    _text("certification_body", 200),
    Field("issue_date", DATE),
)
PERIOD_FIELDS = (Field("start", DATE, required=True), Field("end", DATE, required=True))
COMPANY = tuple(_text(key, required=key == "name") for key in COMPANY_FIELDS)
FACTOR_FIELDS = (
    Field("code", CODE, max_length=64),
    Field("version", INTEGER),
    _text("name", 200, required=True, to="name_zh"),
    _text("name_en", 200),
    Field("category", CHOICE, choices=tuple(FactorCategory.values), default=FactorCategory.OTHER),
    _text("unit", 40, required=True),
    Field("gas", CHOICE, choices=tuple(Gas.values)),
    Field("year", INTEGER),
    _text("region", 40),
    _text("source", required=True),
    _text("published", 20),
    _text("notes"),
    # The library's licence fields (docs/factor-library.md): left out, redistribution is allowed.
    _text("licence_note"),
    Field("redistribution_allowed", FLAG, default=True),
)
# A fuel factor derived from its net calorific value, carbon content and oxidation rate.
DERIVATION_FIELDS = (
    _text("ncv", 50, required=True),
    _text("carbon_content", 50, required=True),
    Field("oxidation_rate", NUMBER, required=True, exclusive_minimum=0, maximum=1, decimals=6),
)
PRODUCT_FIELDS = (
    Field("code", CODE, max_length=40, path_segment=True),
    _text("name", 200, required=True),
    _text("model", 200),
    _text("functional_unit", 100, required=True),
    _text("description"),
    Field("energy_using", FLAG),
    Field("annual_output", NUMBER, required=True, minimum=0),
    # PACT particulars (pact_fields.py): room in their columns, and a share at most 100 %.
    *(Field(name, NUMBER, minimum=0, maximum=maximum, integer_digits=digits)
      for name, (digits, _decimals, maximum) in PACT_PRODUCT_FIELDS.items()),
)
STAGE_FIELDS = (
    Field("stage", CHOICE, choices=tuple(Stage.values)),
    _text("included"),
    _text("excluded"),
    _text("exclusion_reason"),
)
ACTIVITY_FIELDS = (
    Field("stage", CHOICE, choices=tuple(Stage.values)),
    _text("name", 200, required=True),
    Field("quantity", NUMBER, required=True, minimum=0, integer_digits=19),
    _text("unit", 40, required=True),
    Field("basis", CHOICE, choices=tuple(Basis.values), default=Basis.ANNUAL_TOTAL),
    Field("allocation", NUMBER, exclusive_minimum=0, maximum=1, empty=Decimal(1)),
    Field("data_type", CHOICE, choices=tuple(DataType.values), default=DataType.PRIMARY),
    _text("source", 300),
    Field("claimed_kgco2e_per_unit", NUMBER),
    Field("uncertainty_pct", NUMBER, minimum=0, integer_digits=4),
    _text("notes"),
    Field("verification", CHOICE, choices=tuple(VerificationStatus.values),
          default=VerificationStatus.NOT_VERIFIED, empty=VerificationStatus.NOT_VERIFIED),
)
# Read with a row, not stored on it: which factor it uses (the reference is resolved), and the
# evidence file it was verified against (files do not travel with the document).
ACTIVITY_REFERENCE_FIELDS = (
    _text("factor", 64, required=True),
    Field("factor_version", INTEGER),
    _text("verified_evidence_sha256", 64),
)
TEAM_FIELDS = tuple(_text(key, required=key == "name") for key in TEAM_COLUMNS)
CLAIM_FIELDS = (
    Field("level", CHOICE, choices=CLAIM_LEVELS),
    _text("product", 40),
    _text("stage", 30),
    _text("factor", 64),
    Field("value", PRINTED, required=True),  # (value, decimals as printed)
    _text("unit", 40, required=True),
    _text("place", 100, required=True),
    _text("note"),
)
# Every collection by the name the JSON Schema gives it.
COLLECTIONS = {
    "study": STUDY_FIELDS, "company": COMPANY, "factor": FACTOR_FIELDS,
    "derived_from": DERIVATION_FIELDS, "product": PRODUCT_FIELDS, "stage": STAGE_FIELDS,
    "activity": ACTIVITY_FIELDS + ACTIVITY_REFERENCE_FIELDS, "team": TEAM_FIELDS,
    "claim": CLAIM_FIELDS,
}


def _not_one_of(value, allowed) -> str:
    """The problem of a value outside its choices, which are named with their labels."""
    return _("无效的值 %(value)s，可选：%(allowed)s。") % {"value": value,
                                                 "allowed": ", ".join(labelled(allowed))}


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
               exclusive_minimum=None, maximum=None, integer_digits=14,
               decimals: int | None = None) -> Decimal | None:
        """A decimal number; `integer_digits` is the room the database column has before the
        decimal point (24 digits with 10 decimals: 14), and `decimals` after it where the row
        is checked before it is saved (a factor's), so that saving cannot fail."""
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
        if decimals is not None and number and -number.normalize().as_tuple().exponent > decimals:
            self.problem((*path, key), _("最多 %(n)s 位小数（当前为 %(value)s）。") % {
                "n": decimals, "value": value})
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
            self.problem((*path, key), _not_one_of(value, allowed))
            return None
        return value

    def code(self, obj: dict, key: str, path: tuple, *, max_length: int,
             path_segment: bool = False) -> str | None:
        """A required code: letters, digits, dot, underscore and hyphen; `path_segment`: one that
        names a folder or a URL part, so never "." or ".."."""
        code = self.text(obj, key, path, required=True, max_length=max_length)
        if code and not CODE_RE.match(code):
            self.problem((*path, key), _("只能包含字母、数字、点、下划线和连字符。"))
        elif path_segment and code in DOT_SEGMENTS:
            self.problem((*path, key), str(DOT_SEGMENT_MESSAGE))
        return code

    def objects(self, items: list, path: tuple) -> Iterator[tuple[tuple, dict]]:
        """(path of the item, item) for each item of a list that is an object; a problem for
        each item that is not."""
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                self.problem((*path, i), _("应为对象。"))
                continue
            yield (*path, i), item

    def unit(self, text: str, path: tuple) -> bool:
        """Whether `text` is a unit the converter reads; if not, the problem is at path/unit."""
        try:
            parse_unit(text)
        except UnitSyntaxError as exc:
            self.problem((*path, "unit"), str(exc))
        except UnitError:
            self.problem((*path, "unit"), _("无法识别的单位 %(unit)s。") % {"unit": text})
        else:
            return True
        return False

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

    def flag(self, obj: dict, key: str, path: tuple, *, default: bool = False) -> bool:
        """An optional yes/no field: JSON true/false, or in a workbook also 1/0, 是/否."""
        value = obj.get(key)
        if value is None or value == "":
            return default
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

    def fields(self, obj: dict, path: tuple, fields: Iterable[Field]) -> dict[str, Any]:
        """The clean values of one object of a collection, read from its description; a
        problem for each invalid field."""
        out: dict[str, Any] = {}
        for f in fields:
            if f.kind == TEXT:
                value = self.text(obj, f.key, path, required=f.required, max_length=f.max_length)
            elif f.kind == CODE:
                value = self.code(obj, f.key, path, max_length=f.max_length, path_segment=f.path_segment)
            elif f.kind == NUMBER:
                value = self.number(obj, f.key, path, required=f.required, minimum=f.minimum,
                                    exclusive_minimum=f.exclusive_minimum, maximum=f.maximum,
                                    integer_digits=f.integer_digits, decimals=f.decimals)
            elif f.kind == INTEGER:
                value = self.integer(obj, f.key, path)
            elif f.kind == CHOICE:
                value = self.choice(obj, f.key, path, f.choices, default=f.default)
            elif f.kind == FLAG:
                value = self.flag(obj, f.key, path, default=bool(f.default))
            elif f.kind == DATE:
                value = self.date(obj, f.key, path, required=f.required)
            elif f.kind == TEXT_LIST:
                value = self.text_list(obj, f.key, path)
            elif f.kind == PERIOD:
                value = self.period(obj, f.key, path)
            elif f.kind == PRINTED:
                value = self.printed_number(obj, f.key, path)
            else:  # pragma: no cover - a table names a kind that has no reader
                raise ValueError(f.kind)
            out[f.name] = f.empty if f.empty is not None and not value else value
        return out

    def text_list(self, obj: dict, key: str, path: tuple) -> list[str]:
        """A list of texts (a workbook cell: texts separated by ";")."""
        values = obj.get(key, [])
        if isinstance(values, str):
            values = [s.strip() for s in values.split(";") if s.strip()]
        if not isinstance(values, list) or not all(isinstance(s, str) for s in values):
            self.problem((*path, key), _("应为文本列表。"))
            return []
        return values

    def period(self, obj: dict, key: str, path: tuple) -> tuple[dt.date | None, dt.date | None]:
        period = obj.get(key)
        if not isinstance(period, dict):
            self.problem((*path, key), _("必填：包含 start 和 end 的对象。"))
            period = {}
        clean = self.fields(period, (*path, key), PERIOD_FIELDS)
        start, end = clean["start"], clean["end"]
        if start and end and end < start:
            self.problem((*path, key, "end"), _("报告期结束日期不能早于开始日期。"))
        return start, end

    # -- sections: each reads its collection from the table, then applies its cross-field rules
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
        out = self.fields(data, (), STUDY_FIELDS)
        out["period_start"], out["period_end"] = out.pop("reference_period")
        narrative = data.get("narrative") or {}
        if not isinstance(narrative, dict):
            self.problem(("narrative",), _("应为对象。"))
            narrative = {}
        for key in narrative:
            if key not in NARRATIVE_SECTIONS:
                self.problem(("narrative", key), _("未知的叙述章节。"))
        out.update(self.fields(narrative, ("narrative",), (_text(key) for key in NARRATIVE_SECTIONS)))
        out["translations"] = self.translations(data.get("translations"))
        return out

    def translations(self, value: Any) -> dict:
        """The study's own text in other report languages (services/report_prose/translation.py)."""
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
        out = self.fields(company, ("company",), COMPANY)
        if out["credit_code"] and not CREDIT_CODE_RE.match(out["credit_code"]):
            self.problem(("company", "credit_code"), _("统一社会信用代码应为 18 位数字或大写字母。"))
        return out

    def factors(self, factors: Any) -> list[CleanFactor]:
        if not isinstance(factors, list):
            self.problem(("factors",), _("应为列表。"))
            return []
        out: list[CleanFactor] = []
        seen: set[tuple[str, int | None]] = set()
        for path, f in self.objects(factors, ("factors",)):
            fields = self.fields(f, path, FACTOR_FIELDS)
            code, version = fields.pop("code"), fields.pop("version")
            # rules: one definition per version of a code; a unit the converter reads; a value
            # or a derivation, never both; a distribution consistent with the value
            if code and (code, version) in seen:
                self.problem((*path, "code"), _("因子代码 %(code)s 重复定义。") % {"code": code})
            seen.add((code, version))
            fields.update({"value": None, "ncv": "", "carbon_content": "", "oxidation_rate": None,
                           "value_decimals": None})
            unit_ok = bool(fields["unit"]) and self.unit(fields["unit"], path)
            derived = f.get("derived_from")
            has_value = f.get("value") not in (None, "")
            if has_value and derived:
                self.problem(path, _("因子值和燃料推导参数只能给出其中之一。"))
            elif has_value:
                fields["value"] = self.number(f, "value", path, minimum=0,
                                              decimals=formatting.MAX_FACTOR_DECIMALS)
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
                fields.update(self.fields(derived, dpath, DERIVATION_FIELDS))
                if fields["ncv"] and fields["carbon_content"] and fields["oxidation_rate"] and unit_ok:
                    try:
                        fuel_factor_value(fields["ncv"], fields["carbon_content"],
                                          float(fields["oxidation_rate"]), fields["unit"])
                    except UnitError as exc:
                        self.problem(dpath, _("无法由推导参数计算因子：%(error)s") % {"error": exc})
            else:
                self.problem(path, _("需要 value，或 derived_from（ncv、carbon_content、oxidation_rate）。"))
            fields.update(read_distribution(self, f, path, fields["value"], integer_digits=14,
                                            decimals=formatting.MAX_FACTOR_DECIMALS))
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
        for path, p in self.objects(products, ("products",)):
            fields = self.fields(p, path, PRODUCT_FIELDS)
            code, output = fields.pop("code"), fields.pop("annual_output")
            pact = {name: fields.pop(name) for name in PACT_PRODUCT_FIELDS}
            # rules: one product per code; the PACT particulars within their columns' decimals
            if code in seen:
                self.problem((*path, "code"), _("产品代码 %(code)s 重复。") % {"code": code})
            seen.add(code)
            for name, (_digits, decimals, _maximum) in PACT_PRODUCT_FIELDS.items():
                if too_many_decimals(pact[name], decimals):
                    self.problem((*path, name), _("最多保留 %(n)s 位小数。") % {"n": decimals})
                    pact[name] = None
            stages: dict[str, dict[str, str]] = {}
            for spath, s in self.objects(self.list_of(p, "stages", path), (*path, "stages")):
                row = self.fields(s, spath, STAGE_FIELDS)
                stage = row.pop("stage")
                # rule: a stage is described once per product
                if stage in stages:
                    self.problem((*spath, "stage"), _("阶段 %(stage)s 重复。") % {"stage": labelled([stage])[0]})
                if stage:
                    stages[stage] = row
            activities = []
            for apath, a in self.objects(self.list_of(p, "activities", path), (*path, "activities")):
                activity = self.activity(a, apath, doc_factors, output)
                if activity:
                    activities.append(activity)
            if code and output is not None:
                out.append(CleanProduct(code=code, fields=fields, annual_output=output,
                                        stages=stages, activities=activities, pact=pact))
        return out

    def activity(self, a: dict, path: tuple, doc_factors: dict[str, list[CleanFactor]],
                 output: Decimal | None) -> CleanActivity | None:
        before = len(self.problems)
        fields = self.fields(a, path, ACTIVITY_FIELDS)
        stage = fields.pop("stage")
        fields.update(read_distribution(self, a, path, fields["quantity"], integer_digits=19))
        fields.update(read_ratings(self, a, path))
        reference = self.fields(a, path, ACTIVITY_REFERENCE_FIELDS)
        # Evidence files do not travel with the document: a figure verified against a file is
        # verified again against the file uploaded here, so "verified" arrives as not verified.
        if fields["verification"] == VerificationStatus.VERIFIED:
            fields["verification"] = VerificationStatus.NOT_VERIFIED
        # rules: a period total needs the product's output; a unit the converter reads, that
        # multiplies with its factor's unit into a mass; a factor of the file or the library
        if fields["basis"] == Basis.ANNUAL_TOTAL and output is not None and output <= 0:
            self.problem((*path, "basis"), _("按报告期总量填报的活动需要产品的报告期产量大于 0。"))
        unit_ok = bool(fields["unit"]) and self.unit(fields["unit"], path)
        code, version = reference["factor"], reference["factor_version"]
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
        return [self.fields(member, path, TEAM_FIELDS) for path, member in self.objects(team, ("team",))]

    def claims(self, claims: Any, products: Any, factors: list[CleanFactor]) -> list[dict[str, Any]]:
        """Figures the source report prints: product/stage totals, shares, stated factors."""
        if claims in (None, ""):
            return []
        if not isinstance(claims, list):
            self.problem(("claims",), _("应为列表。"))
            return []
        # `products` is as the document has it: its own problems are reported where it is read
        product_codes = {str(p.get("code")) for p in (products if isinstance(products, list) else [])
                         if isinstance(p, dict)}
        factor_codes = {f.code for f in factors} | set(self.library)
        out = []
        for path, claim in self.objects(claims, ("claims",)):
            before = len(self.problems)
            row = self.fields(claim, path, CLAIM_FIELDS)
            value, decimals = row.pop("value")
            for rule in CLAIM_RULES:
                rule(self, row, path, value=value, decimals=decimals, product_codes=product_codes,
                     factor_codes=factor_codes, factors=factors)
            if len(self.problems) == before:
                out.append({"level": row["level"], "product": row["product"] or None,
                            "stage": row["stage"], "factor_code": row["factor"], "value": value,
                            "decimals": decimals, "unit": row["unit"], "place": row["place"],
                            "note": row["note"]})
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



# ------------------------------------------------------------------ cross-field rules of claims
# What a claim's level asks of its other fields (the JSON Schema's if/then of `claim`), each
# rule a function of the validator, the claim's clean fields and its path.
def _claim_subject(v: _Validator, row: dict, path: tuple, *, product_codes, **_context) -> None:
    level, product = row["level"], row["product"]
    if level in ("product", "stage", "share") and not product:
        v.problem((*path, "product"), _("产品、阶段和占比声明需要产品代码。"))
    if product and product not in product_codes:
        v.problem((*path, "product"), _("产品代码 %(code)s 不在 products 中。") % {"code": product})


def _claim_stage(v: _Validator, row: dict, path: tuple, **_context) -> None:
    stage = row["stage"]
    if row["level"] in ("stage", "share"):
        if not stage:
            v.problem((*path, "stage"), _("阶段和占比声明需要生命周期阶段。"))
        elif stage not in Stage.values:
            v.problem((*path, "stage"), _not_one_of(stage, Stage.values))
    elif stage:
        v.problem((*path, "stage"), _("只有阶段和占比声明有生命周期阶段。"))


def _claim_factor(v: _Validator, row: dict, path: tuple, *, factor_codes, **_context) -> None:
    factor = row["factor"]
    if row["level"] == "factor":
        if not factor:
            v.problem((*path, "factor"), _("因子声明需要因子代码。"))
        elif factor not in factor_codes:
            v.problem((*path, "factor"), _("排放因子 %(code)s 既未在文件中定义，也不在因子库中。") % {"code": factor})
    elif factor:
        v.problem((*path, "factor"), _("只有因子声明有因子代码。"))


def _claim_value(v: _Validator, row: dict, path: tuple, *, value, decimals, **_context) -> None:
    # StudyClaim.value holds 16 digits before the decimal point and 12 after.
    if value is not None and (decimals > 12 or abs(value) >= Decimal("1e16")):
        v.problem((*path, "value"), _("最多 16 位整数和 12 位小数。"))


def _claim_unit(v: _Validator, row: dict, path: tuple, *, factor_codes, factors, **_context) -> None:
    unit, level, factor = row["unit"], row["level"], row["factor"]
    if unit and level in ("product", "stage"):
        try:
            printed_total_unit(unit)
        except UnitError:
            v.problem((*path, "unit"), _("应为 CO₂ 当量的质量单位，例如 kgCO₂e/台，而不是 %(unit)s。") % {"unit": unit})
    elif unit and level == "share" and unit != "%":
        v.problem((*path, "unit"), _("占比的单位应为 %。"))
    elif unit and level == "factor" and factor in factor_codes:
        factor_unit = next((f.fields["unit"] for f in factors if f.code == factor), None)
        if factor_unit is None and factor in v.library:
            factor_unit = v.library[factor].unit
        try:
            conversion_factor(factor_unit or "", printed_factor_unit(unit))
        except UnitError:
            v.problem((*path, "unit"), _("单位 %(unit)s 无法换算为排放因子 %(factor)s 的单位 %(factor_unit)s。") % {
                "unit": unit, "factor": factor, "factor_unit": factor_unit})


CLAIM_RULES = (_claim_subject, _claim_stage, _claim_factor, _claim_value, _claim_unit)


def validate_document(doc: Document, library: dict[str, LibraryFactor]) -> tuple[CleanStudy | None, list[Problem]]:
    """Check a whole document; return the clean study, or None and every problem found."""
    validator = _Validator(doc, library)
    clean = validator.run()
    return clean, validator.problems
