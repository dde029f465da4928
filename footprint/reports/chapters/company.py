"""Chapter 2: the company, its products, their function, process flow and images."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ...services import formatting as F
from .base import Report


def chapter2(r: Report) -> dict:
    o = r.outline
    o.section("ch2", "2", _("企业及产品介绍"))
    o.section("ch2_1", "2.1", _("企业概况"), level=2)
    o.section("ch2_2", "2.2", _("产品及其功能"), level=2)
    table = o.table("2", _("研究对象产品"))
    o.section("ch2_3", "2.3", _("工艺流程"), level=2)
    # The section is always there: a report without pictures says what it lacks.
    o.section("ch2_4", "2.4", _("产品图片"), level=2)
    figures = [{"url": img.url, **o.figure("2", img.caption)} for img in r.i.images]
    has_flow_figure = any(w in img.caption.lower() for img in r.i.images for w in ("流程", "flow"))
    return {
        "overview": F.paragraphs(r.i.study.company.overview),
        "products_table": table,
        "products": [
            {"code": p.code, "name": p.name, "model": p.model or "—", "unit": p.functional_unit,
             "output": F.integer(p.annual_output), "description": p.description}
            for p in r.i.products
        ],
        "function": r.narrative("product_function"),
        "process_flow": r.narrative("process_flow"),
        "images": figures,
        "flow_figure_missing": "" if has_flow_figure else _(
            "未提供工艺流程图：本节只有文字说明。上传文件名含“流程”的图片后，该图印在这里。"),
        "images_missing": "" if figures else _("未提供产品图片：核查资料中没有上传产品照片。"),
    }
