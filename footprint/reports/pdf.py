"""TEMPORARY PLACEHOLDER (issue 5 branch): the real report renderer comes from issue 4.

The workflow needs `render_study_pdf(study, *, language=None, final=False) -> bytes` to issue
and sign a report. This stand-in renders one plain A4 page with WeasyPrint so that issuing,
signing and verification can be built and tested; the lead replaces this whole module with the
report engineer's version at merge. Keep the signature identical.
"""

from __future__ import annotations

from html import escape

import segno
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import Study


def verification_url(study: Study) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{study.verification_code}/"


def render_study_pdf(study: Study, *, language: str | None = None, final: bool = False) -> bytes:
    """The study's report as PDF bytes; `final=True` leaves out the draft watermark."""
    import weasyprint  # only this module imports WeasyPrint

    from ..services.results import study_results

    with translation.override(language or study.language):
        result = study_results(study)
        rows = "".join(
            f"<tr><td>{escape(p.code)}</td><td>{escape(p.name)}</td>"
            f"<td>{escape(p.functional_unit)}</td><td class=n>{p.total_kgco2e:,.3f}</td></tr>"
            for p in result.products
        )
        qr = ""
        if study.verification_code:
            svg = segno.make(verification_url(study), error="m").svg_data_uri(scale=3)
            qr = f'<img class=qr src="{svg}" alt="QR">'
        watermark = "" if final else f'<div class=wm>{escape(_("草稿"))} DRAFT</div>'
        html = f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 25mm 20mm; }}
body {{ font-family: 'Noto Sans CJK SC', sans-serif; font-size: 11pt; }}
table {{ border-collapse: collapse; width: 100%; }} td, th {{ border: 1px solid #999; padding: 4px; }}
.n {{ text-align: right; }} .qr {{ width: 30mm; }}
.wm {{ position: fixed; top: 110mm; left: 10mm; font-size: 64pt; color: rgba(200,0,0,.15);
       transform: rotate(-30deg); }}
</style><title>{escape(study.report_number)}</title></head><body>
{watermark}<h1>{escape(study.title)}</h1>
<p>{escape(_("报告编号"))}: {escape(study.report_number)}</p>
<p>{escape(_("企业"))}: {escape(study.company.name)}</p>
<p>{escape(_("签发日期"))}: {study.issue_date or "—"}</p>
<table><tr><th>{escape(_("产品代码"))}</th><th>{escape(_("产品名称"))}</th>
<th>{escape(_("功能单位"))}</th><th>kgCO₂e</th></tr>{rows}</table>
{qr}</body></html>"""
        return weasyprint.HTML(string=html, base_url=None).write_pdf()
