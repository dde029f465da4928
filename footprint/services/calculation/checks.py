"""Checks that travel with a calculation result: codes, severities and their messages.

A check is plain data (code + parameters). Its message is rendered in the active language only
when read, so the calculation itself stays free of settings and requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils.translation import gettext, pgettext

from .. import formatting as F

ERROR = "error"
WARNING = "warning"
INFO = "info"

UNIT_INCOMPATIBLE = "unit_incompatible"
CLAIMED_MISMATCH = "claimed_mismatch"
MIXED_FACTOR_VERSIONS = "mixed_factor_versions"
STAGE_MISSING = "stage_missing"
STAGE_OUTSIDE_BOUNDARY = "stage_outside_boundary"
FACTOR_MISSING = "factor_missing"
GWP_MISSING = "gwp_missing"
OUTPUT_MISSING = "output_missing"
UNKNOWN_STAGE = "unknown_stage"
# Domain checks of an expert reviewer (ISO 14067:2018); none blocks issuing: each asks for a
# statement in the report, not for different numbers.
STAGES_OUTSIDE_BOUNDARY = "stages_outside_boundary"
USE_STAGE_EXCLUDED = "use_stage_excluded"
PARTIAL_CFP_FUNCTIONAL_UNIT = "partial_cfp_functional_unit"
ALLOCATION_SUM = "allocation_sum"
# Verification of the figures (calculation/verification.py; docs/evidence.md): a warning before
# approval and a list, never a blocker.
HOTSPOT_NOT_VERIFIED = "hotspot_not_verified"
NO_EVIDENCE = "no_evidence"
# Claims of the source report beyond its rows (calculation.claim_checks).
CLAIMS_CONFLICT = "claims_conflict"
CLAIMED_TOTAL_MISMATCH = "claimed_total_mismatch"
CLAIMED_SUM_MISMATCH = "claimed_sum_mismatch"
CLAIMED_SHARE_MISMATCH = "claimed_share_mismatch"
FACTOR_CLAIM_IRREPRODUCIBLE = "factor_claim_irreproducible"
CLAIM_UNIT_SUSPECT = "claim_unit_suspect"
CLAIM_CODES = frozenset({
    CLAIMS_CONFLICT, CLAIMED_TOTAL_MISMATCH, CLAIMED_SUM_MISMATCH, CLAIMED_SHARE_MISMATCH,
    FACTOR_CLAIM_IRREPRODUCIBLE, CLAIM_UNIT_SUSPECT,
})
# Likely causes of a contradiction, named in the check's message.
CAUSE_COPY = "copy"                # the value is another product's/stage's value
CAUSE_ROWS = "rows"                # a total that is the sum of its rows' claimed values
CAUSE_PER_MJ = "per_mj"            # a per-MJ fuel factor printed as per mass of fuel
CAUSE_WRONG_YEAR = "wrong_year"    # another year of the same factor reproduces the rows
CAUSE_LIBRARY = "library"          # another library factor reproduces the rows
CAUSE_LAST_DIGITS = "last_digits"  # two prints differ only in their last digit
CAUSE_SUBSTITUTE = "substitute"    # a place's stages add up once its odd values are replaced
CAUSE_OTHER_PLACE = "other_place"  # a share follows from another place's value
CAUSE_PRINTED_VALUES = "printed_values"  # shares that follow from the values printed beside them

# Codes that stop a study from being issued.
BLOCKING = frozenset({UNIT_INCOMPATIBLE, FACTOR_MISSING, GWP_MISSING, OUTPUT_MISSING, UNKNOWN_STAGE})


def stage_label(stage: str) -> str:
    from ...choices import Stage

    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


# Message numbers go through the one formatting module (docs/numbers.md), so a message prints
# a value exactly as the tables beside it do.
def _pct(value: float | None) -> str:
    """A deviation or other fraction as signed percent with two decimals: '+3.76 %'."""
    return F.deviation_text(value)


def _num(value: float | None) -> str:
    """A number of no fixed precision: up to six significant digits, no trailing zeros."""
    return F.general(value)


def _kg(value: float | None) -> str:
    """kgCO₂e with three decimals, as in every table: '180.200'."""
    return F.kg(value)


def _factor(value: float | None, decimals: int | None) -> str:
    """A factor value with its published decimals (0.5366, 0.5500)."""
    return F.factor_value(value, decimals)


def _implied(value: float | None, decimals: int | None) -> str:
    """An implied factor value like the factor it is compared with (≥ 4 significant digits)."""
    return F.implied_factor(value, decimals)


def _quoted(text: str) -> str:
    return gettext("“%(text)s”") % {"text": text}


def _semicolon() -> str:
    return pgettext("clause separator", "；")


def _listed(items) -> str:
    """Items joined with the language's list separator (“、” in Chinese, “, ” in English)."""
    return pgettext("list separator", "、").join(str(item) for item in items)


