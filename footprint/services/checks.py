"""Checks that travel with a calculation result: codes, severities and their messages.

A check is plain data (code + parameters). Its message is rendered in the active language only
when read, so the calculation itself stays free of settings and requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from django.utils.translation import gettext

from . import formatting as F

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

# Codes that stop a study from being issued.
BLOCKING = frozenset({UNIT_INCOMPATIBLE, FACTOR_MISSING, GWP_MISSING, OUTPUT_MISSING, UNKNOWN_STAGE})


def stage_label(stage: str) -> str:
    from ..choices import Stage  # local: choices import Django model enums

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
