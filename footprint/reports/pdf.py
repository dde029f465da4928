"""The report as HTML and as PDF. The only module that imports WeasyPrint.

`render_study_html` is the browser preview; `render_study_pdf` renders the same templates to
an A4 PDF/A-3b with the CJK font embedded. `final=True` is the issued report (no watermark,
no completeness list); `render_issued_pdf` also says where the cover reserves the visible
signature, and the issuing step signs the returned bytes there afterwards, not here.

WeasyPrint fetches through `ReportURLFetcher`, which serves only the report's own static
assets and the study's uploaded images (see `assets.py`) and refuses everything else.
"""

from __future__ import annotations

import base64
import logging
import re
from dataclasses import dataclass

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
from .signature_block import SignatureBox, find_signature_box

logger = logging.getLogger(__name__)

TEMPLATE = "reports/report.html"
ASSET_NAMES = {"css": "report.css", "seal": "seal-placeholder.svg"}
_NUMBER_PERCENT = re.compile(r"(?<=\d) %")
_WORD_SLASH_PERCENT = re.compile(r"([^\s<>\"'/]+/%)")


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


def _render_html(study: Study, *, language: str | None, final: bool, for_pdf: bool,
                 issued_by: str = "") -> str:
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
    return _render_html(study, language=language, final=final, for_pdf=False)


def _pdf_options(study: Study) -> dict:
    return {
        "pdf_variant": "pdf/a-3b",
        "pdf_identifier": study.report_number.encode("ascii", "replace"),
        "custom_metadata": False,
        "optimize_images": False,
    }


def _layout(study: Study, html: str):
    """The laid-out WeasyPrint document (pages, anchors), not yet written."""
    fetcher = ReportURLFetcher(report_number=study.report_number)
    return HTML(string=html, base_url=None, url_fetcher=fetcher).render(
        font_config=FontConfiguration(), **_pdf_options(study))


def render_study_pdf(study: Study, *, language: str | None = None, final: bool = False) -> bytes:
    """The report as PDF/A-3b bytes. Drafts carry the watermark and the completeness list."""
    return write_study_pdf(study, render_study_document(study, language=language, final=final))


def write_study_pdf(study: Study, document) -> bytes:
    """A laid-out report (render_study_document) written as PDF/A-3b bytes."""
    return document.write_pdf(**_pdf_options(study))


def render_study_document(study: Study, *, language: str | None = None, final: bool = False):
    """The report laid out in pages (a WeasyPrint Document: its page boxes say where every
    table row and line went), not yet written as PDF."""
    return _layout(study, _render_html(study, language=language, final=final, for_pdf=True))


@dataclass(frozen=True)
class IssuedRendering:
    """The final report before signing, and where its cover reserves the signature."""

    pdf: bytes
    signature_box: SignatureBox


def render_issued_pdf(study: Study, *, issued_by: str, language: str | None = None) -> IssuedRendering:
    """The final report for the issuing step. `issued_by` is the person issuing it now: the
    annex prints them with the issue time already set on `study` (the step is not yet
    recorded when the file is rendered)."""
    html = _render_html(study, language=language, final=True, for_pdf=True, issued_by=issued_by)
    document = _layout(study, html)
    box = find_signature_box(document)
    if box is None:  # a template change lost the box: never sign over printed content
        raise RuntimeError("the issued cover reserves no signature box (#signature-box)")
    return IssuedRendering(document.write_pdf(**_pdf_options(study)), box)