def claim_subject(level: str, product: str = "", stage: str = "", factor: str = "") -> str:
    """What a claim is about, for messages: 'HV 成品运输（分销）阶段', 'LV 产品合计'."""
    if level == "factor":
        return gettext("排放因子 %(factor)s") % {"factor": factor}
    if level == "product":
        return gettext("%(product)s 的产品合计") % {"product": product}
    if level == "share":
        return gettext("%(product)s“%(stage)s”阶段的占比") % {"product": product, "stage": stage_label(stage)}
    return gettext("%(product)s“%(stage)s”阶段") % {"product": product, "stage": stage_label(stage)}


def cause_text(cause: str | None, p: Mapping[str, object]) -> str:
    """The likely cause of a contradiction, as a sentence ("" when none was found)."""
    if cause == CAUSE_COPY:
        subject = claim_subject(str(p["level"]), str(p["product"]), str(p["stage"]))
        if p.get("places"):
            return gettext("%(value)s 正是%(subject)s的数值（%(places)s）：可能抄错了行。") % {
                "value": p["value"], "subject": subject, "places": _listed(p["places"])}  # type: ignore[arg-type]
        return gettext("%(value)s 正是%(subject)s的重新计算值：可能抄错了行。") % {
            "value": p["value"], "subject": subject}
    if cause == CAUSE_ROWS:
        return gettext("它等于各行声明值之和：差异来自这些行（见各行的检查）。")
    if cause == CAUSE_PER_MJ and "ncv" not in p:  # a restricted factor: its calorific value unsaid
        return gettext("可能把按 MJ 计的因子印成了按 %(activity_unit)s 计：乘以该燃料的低位发热量后与声明值相符。") % {
            "activity_unit": p["activity_unit"]}
    if cause == CAUSE_PER_MJ:
        return gettext(
            "可能把按 MJ 计的因子印成了按 %(activity_unit)s 计：%(stated)s × 低位发热量 %(ncv)s MJ/%(activity_unit)s"
            "（%(ncv_text)s）= %(product)s。"
        ) % {"stated": _num(p["stated"]), "ncv": _num(p["ncv"]), "ncv_text": p["ncv_text"],  # type: ignore[arg-type]
             "product": _num(p["product"]), "activity_unit": p["activity_unit"]}  # type: ignore[arg-type]
    if cause == CAUSE_WRONG_YEAR:
        return gettext("可能用错了年份：因子库中 %(year)s 年的 %(code)s（%(value)s %(unit)s）能得到该值。") % {
            "year": p["year"], "code": p["code"], "value": _num(p["value"]), "unit": p["unit"]}  # type: ignore[arg-type]
    if cause == CAUSE_LIBRARY:
        return gettext("因子库中的 %(code)s（%(value)s %(unit)s）能得到该值。") % {
            "code": p["code"], "value": _num(p["value"]), "unit": p["unit"]}  # type: ignore[arg-type]
    if cause == CAUSE_LAST_DIGITS:
        return gettext("两个数值只在最后一位不同：可能是修约或录入错误。")
    if cause == CAUSE_SUBSTITUTE:
        changes = _listed(
            gettext("“%(stage)s”%(from)s → %(to)s（%(places)s）") % {
                "stage": stage_label(str(c["stage"])), "from": c["from"], "to": c["to"],
                "places": _listed(c["places"])}
            for c in p["changes"]  # type: ignore[attr-defined]
        )
        return gettext("改用其他位置印出的数值（%(changes)s）后合计相符。") % {"changes": changes}
    if cause == CAUSE_PRINTED_VALUES:
        if p.get("except"):
            return gettext(
                "除%(stages)s外，这些占比都与同处印出的数值相符：差异来自那些数值（见其检查）。"
            ) % {"stages": _listed(
                _quoted(stage_label(str(s))) for s in p["except"])}  # type: ignore[attr-defined]
        return gettext("这些占比与同处印出的数值相符：差异来自那些数值（见其检查）。")
    if cause == CAUSE_OTHER_PLACE:
        return gettext("该占比与%(places)s印出的数值 %(value)s 相符。") % {
            "places": _listed(p["places"]), "value": p["value"]}  # type: ignore[arg-type]
    return ""


