"""Uncertainty fields of `pcf-study/1` (optional keys, docs/study-format.md): read, checked and
written in one place for the JSON document, the workbook and the export.

Flat keys, named like the model fields, so that a workbook column carries each:
`distribution` (lognormal | normal | triangular | uniform), `distribution_gsd2`,
`distribution_sd`, `distribution_low`, `distribution_high`; on activities also the five
data-quality ratings `dq_reliability` … `dq_technological` (1–5). A document without them
reads as before.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from ...choices import DistributionKind
from ..formatting import plain

PARAMETERS = ("distribution_gsd2", "distribution_sd", "distribution_low", "distribution_high")
DISTRIBUTION_COLUMNS = ("distribution", *PARAMETERS)
RATING_COLUMNS = ("dq_reliability", "dq_completeness", "dq_temporal", "dq_geographical",
                  "dq_technological")
# What each kind needs (the others must be empty).
NEEDS = {
    DistributionKind.LOGNORMAL: ("distribution_gsd2",),
    DistributionKind.NORMAL: ("distribution_sd",),
    DistributionKind.TRIANGULAR: ("distribution_low", "distribution_high"),
    DistributionKind.UNIFORM: ("distribution_low", "distribution_high"),
}


def distribution_problems(kind: str, params: dict[str, Decimal | None],
                          value: Decimal | None) -> dict[str, str]:
    """Field → message for inconsistent parameters around `value` (the entered quantity or
    the factor value); shared by the forms and the file format."""
    problems: dict[str, str] = {}
    if not kind:
        for name in PARAMETERS:
            if params.get(name) is not None:
                problems[name] = _("请先选择分布类型。")
        return problems
    for name in PARAMETERS:
        given = params.get(name) is not None
        if name in NEEDS[kind] and not given:
            problems[name] = _("该分布类型需要此参数。")
        elif name not in NEEDS[kind] and given:
            problems[name] = _("该分布类型不使用此参数。")
    if problems:
        return problems
    gsd2, sd = params.get("distribution_gsd2"), params.get("distribution_sd")
    low, high = params.get("distribution_low"), params.get("distribution_high")
    if gsd2 is not None and gsd2 < 1:
        problems["distribution_gsd2"] = _("GSD² 不能小于 1。")
    if sd is not None and sd < 0:
        problems["distribution_sd"] = _("标准差不能为负数。")
    if low is not None and low < 0:
        # quantities and factor values are never negative (model constraints): nor are their draws
        problems["distribution_low"] = _("下限不能为负数。")
    elif low is not None and high is not None:
        if low > high:
            problems["distribution_high"] = _("上限不能小于下限。")
        elif kind == DistributionKind.TRIANGULAR and value is not None and not low <= value <= high:
            problems["distribution_low"] = _("三角分布以填报值为众数：填报值 %(value)s 应在下限和上限之间。") % {
                "value": plain(value)}
    return problems


# distribution_gsd2 is DecimalField(max_digits=12, decimal_places=6) on ActivityRecord and
# EmissionFactor: 6 digits before the point and 6 after.
GSD2_DIGITS = 6


def read_distribution(v, obj: dict, path: tuple, value: Decimal | None, *,
                      integer_digits: int, decimals: int | None = None) -> dict[str, Any]:
    """The distribution keys of an activity or factor object, checked by the format's reader
    `v` (interchange/validation.py's validator: `choice`, `number`, `problem`).
    `integer_digits` and `decimals`: the columns' room before and after the point (`decimals`
    for a row checked before it is saved); GSD²'s own column holds 6 and 6, on both models."""
    kind = v.choice(obj, "distribution", path, DistributionKind.values, default="")
    params = {
        name: v.number(obj, name, path, integer_digits=min(integer_digits, GSD2_DIGITS),
                       decimals=None if decimals is None else min(decimals, GSD2_DIGITS))
        if name == "distribution_gsd2" else
        v.number(obj, name, path, integer_digits=integer_digits, decimals=decimals)
        for name in PARAMETERS}
    # a parameter given but refused (not a number, too many decimals) is reported once, as such
    refused = {name for name, number in params.items() if number is None and obj.get(name) not in (None, "")}
    for name, message in distribution_problems(kind or "", params, value).items():
        if name not in refused:
            v.problem((*path, name), message)
    return {"distribution": kind or "", **params}


def read_ratings(v, obj: dict, path: tuple) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for name in RATING_COLUMNS:
        score = v.integer(obj, name, path)
        if score is not None and not 1 <= score <= 5:
            v.problem((*path, name), _("数据质量评分应为 1 到 5 的整数。"))
            score = None
        out[name] = score
    return out


def write_distribution(entry: dict, obj, *, ratings: bool) -> None:
    """Add the non-empty uncertainty keys of a model instance to its export entry."""
    from .writing import plain_number

    if obj.distribution:
        entry["distribution"] = obj.distribution
        for name in PARAMETERS:
            value = getattr(obj, name)
            if value is not None:
                entry[name] = plain_number(value)
    if ratings:
        for name in RATING_COLUMNS:
            if getattr(obj, name) is not None:
                entry[name] = getattr(obj, name)
