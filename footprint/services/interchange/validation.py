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
from .pact_fields import read_pact_fields
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
        out["report_number"] = self.code(data, "report_number", (), max_length=64, path_segment=True)
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
            if key not in NARRATIVE_SECTIONS:
                self.problem(("narrative", key), _("未知的叙述章节。"))
        for key in NARRATIVE_SECTIONS:
            out[key] = self.text(narrative, key, ("narrative",)) or ""
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
        for path, f in self.objects(factors, ("factors",)):
            code = self.code(f, "code", path, max_length=64)
            version = self.integer(f, "version", path)
            if code and (code, version) in seen:
                self.problem((*path, "code"), _("因子代码 %(code)s 重复定义。") % {"code": code})
            seen.add((code, version))
            fields: dict[str, Any] = {
                "name_zh": self.text(f, "name", path, required=True, max_length=200),
                "name_en": self.text(f, "name_en", path, max_length=200) or "",
                "category": self.choice(f, "category", path, FactorCategory.values,
                                        default=FactorCategory.OTHER),
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
            unit_ok = bool(fields["unit"]) and self.unit(fields["unit"], path)
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
        for path, p in self.objects(products, ("products",)):
            code = self.code(p, "code", path, max_length=40, path_segment=True)
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
            pact = read_pact_fields(self, p, path)
            stages: dict[str, dict[str, str]] = {}
            for spath, s in self.objects(self.list_of(p, "stages", path), (*path, "stages")):
                stage = self.choice(s, "stage", spath, Stage.values)
                if stage in stages:
                    self.problem((*spath, "stage"), _("阶段 %(stage)s 重复。") % {"stage": labelled([stage])[0]})
                if stage:
                    stages[stage] = {
                        k: self.text(s, k, spath) or "" for k in ("included", "excluded", "exclusion_reason")
                    }
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
        # Evidence files do not travel with the document: a figure verified against a file is
        # verified again against the file uploaded here, so "verified" arrives as not verified.
        verification = self.choice(a, "verification", path, VerificationStatus.values,
                                   default=VerificationStatus.NOT_VERIFIED) or VerificationStatus.NOT_VERIFIED
        fields["verification"] = (VerificationStatus.NOT_VERIFIED if verification == VerificationStatus.VERIFIED
                                  else verification)
        self.text(a, "verified_evidence_sha256", path, max_length=64)
        if fields["basis"] == Basis.ANNUAL_TOTAL and output is not None and output <= 0:
            self.problem((*path, "basis"), _("按报告期总量填报的活动需要产品的报告期产量大于 0。"))
        unit_ok = bool(fields["unit"]) and self.unit(fields["unit"], path)
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
        for path, member in self.objects(team, ("team",)):
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
        for path, claim in self.objects(claims, ("claims",)):
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
                    self.problem((*path, "stage"), _not_one_of(stage, Stage.values))
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
