"""The report as HTML: the browser preview, and the page that `pdf.py` lays out as the PDF
(the same templates; `for_pdf` says which assets and images the page refers to)."""

from __future__ import annotations

import base64
import re

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation

from ..models import Study
from ..services.report_size import check_report_size
from . import assets
from .context import build_report_context
from .inputs import load_report_inputs, report_language

TEMPLATE = "reports/report.html"
ASSET_NAMES = {"css": "report.css", "seal": "seal-placeholder.svg"}
_NUMBER_PERCENT = re.compile(r"(?<=\d) %")
_WORD_SLASH_PERCENT = re.compile(r"([^\s<>\"'/]+/%)")


def render_report_html(study: Study, *, language: str | None, final: bool, for_pdf: bool,
                       issued_by: str = "") -> str:
    """The report's page: with `for_pdf`, what pdf.py lays out (assets and images by the URLs
    its fetcher serves); without, the browser preview (static URLs, images embedded)."""
    check_report_size(study)
    language = report_language(study, language)
    if for_pdf:
        asset_urls = {key: assets.asset_url(name) for key, name in ASSET_NAMES.items()}

        def image_url(name: str) -> str:
            return assets.media_url(study.report_number, name)
    else:
        asset_urls = {key: static(f"reports/{name}") for key, name in ASSET_NAMES.items()}

        def image_url(name: str) -> str:
            # The preview has no media view of its own: embed the (size-capped) image.
            asset = assets.resolve(assets.media_url(study.report_number, name),
                                   report_number=study.report_number)
            data = base64.b64encode(asset.read_bytes()).decode("ascii")
            return f"data:{asset.mime_type};base64,{data}"

    inputs = load_report_inputs(study, language=language, final=final, asset_urls=asset_urls,
                                image_url=image_url, issued_by=issued_by)
    context = build_report_context(inputs)
    context["for_pdf"] = for_pdf
    with translation.override(language):
        html = render_to_string(TEMPLATE, context)
    return keep_symbols_together(html)


def keep_symbols_together(html: str) -> str:
    """A number and its percent sign, and a header's "/%", never part at a line end
    ("84.7↵%", "Deviation/↵%"): a no-break space, a no-wrap span."""
    html = _NUMBER_PERCENT.sub("\u00a0%", html)
    return _WORD_SLASH_PERCENT.sub(r'<span class="nowrap">\1</span>', html)


def render_study_html(study: Study, *, language: str | None = None, final: bool = False) -> str:
    """The report as one HTML page for the browser preview (same templates as the PDF)."""
    return render_report_html(study, language=language, final=final, for_pdf=False)
