"""The Monte Carlo analysis as printed: the same figures and charts on the results page and in
the report's uncertainty section (5.5). Plain, already formatted values in; no computation
beyond choosing what to print."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ..services import formatting as F
from ..services import uncertainty as U
from ..services.study_uncertainty import StudyUncertainty
from .charts import histogram_chart, tornado_chart


def source_labels() -> dict[str, str]:
    return {
        U.ENTERED: _("填报的分布"), U.PERCENT: _("填报的 ±%"), U.PEDIGREE: _("数据质量评分（谱系矩阵）"),
        U.DEFAULT_PEDIGREE: _("按数据类型的缺省评分"), U.PUBLISHED: _("因子库公布的不确定性"),
        U.BASIC: _("基本不确定性（按温室气体）"),
    }


def _summary_cells(s: U.Summary) -> dict:
    return {"deterministic": F.kg(s.deterministic), "mean": F.kg(s.mean), "median": F.kg(s.median),
            "sd": F.kg(s.sd), "p2_5": F.kg(s.p2_5), "p97_5": F.kg(s.p97_5), "cv": F.percent_text(s.cv)}


def present_uncertainty(analysis: StudyUncertainty, *, stage_label: Callable[[str], str],
                        unit_of: Callable[[str], str], chart_prefix: str = "mc") -> dict:
    """Per product: the total's and each stage's summary, the contributors to variance (table
    and tornado), the histogram; the pairwise comparisons; the method's parameters."""
    result = analysis.result
    sources = source_labels()
    products = []
    for p in result.products:
        unit = unit_of(p.code)
        if p.total.sd == 0 and p.total.deterministic == 0:
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
            [(f"{c.label}{'' if c.kind == 'quantity' else ' ' + _('（因子）')}", c.share, c.correlation)
             for c in p.contributors],
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
            "sources": [{"label": sources[k], "count": n} for k, n in sorted(quantity_sources.items())],
            "factor_sources": [{"label": sources[k], "count": n} for k, n in sorted(factor_sources.items())],
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
        "comparisons": comparisons,
        "iterations": F.integer(result.iterations),
        "seed": str(result.seed),
        "invalid": analysis.invalid,
    }
