"""The report as PDF. The only module that imports WeasyPrint (the web process and every
command that never renders a PDF start without it: half a second each).

`render_study_pdf` renders the templates of the browser preview (`html.py`) to an A4 PDF/A-3b
with the CJK font embedded. `final=True` is the issued report (no watermark,
no completeness list); `render_issued_pdf` also says where the cover reserves the visible
signature, and the issuing step signs the returned bytes there afterwards, not here.

WeasyPrint fetches through `ReportURLFetcher`, which serves only the report's own static
assets and the study's uploaded images (see `assets.py`) and refuses everything else.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..models import Study
from . import assets
from .html import render_report_html
from .signature_block import SignatureBox, find_signature_box

logger = logging.getLogger(__name__)


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
    return _layout(study, render_report_html(study, language=language, final=final, for_pdf=True))


@dataclass(frozen=True)
class IssuedRendering:
    """The final report before signing, and where its cover reserves the signature."""

    pdf: bytes
    signature_box: SignatureBox


def render_issued_pdf(study: Study, *, issued_by: str, language: str | None = None) -> IssuedRendering:
    """The final report for the issuing step. `issued_by` is the person issuing it now: the
    annex prints them with the issue time already set on `study` (the step is not yet
    recorded when the file is rendered)."""
    html = render_report_html(study, language=language, final=True, for_pdf=True, issued_by=issued_by)
    document = _layout(study, html)
    box = find_signature_box(document)
    if box is None:  # a template change lost the box: never sign over printed content
        raise RuntimeError("the issued cover reserves no signature box (#signature-box)")
    return IssuedRendering(document.write_pdf(**_pdf_options(study)), box)
