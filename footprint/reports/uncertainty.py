"""The Monte Carlo analysis as printed: the same figures and charts on the results page and in
the report's uncertainty section (5.5). Plain, already formatted values in; no computation
beyond choosing what to print."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ..services import formatting as F
from ..services.calculation import uncertainty as U
from ..services.study_uncertainty import StudyUncertainty
from .charts import histogram_chart, tornado_chart


def source_labels() -> dict[str, str]:
    return {
        U.ENTERED: _("填报的分布"), U.PERCENT: _("填报的 ±%"), U.PEDIGREE: _("数据质量评分（谱系矩阵）"),
        U.DEFAULT_PEDIGREE: _("按数据类型的缺省评分"), U.PUBLISHED: _("因子库公布的不确定性"),
        U.BASIC: _("基本不确定性（按温室气体）"),
    }


def _listed(items: list[str]) -> str:
    return ("；" if (get_language() or "zh").startswith("zh") else "; ").join(items)


def _summary_cells(s: U.Summary) -> dict:
    return {"deterministic": F.kg(s.deterministic), "mean": F.kg(s.mean), "median": F.kg(s.median),
            "sd": F.kg(s.sd), "p2_5": F.kg(s.p2_5), "p97_5": F.kg(s.p97_5), "cv": F.percent_text(s.cv)}


def present_uncertainty(analysis: StudyUncertainty, *, stage_label: Callable[[str], str],
                        unit_of: Callable[[str], str], chart_prefix: str = "mc") -> dict:
    """Per product: the total's and each stage's summary, the contributors to variance (table
    and tornado), the histogram; the pairwise comparisons; the method's parameters."""
    result = analysis.result
    sources = source_labels()
    products, empty = [], []
    for p in result.products:
        unit = unit_of(p.code)
        if p.total.sd == 0 and p.total.deterministic == 0:
            empty.append(p.code)  # no data yet: nothing to show
            continue
        marks = [(_("确定性结果"), p.total.deterministic, "deterministic"),
                 ("2.5 %", p.total.p2_5, "interval"), ("97.5 %", p.total.p97_5, "interval")]
        histogram = histogram_chart(
            p.histogram_edges, p.histogram_counts, marks=marks,
            title=_("%(product)s碳足迹的蒙特卡洛分布") % {"product": p.name}, unit=unit,
            chart_id=f"{chart_prefix}-hist-{p.code}")
        contributors = [
            {"rank": n + 1, "label": c.label,
             "kind": _("活动数据") if c.kind == "quantity" else _("排放因子"),
             "share": F.percent_text(c.share), "correlation": F.fixed(c.correlation, 2, signed=True)}
            for n, c in enumerate(p.contributors)
        ]
        tornado = tornado_chart(
            [(c.label if c.kind == "quantity" else _("%(code)s（因子）") % {"code": c.label},
              c.share, c.correlation) for c in p.contributors],
            title=_("%(product)s对方差的贡献") % {"product": p.name},
            left_label=_("← 该输入增大时结果减小"), right_label=_("该输入增大时结果增大 →"),
            chart_id=f"{chart_prefix}-tornado-{p.code}") if p.contributors else ""
        quantity_sources = analysis.quantity_sources.get(p.code, {})
        factor_sources = analysis.factor_sources.get(p.code, {})
        products.append({
            "code": p.code, "name": p.name, "unit": unit,
            "total": _summary_cells(p.total),
            "stages": [{"stage": stage_label(s), **_summary_cells(summary)} for s, summary in p.stages],
            "contributors": contributors,
            "explained": F.percent_text(p.explained),
            "converged": p.convergence.ok,
            "convergence": _("迭代次数加倍时，均值和 2.5 %%/97.5 %% 分位数的变化不超过均值的 %(change)s（容差 %(tolerance)s）。")
            % {"change": F.percent_text(p.convergence.max_change, decimals=2),
               "tolerance": F.percent_text(p.convergence.tolerance, decimals=0)}
            if p.convergence.ok else
            _("未收敛：迭代次数加倍时，均值或分位数的变化达到均值的 %(change)s，超过容差 %(tolerance)s；请增加迭代次数。")
            % {"change": F.percent_text(p.convergence.max_change, decimals=2),
               "tolerance": F.percent_text(p.convergence.tolerance, decimals=0)},
            "sources": _("活动数据的分布来源：%(list)s。") % {"list": _listed(
                [f"{sources[k]} {n}" for k, n in sorted(quantity_sources.items())])},
            "factor_sources": _("排放因子的分布来源：%(list)s。") % {"list": _listed(
                [f"{sources[k]} {n}" for k, n in sorted(factor_sources.items())])},
            "histogram": mark_safe(histogram),  # noqa: S308 - the chart escapes every label
            "tornado": mark_safe(tornado),  # noqa: S308 - the chart escapes every label
        })
    names = {p.code: p.name for p in result.products}
    comparisons = [
        {"text": _("%(a)s的碳足迹高于%(b)s的概率：%(p)s") % {
            "a": names[c.a], "b": names[c.b], "p": F.percent_text(c.p_a_higher)}}
        for c in result.comparisons
    ]
    return {
        "products": products,
        "empty": empty,
        "comparisons": comparisons,
        "iterations": F.integer(result.iterations),
        "seed": str(result.seed),
        "invalid": analysis.invalid,
    }


