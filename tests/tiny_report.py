"""A one-page issued report for tests of the issuing *mechanics* (jobs, retries, crashes,
storage checks), set as settings.REPORT_RENDERER by their `tiny_issued_report` fixture.

The real report of the seed study takes seconds to lay out (tens of seconds under load), and
those tests render it once or twice each while asserting nothing about its pages: what they
check is the job, the signature, the stored file and its SHA-256, which this real PDF — laid
out by WeasyPrint, with the cover's signature box, signed by the real signing step — carries as
well. What the report prints is checked on real renders: tests/reports/ (the rendered and
issued reports of the session) and the tests that read the recorded issued seed study's pages.
tests/test_worker.py hands the renderer of its test to the real worker (worker_settings.py).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from weasyprint import HTML

from footprint.reports.pdf import IssuedRendering
from footprint.reports.signature_block import find_signature_box
from footprint.services.report_size import check_report_size

# The heading in the regular face: WeasyPrint then cuts one face of the CJK font down to the
# page's characters, not two (the bold one too): 40 ms of each of some 70 renders a run.
_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
@page {{ size: A4; margin: 20mm; }}
h1 {{ font-weight: normal; }}
#signature-box {{ position: relative; width: 60mm; height: 30mm; }}
#signature-box-end {{ position: absolute; right: 0; bottom: 0; width: 0; height: 0; }}
</style></head><body><h1>{heading}</h1><p>{number}</p><p>{issued_by}</p>
<div id="signature-box"><span id="signature-box-end"></span></div></body></html>"""


def render_issued_pdf(study, *, issued_by: str, language: str | None = None) -> IssuedRendering:
    check_report_size(study)  # as the real renderer: a study too large is refused first
    # The cover's heading in the file's language (as the real cover prints it): a test can
    # tell the English file from the Chinese one without laying out the whole report.
    with translation.override(language or study.language):
        heading = gettext("产品碳足迹报告")
    html = _PAGE.format(heading=escape(heading), number=escape(study.report_number),
                        issued_by=escape(issued_by))
    document = HTML(string=html).render()
    box = find_signature_box(document)
    assert box is not None
    return IssuedRendering(document.write_pdf(), box)