@dataclass(frozen=True, slots=True)
class Check:
    severity: str
    code: str
    activity: int | None
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    suggested_factor: str | None = None
    suggested_factor_key: str | None = None
    stage: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def message(self) -> str:
        p = self.params
        if self.code == UNIT_INCOMPATIBLE:
            return gettext(
                "活动“%(name)s”的单位 %(activity_unit)s 无法换算为排放因子 %(factor)s 的单位 "
                "%(factor_unit)s 所要求的活动单位；该行不计入结果，报告不能签发。"
            ) % p
        if self.code == CLAIMED_MISMATCH:
            if p.get("deviation") is None:
                return gettext("声明值 %(claimed)s kgCO₂e 无法由活动数据得出（重新计算结果为 0）。") % {
                    "claimed": _kg(p["claimed"])  # type: ignore[arg-type]
                }
            text = gettext(
                "声明值 %(claimed)s 与重新计算值 %(computed)s kgCO₂e 相差 %(deviation)s；"
                "要得到声明值，排放因子 %(factor)s 应为 %(implied)s %(unit)s（实际使用 %(value)s）。"
            ) % {
                "claimed": _kg(p["claimed"]),  # type: ignore[arg-type]
                "computed": _kg(p["computed"]),  # type: ignore[arg-type]
                "deviation": _pct(p["deviation"]),  # type: ignore[arg-type]
                "factor": p["factor"],
                "implied": _implied(p["implied_value"], p.get("factor_decimals")),  # type: ignore[arg-type]
                "unit": F.unit(str(p["factor_unit"])),
                "value": _factor(p["factor_value"], p.get("factor_decimals")),  # type: ignore[arg-type]
            }
            if self.suggested_factor:
                text += " " + gettext("因子库中的 %(code)s 与之相符，原报告可能使用了该因子。") % {
                    "code": self.suggested_factor
                }
            return text
        if self.code == MIXED_FACTOR_VERSIONS:
            return gettext("同一报告使用了同一因子族 %(family)s 的不同年份或版本：%(factors)s。") % p
        if self.code == STAGE_MISSING:
            return gettext("“%(stage)s”阶段没有活动数据，也没有说明排除理由。") % {
                "stage": stage_label(str(p["stage"]))
            }
        if self.code == STAGE_OUTSIDE_BOUNDARY:
            return gettext("活动属于系统边界之外的“%(stage)s”阶段，未计入结果。") % {
                "stage": stage_label(str(p["stage"]))
            }
        if self.code == FACTOR_MISSING:
            return gettext("找不到排放因子 %(factor)s；该行不计入结果。") % p
        if self.code == GWP_MISSING:
            return gettext("%(gwp_set)s 中没有温室气体 %(gas)s 的 GWP 值；该行不计入结果。") % p
        if self.code == OUTPUT_MISSING:
            return gettext("产品 %(product)s 的报告期产量为 0，无法把年度总量折算到功能单位。") % p
        if self.code == UNKNOWN_STAGE:
            return gettext("未知的生命周期阶段 %(stage)s。") % p
        if self.code in _DOMAIN_MESSAGES:
            return _DOMAIN_MESSAGES[self.code](p)
        if self.code in CLAIM_CODES:
            finding = claim_finding(self)
            if self.code in (FACTOR_CLAIM_IRREPRODUCIBLE, CLAIM_UNIT_SUSPECT):
                return finding["text"]
            return " ".join(t for t in (finding["text"], finding["cause"]) if t)
        return self.code

    @property
    def finding(self) -> dict[str, str]:
        return claim_finding(self)

    def to_dict(self) -> dict:
        data = {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "activity": self.activity,
            "suggested_factor": self.suggested_factor,
        }
        if self.stage:
            data["stage"] = self.stage
        if self.code == CLAIMED_MISMATCH:
            data["deviation"] = self.params.get("deviation")
            data["implied_factor_value"] = self.params.get("implied_value")
        if self.code in CLAIM_CODES:
            finding = claim_finding(self)
            data["finding"] = {k: finding[k] for k in ("subject", "stated", "against", "cause")}
        return data


