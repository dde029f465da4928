"""The report's content as plain, formatted data: study facts + calculation results in,
a dict of strings and lists out. The templates only place what this returns.

Pure: no ORM, no request, no settings (the loader in `inputs.py` reads the database and
settings into the plain dataclasses of `facts.py`). Each chapter is built by its own module in
`chapters/`, in report order, because the outline numbers sections and captions as they come.
Every number comes from the calculation service's result (`services.results.study_results`)
or from a recomputation with altered inputs (`services/calculation/sensitivity.py`),
formatted by `services/formatting.py`; what the report concludes from the results (emission
types, hotspots) comes from `analysis.py`.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from .chapters.annexes import annexes
from .chapters.base import Report
from .chapters.company import chapter2
from .chapters.data_collection import chapter4
from .chapters.front import cover, info, meta, page_strings
from .chapters.goal_and_scope import chapter3
from .chapters.improvements import chapter7
from .chapters.introduction import chapter1
from .chapters.results import chapter5
from .chapters.summary import summary
from .chapters.verification import chapter6
from .facts import ReportInputs


def build_report_context(inputs: ReportInputs) -> dict:
    """Everything the report templates print, formatted, in `inputs.language`."""
    with translation.override(inputs.language):
        return _whole_report(Report(inputs))


def _whole_report(r: Report) -> dict:
    i = r.i
    ctx: dict = {
        "language": r.language,
        "html_lang": "zh-CN" if r.zh else "en",
        "final": i.final,
        "draft": not i.final,
        "assets": dict(i.assets),
    }
    ctx["meta"] = meta(r)
    ctx["page"] = page_strings(r)
    ctx["cover"] = cover(r)
    ctx["info"] = info(r)
    ctx["missing"] = [{"message": m.message, "where": m.where} for m in i.missing]
    o = r.outline
    # Outline in report order; the summary and TOC are listed in the TOC like the seed.
    o.section("summary", "", _("摘要"))
    ctx["summary"] = summary(r)
    ctx["chapter1"] = chapter1(r)
    ctx["chapter2"] = chapter2(r)
    ctx["chapter3"] = chapter3(r)
    ctx["chapter4"] = chapter4(r)
    ctx["chapter5"] = chapter5(r)
    ctx["chapter6"] = chapter6(r)
    ctx["chapter7"] = chapter7(r)
    ctx["annexes"] = annexes(r)
    ctx["sections"] = o.sections
    ctx["toc"] = o.toc
    return ctx