def assumptions() -> list[str]:
    """The assumptions of the analysis, as the report states them (docs/uncertainty.md)."""
    basic = U.BASIC_QUANTITY_GSD2
    primary, secondary = U.DEFAULT_RATINGS["primary"], U.DEFAULT_RATINGS["secondary"]
    return [
        _("活动数据与排放因子相互独立；同一排放因子在每次迭代中只抽样一次，使用它的所有活动和产品取同一抽样值。"),
        _("对数正态分布以填报值为中位数，正态分布以填报值为均值，三角分布以填报值为众数。"),
        _("填报的 ±% 视为 95 % 置信区间的半宽，按正态分布处理（标准差 = ±% ÷ 1.96）。"),
        _("未填报分布或 ±%% 的活动数据，由数据质量评分（谱系矩阵，Weidema 和 Wesnæs 1996）推导对数正态分布："
          "基本不确定性 GSD² 为 %(basic)s（运输 %(transport)s，ecoinvent 数据质量指南 v3），"
          "谱系因子取 Muller 等（2016）的通用值；未评分的指标按数据类型取缺省分（初级数据 %(primary)s，次级数据 %(secondary)s）。") % {
            "basic": F.general(basic["electricity"]), "transport": F.general(basic["transport"]),
            "primary": ", ".join(map(str, primary)), "secondary": ", ".join(map(str, secondary))},
        _("因子库未给出不确定性的排放因子取其温室气体的基本不确定性：CO₂ 的 GSD² 为 %(co2)s，其他温室气体为 %(other)s。") % {
            "co2": F.general(U.BASIC_FACTOR_GSD2["CO2"]), "other": F.general(U.BASIC_FACTOR_GSD2_OTHER)},
        _("单位换算、GWP 值、分配比例和报告期产量视为精确值。"),
    ]


def report_section(analysis: StudyUncertainty | None, outline, *, stage_label: Callable[[str], str],
                   unit_of: Callable[[str], str]) -> dict | None:
    """The Monte Carlo part of the report's section 5.5: its table, the histograms and the
    method's text. The contributions to variance, printed after the ±10 % sensitivity, take
    their numbers after its tables (`number_contributions`)."""
    if analysis is None:
        return None
    shown = present_uncertainty(analysis, stage_label=stage_label, unit_of=unit_of, chart_prefix="rep")
    if not shown["products"]:
        return None
    table = outline.table("5", _("碳足迹的蒙特卡洛分析结果"))
    for p in shown["products"]:
        p["histogram_figure"] = outline.figure("5", _("%(product)s碳足迹的蒙特卡洛分布") % {"product": p["name"]})
    return {
        **shown,
        "table": table,
        "explained": _("线性模型解释的方差比例（相关系数平方之和，抽样误差可使其略超过 100 %%）：%(list)s。") % {
            "list": _listed([f"{p['name']} {p['explained']}" for p in shown["products"]])},
        "method": _("蒙特卡洛模拟：%(n)s 次迭代，随机种子 %(seed)s（相同的数据和种子得到相同的结果），"
                    "活动数据和排放因子各用一个独立播种的随机数流（numpy SFC64）。对方差的贡献为各输入与产品碳足迹的"
                    "相关系数的平方，归一化为 100 %%；各输入独立抽样，对线性模型它等于标准化回归系数的平方。") % {
            "n": shown["iterations"], "seed": shown["seed"]},
        "assumptions": assumptions(),
    }


def number_contributions(section: dict | None, outline) -> dict | None:
    """Table and figure numbers of the contributions to variance (after the sensitivity's)."""
    if section is None:
        return None
    section["contribution_table"] = outline.table("5", _("对方差的贡献（蒙特卡洛）"))
    for p in section["products"]:
        p["tornado_figure"] = outline.figure("5", _("%(product)s对方差的贡献") % {"product": p["name"]}) \
            if p["tornado"] else None
    return section


def factor_distribution_text(factor) -> str:
    """A library factor's published uncertainty as one line, or what the analysis takes instead."""
    if not factor.distribution:
        basic = U.BASIC_FACTOR_GSD2.get(factor.gas, U.BASIC_FACTOR_GSD2_OTHER)
        return _("未公布：蒙特卡洛分析取其温室气体的基本不确定性 GSD² %(gsd2)s") % {"gsd2": F.general(basic)}
    kind = factor.get_distribution_display()
    if factor.distribution == U.LOGNORMAL:
        return _("%(kind)s，GSD² %(gsd2)s（因子值为中位数）") % {"kind": kind, "gsd2": F.plain(factor.distribution_gsd2)}
    if factor.distribution == U.NORMAL:
        return _("%(kind)s，标准差 %(sd)s %(unit)s") % {"kind": kind, "sd": F.plain(factor.distribution_sd),
                                                    "unit": factor.unit}
    return _("%(kind)s，%(low)s – %(high)s %(unit)s") % {
        "kind": kind, "low": F.plain(factor.distribution_low), "high": F.plain(factor.distribution_high),
        "unit": factor.unit}
