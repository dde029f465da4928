"""Checks that travel with a calculation result: codes, severities and their messages.

A check is plain data (code + parameters). Its message is rendered in the active language only
when read, so the calculation itself stays free of settings and requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils.translation import gettext, pgettext

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

# Codes that stop a study from being issued.
BLOCKING = frozenset({UNIT_INCOMPATIBLE, FACTOR_MISSING, GWP_MISSING, OUTPUT_MISSING, UNKNOWN_STAGE})


def stage_label(stage: str) -> str:
    from ..choices import Stage  # local: choices import Django model enums

    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:+.2f}%"


def _num(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.6g}" if abs(value) < 1e-3 or abs(value) >= 1e6 else f"{value:.6f}".rstrip("0").rstrip(".")


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
                    "claimed": _num(p["claimed"])  # type: ignore[arg-type]
                }
            text = gettext(
                "声明值 %(claimed)s 与重新计算值 %(computed)s kgCO₂e 相差 %(deviation)s；"
                "要得到声明值，排放因子 %(factor)s 应为 %(implied)s %(unit)s（实际使用 %(value)s）。"
            ) % {
                "claimed": _num(p["claimed"]),  # type: ignore[arg-type]
                "computed": _num(p["computed"]),  # type: ignore[arg-type]
                "deviation": _pct(p["deviation"]),  # type: ignore[arg-type]
                "factor": p["factor"],
                "implied": _num(p["implied_value"]),  # type: ignore[arg-type]
                "unit": p["factor_unit"],
                "value": _num(p["factor_value"]),  # type: ignore[arg-type]
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
        return self.code

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
        return data


# ------------------------------------------------------------------ domain check messages
def _stage_list(stages) -> str:
    return pgettext("list separator", "、").join(stage_label(str(s)) for s in stages)


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
        "shares": pgettext("list separator", "、").join(
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


_DOMAIN_MESSAGES = {
    STAGES_OUTSIDE_BOUNDARY: _stages_outside_boundary,
    USE_STAGE_EXCLUDED: _use_stage_excluded,
    PARTIAL_CFP_FUNCTIONAL_UNIT: _partial_cfp_functional_unit,
    ALLOCATION_SUM: _allocation_sum,
}
