"""The report as HTML and as PDF. The only module that imports WeasyPrint.

`render_study_html` is the browser preview; `render_study_pdf` renders the same templates to
an A4 PDF/A-3b with the CJK font embedded. `final=True` is the issued report (no watermark,
no completeness list); the issuing step signs the returned bytes afterwards, not here.

WeasyPrint fetches through `ReportURLFetcher`, which serves only the report's own static
assets and the study's uploaded images (see `assets.py`) and refuses everything else.
"""

from __future__ import annotations

import base64
import logging

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..models import Study
from ..services.report_size import check_report_size
from . import assets
from .context import build_report_context
from .inputs import load_report_inputs, report_language

logger = logging.getLogger(__name__)

TEMPLATE = "reports/report.html"
ASSET_NAMES = {"css": "report.css", "seal": "seal-placeholder.svg"}


class ReportURLFetcher(URLFetcher):
    """Serves `report-asset:` and this study's `study-media:` URLs from disk; refuses any
    other URL without opening it (no file://, no network, no data: URIs)."""

    def __init__(self, *, report_number: str):
        # No handlers are used: `fetch` below never calls the parent's opener.
        super().__init__(timeout=1, allowed_protocols=(assets.ASSET_SCHEME, assets.MEDIA_SCHEME),
                         allow_redirects=False, fail_on_errors=False)
        self.report_number = report_number

    def fetch(self, url, headers=None):
        try:
            asset = assets.resolve(url, report_number=self.report_number)
        except assets.AssetRefused:
            logger.warning("report renderer refused to fetch %r", url[:200])
            raise
        return URLFetcherResponse(url, asset.read_bytes(), {"Content-Type": asset.mime_type})


def _render_html(study: Study, *, language: str | None, final: bool, for_pdf: bool) -> str:
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
                                image_url=image_url)
    context = build_report_context(inputs)
    context["for_pdf"] = for_pdf
    with translation.override(language):
        return render_to_string(TEMPLATE, context)


def render_study_html(study: Study, *, language: str | None = None, final: bool = False) -> str:
    """The report as one HTML page for the browser preview (same templates as the PDF)."""
    return _render_html(study, language=language, final=final, for_pdf=False)


def render_study_pdf(study: Study, *, language: str | None = None, final: bool = False) -> bytes:
    """The report as PDF/A-3b bytes. Drafts carry the watermark and the completeness list."""
    html = _render_html(study, language=language, final=final, for_pdf=True)
    fetcher = ReportURLFetcher(report_number=study.report_number)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(
        font_config=FontConfiguration(),
        pdf_variant="pdf/a-3b",
        pdf_identifier=study.report_number.encode("ascii", "replace"),
        custom_metadata=False,
        optimize_images=False,
    )