# ------------------------------------------------------------------ domain check messages
def _stage_list(stages) -> str:
    return _listed(stage_label(str(s)) for s in stages)


def _stages_outside_boundary(p: Mapping[str, object]) -> str:
    stages = _stage_list(p["stages"])  # type: ignore[arg-type]
    if p.get("boundary") == "cradle_to_gate":
        return gettext(
            "系统边界为摇篮到大门，以下阶段不在研究范围内：%(stages)s。结果不包括这些阶段的排放，"
            "是部分碳足迹。"
        ) % {"stages": stages}
    return gettext(
        "以下阶段没有活动数据，并写明了排除理由：%(stages)s。结果不包括这些阶段的排放；"
        "报告应列出被排除的阶段及其理由。"
    ) % {"stages": stages}


def _use_stage_excluded(p: Mapping[str, object]) -> str:
    if p.get("outside_boundary"):
        return gettext(
            "该产品在使用中消耗能源，但使用阶段不在系统边界（摇篮到大门）内；对耗能产品，使用阶段的"
            "排放往往最大。按 ISO 14067:2018，省略生命周期阶段的研究量化的是部分碳足迹（3.1.1.2）："
            "报告必须把结果表述为部分碳足迹，并说明省略使用阶段的理由。"
        )
    return gettext(
        "该产品在使用中消耗能源，但使用阶段没有活动数据，其排放未计入结果；对耗能产品，使用阶段的"
        "排放往往最大。按 ISO 14067:2018，省略生命周期阶段的研究量化的是部分碳足迹（3.1.1.2）："
        "报告必须把结果表述为部分碳足迹，并说明省略使用阶段的理由。"
    )


def _partial_cfp_functional_unit(p: Mapping[str, object]) -> str:
    return gettext(
        "系统边界为摇篮到大门，结果是部分碳足迹。按 ISO 14067:2018，部分碳足迹按声明单位表示，"
        "而不是功能单位：“%(unit)s”应作为声明单位说明，结果不能用于按功能比较产品。"
    ) % {"unit": p["unit"]}


def _allocation_sum(p: Mapping[str, object]) -> str:
    total = float(p["sum"])  # type: ignore[arg-type]
    values = {
        "name": p["name"],
        "stage": stage_label(str(p["stage"])),
        "quantity": _num(p["quantity"]),  # type: ignore[arg-type]
        "unit": p["unit"],
        "factor": p["factor"],
        "shares": _listed(
            f"{code} {_num(share)}" for code, share in p["shares"]  # type: ignore[attr-defined]
        ),
        "sum": _num(total),
        "rest": _num(abs(1 - total)),
    }
    if total > 1:
        return gettext(
            "活动“%(name)s”（%(stage)s，%(quantity)s %(unit)s，排放因子 %(factor)s）在各产品间的分配系数"
            "（%(shares)s）之和为 %(sum)s，超过 1：多出的 %(rest)s 被重复计算。"
        ) % values
    return gettext(
        "活动“%(name)s”（%(stage)s，%(quantity)s %(unit)s，排放因子 %(factor)s）在各产品间的分配系数"
        "（%(shares)s）之和为 %(sum)s，不足 1：其余 %(rest)s 应属于本研究以外的产品，分配说明中应写明。"
    ) % values


def _verification_label(status: str) -> str:
    from ...choices import VerificationStatus

    try:
        return str(VerificationStatus(status).label)
    except ValueError:
        return status


def _hotspot_not_verified(p: Mapping[str, object]) -> str:
    return gettext("“%(name)s”（%(stage)s）占产品碳足迹的 %(share)s，核实状态为“%(status)s”，"
                   "尚未对照证据核实；批准前应对照证据核实。") % {
        "name": p["name"], "stage": stage_label(str(p["stage"])),
        "share": F.percent_text(p["share"]),  # type: ignore[arg-type]
        "status": _verification_label(str(p["status"]))}


def _no_evidence(p: Mapping[str, object]) -> str:
    return gettext("活动数据“%(name)s”（%(stage)s）没有证据文件。") % {
        "name": p["name"], "stage": stage_label(str(p["stage"]))}


