"""The report's cover, its information table and the PDF's metadata and page strings."""

from __future__ import annotations

from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from ...choices import Boundary, GwpSet
from ...services import formatting as F
from .. import partial_cfp
from ..watermark import watermark_svg
from .base import Report, choice_label


def meta(r: Report) -> dict:
    s = r.i.study
    created = r.i.generated_at
    return {
        "title": f"{s.title}（{s.report_number}）" if r.zh else f"{s.title} ({s.report_number})",
        "author": s.certification_body,
        "subject": _("产品碳足迹报告 %(number)s：%(products)s") % {
            "number": s.report_number, "products": products_text(r)},
        "keywords": ", ".join(
            [_("产品碳足迹"), "CFP", "GB/T 24067-2024", "ISO 14067:2018", s.report_number]),
        "created": created.isoformat(timespec="seconds") if created else "",
    }


def page_strings(r: Report) -> dict:
    # One translatable pattern, cut into the literal pieces around the two CSS counters.
    pattern = _("第 %(page)s 页 / 共 %(pages)s 页")
    before, _sep, rest = pattern.partition("%(page)s")
    middle, _sep, after = rest.partition("%(pages)s")
    return {
        "before": F.css_string(before),
        "middle": F.css_string(middle),
        "after": F.css_string(after),
        "watermark": _("草稿 / DRAFT"),
        "watermark_svg": mark_safe(watermark_svg(_("草稿 / DRAFT"))) if not r.i.final else "",
    }


def products_text(r: Report) -> str:
    sep = "、" if r.zh else ", "
    return sep.join(p.name for p in r.i.products)


def issue_date(r: Report) -> str:
    """The issue date; an issued report rendered before the date was stored gets the day it
    is rendered (the issuing step renders and signs it on that day)."""
    s = r.i.study
    if s.issue_date:
        return r.date(s.issue_date)
    if r.i.final and r.i.generated_at:
        return r.date(r.i.generated_at)
    return ""


def revision_text(r: Report) -> str:
    s = r.i.study
    if s.revision == 0:
        return _("初版")
    return _("第 %(n)s 次修订") % {"n": s.revision}


def cover(r: Report) -> dict:
    s = r.i.study
    return {
        "title": s.title,
        "products": products_text(r),
        "producer": s.company.name,
        "report_number": s.report_number,
        "certification_body": s.certification_body,
        "issue_date": issue_date(r),
        "revision": revision_text(r),
        "kind_of_result": partial_cfp.kind_of_result(r.i),
        "supersedes": s.supersedes,
        "verification_url": r.i.verification_url if s.verification_code else "",
        "verification_url_note": _("演示地址：只在签发本报告的计算机上可以访问，不能用于对外验证。")
        if s.verification_code and r.i.verification_url_local else "",
        "qr_svg": mark_safe(r.i.qr_svg) if (s.verification_code and r.i.qr_svg) else "",
    }


def info(r: Report) -> dict:
    s = r.i.study
    c = s.company
    missing = _("（未提供）")
    rows = [
        (_("企业名称"), c.name),
        (_("统一社会信用代码"), c.credit_code or missing),
        (_("地址"), c.address or missing),
        (_("法定代表人"), c.legal_representative or missing),
        (_("授权人（联系人）"), c.contact_name or missing),
        (_("联系电话"), c.contact_phone or missing),
        (_("核算和报告依据"), "；".join(s.standards) if r.zh else "; ".join(s.standards)),
        (_("报告编号"), s.report_number),
        (_("版次"), revision_text(r)),
        (_("报告期"), F.period(s.period_start, s.period_end, r.language)),
        (_("系统边界"), choice_label(Boundary, s.boundary)),
        (_("GWP 版本"), choice_label(GwpSet, s.gwp_set)),
        (_("认证机构"), s.certification_body),
    ]
    results = [
        {"product": p.name, "unit": f"{p.functional_unit}", "total": F.kg(p.total_kgco2e)}
        for p in r.i.result.products
    ]
    return {"rows": [{"label": label, "value": value} for label, value in rows],
            "results": results}