_DOMAIN_MESSAGES = {
    HOTSPOT_NOT_VERIFIED: _hotspot_not_verified,
    NO_EVIDENCE: _no_evidence,
    STAGES_OUTSIDE_BOUNDARY: _stages_outside_boundary,
    USE_STAGE_EXCLUDED: _use_stage_excluded,
    PARTIAL_CFP_FUNCTIONAL_UNIT: _partial_cfp_functional_unit,
    ALLOCATION_SUM: _allocation_sum,
}
def _row_text(row: Mapping[str, object], unit: str) -> str:
    template = (gettext("“%(name)s”（声明值 %(value)s）需要 %(implied)s %(unit)s") if row["claimed"]
                else gettext("“%(name)s”（计算值 %(value)s）需要 %(implied)s %(unit)s"))
    text = template % {"name": row["name"], "value": _num(row["value"]),  # type: ignore[arg-type]
                       "implied": _num(row["implied"]), "unit": unit}  # type: ignore[arg-type]
    cause = cause_text(row["cause"], row["cause_params"])  # type: ignore[arg-type]
    if not cause:
        return text
    return gettext("%(text)s（%(cause)s）") % {"text": text, "cause": cause.rstrip("。.")}


def claim_kind(code: str) -> str:
    """A short name of a claim check, for the first column of the contradiction tables."""
    return {
        CLAIMS_CONFLICT: gettext("原报告前后不一致"),
        CLAIMED_TOTAL_MISMATCH: gettext("与重新计算不符"),
        CLAIMED_SUM_MISMATCH: gettext("各阶段之和与合计不符"),
        CLAIMED_SHARE_MISMATCH: gettext("占比与数值不符"),
        FACTOR_CLAIM_IRREPRODUCIBLE: gettext("声明的因子得不出各行"),
        CLAIM_UNIT_SUSPECT: gettext("单位有误"),
    }.get(code, code)


def claim_finding(check: Check) -> dict[str, str]:
    """A contradiction of the source report in parts, for the tables of the results page and
    the PDF: what it is about, what the report states where, what it is compared with, the
    likely cause, and the whole sentence (`text` + `cause` is the check's message)."""
    p = check.params
    code = check.code
    subject = claim_subject(str(p.get("level", "")), str(p.get("product", "")),
                            str(p.get("stage", "")), str(p.get("factor", "")))
    stated = against = text = cause = ""
    if code == CLAIMS_CONFLICT:
        clusters = list(p["clusters"])  # type: ignore[call-overload]
        parts = [gettext("%(places)s：%(value)s") % {"places": _listed(c["places"]), "value": c["value"]}
                 for c in clusters]
        stated, against = parts[0], _semicolon().join(parts[1:])
        text = gettext("原报告对%(subject)s印出了不同的数值：%(values)s。") % {
            "subject": subject, "values": _semicolon().join(parts)}
        causes = [cause_text(c["cause"], c["cause_params"]) for c in clusters]
        causes.append(cause_text(p.get("cause"), p))  # type: ignore[arg-type]
        cause = " ".join(c for c in causes if c)
    elif code == CLAIMED_TOTAL_MISMATCH:
        stated = gettext("%(places)s：%(value)s") % {"places": _listed(p["places"]), "value": p["claimed_text"]}  # type: ignore[arg-type]
        against = gettext("重新计算 %(computed)s（%(deviation)s）") % {
            "computed": _kg(p["computed"]), "deviation": _pct(p["deviation"])}  # type: ignore[arg-type]
        text = gettext("%(places)s 声明%(subject)s为 %(claimed)s kgCO₂e，重新计算为 %(computed)s kgCO₂e（%(deviation)s）。") % {
            "places": _listed(p["places"]), "subject": subject, "claimed": p["claimed_text"],  # type: ignore[arg-type]
            "computed": _kg(p["computed"]), "deviation": _pct(p["deviation"])}  # type: ignore[arg-type]
        cause = cause_text(p.get("cause"), p.get("cause_params") or {})  # type: ignore[arg-type]
    elif code == CLAIMED_SUM_MISMATCH:
        subject = claim_subject("product", str(p["product"]))
        stated = gettext("%(place)s：%(value)s") % {"place": p["place"], "value": p["total_text"]}
        against = gettext("同处各阶段之和 %(sum)s") % {"sum": _kg(p["sum"])}  # type: ignore[arg-type]
        text = gettext("%(place)s 印出的 %(product)s 各阶段数值之和为 %(sum)s，与同处印出的合计 %(total)s 不符。") % {
            "place": p["place"], "product": p["product"], "sum": _kg(p["sum"]), "total": p["total_text"]}  # type: ignore[arg-type]
        cause = cause_text(p.get("cause"), p.get("cause_params") or {})  # type: ignore[arg-type]
    elif code == CLAIMED_SHARE_MISMATCH and p.get("against") == "recomputed":
        subject = gettext("%(product)s 的各阶段占比") % {"product": p["product"]}
        gaps = list(p["stages"])  # type: ignore[call-overload]
        stated = gettext("%(place)s：%(value)s") % {"place": p["place"], "value": _listed(
            f"{_quoted(stage_label(str(g['stage'])))}{g['claimed_text']} %" for g in gaps)}
        against = gettext("重新计算 %(shares)s") % {"shares": _listed(f"{g['share_text']} %" for g in gaps)}
        text = gettext("%(place)s 印出的 %(product)s 各阶段占比与重新计算不符：%(stages)s。") % {
            "place": p["place"], "product": p["product"], "stages": _listed(
                gettext("“%(stage)s”%(claimed)s %%（重新计算 %(share)s %%）") % {
                    "stage": stage_label(str(g["stage"])), "claimed": g["claimed_text"],
                    "share": g["share_text"]}
                for g in gaps)}
        cause = cause_text(p.get("cause"), p.get("cause_params") or {})  # type: ignore[arg-type]
    elif code == CLAIMED_SHARE_MISMATCH:
        subject = claim_subject("share", str(p["product"]), str(p["stage"]))
        stated = gettext("%(place)s：%(value)s %%") % {"place": p["place"], "value": p["claimed_text"]}
        against = gettext("同处数值 %(value)s 的占比 %(share)s %%") % {"value": p["value_text"], "share": _num(p["share"])}  # type: ignore[arg-type]
        text = gettext("%(place)s 印出%(subject)s为 %(claimed)s %%，但同处印出的数值 %(value)s 只占合计的 %(share)s %%。") % {
            "place": p["place"], "subject": subject, "claimed": p["claimed_text"], "value": p["value_text"],
            "share": _num(p["share"])}  # type: ignore[arg-type]
        cause = cause_text(p.get("cause"), p.get("cause_params") or {})  # type: ignore[arg-type]
    elif code == FACTOR_CLAIM_IRREPRODUCIBLE:
        rows = list(p["rows"])  # type: ignore[call-overload]
        unit = str(p["unit"])
        subject = claim_subject("factor", factor=str(p["factor"]))
        stated = gettext("%(places)s：%(value)s %(unit)s") % {"places": _listed(p["places"]), "value": p["stated_text"], "unit": unit}  # type: ignore[arg-type]
        against = _semicolon().join(gettext("“%(name)s”需要 %(implied)s") % {"name": r["name"], "implied": _num(r["implied"])} for r in rows)
        text = gettext("%(places)s 声明%(subject)s为 %(stated)s %(unit)s，但引用它的 %(cited)s 行中有 %(n)s 行不能由它得出：%(rows)s。") % {
            "places": _listed(p["places"]), "subject": subject, "stated": p["stated_text"], "unit": unit,  # type: ignore[arg-type]
            "cited": p["cited"], "n": len(rows), "rows": _semicolon().join(_row_text(r, unit) for r in rows)}
        # The message names each row's cause beside it; the tables list each cause once.
        causes = dict.fromkeys(cause_text(r["cause"], r["cause_params"]) for r in rows)
        cause = " ".join(c for c in causes if c)
    elif code == CLAIM_UNIT_SUSPECT:
        subject = claim_subject("product", str(p["product"]))
        stated = gettext("%(place)s：%(unit)s") % {"place": p["place"], "unit": p["unit"]}
        against = gettext("功能单位 %(fu)s，数值按 kgCO₂e 计") % {"fu": p["functional_unit"]}
        sentences = []
        if p["mass_wrong"]:
            sentences.append(gettext("%(place)s 的单位印为 %(unit)s，但其中的数值是按 kgCO₂e 计的（按所印单位读，将是重新计算值的约 1000 倍）。") % {
                "place": p["place"], "unit": p["unit"]})
        if p["per"]:
            sentences.append(gettext("%(place)s 的单位按“%(per)s”计，而功能单位是“%(fu)s”。") % {
                "place": p["place"], "per": p["per"], "fu": p["functional_unit"]})
        text = cause = " ".join(sentences)
    return {"code": code, "kind": claim_kind(code), "subject": subject, "stated": stated,
            "against": against, "cause": cause, "text": text}
