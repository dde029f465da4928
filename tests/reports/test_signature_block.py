"""The issued cover reserves an empty box for the visible signature, and the renderer reports
where it is: no placeholder, no text and no ink inside it before signing."""

import datetime as dt

import pytest
from django.utils import timezone
from PIL import ImageOps

from footprint.reports.signature_block import SignatureBox

from .pdfcheck import is_ink, page_image, pdftotext, pixels_in, placed_text

A4_WIDTH, A4_HEIGHT = 595.28, 841.89


def _being_issued(study):
    """The study as the issuing step has it when it renders: issue time set, not yet recorded."""
    study.issued_at = timezone.make_aware(dt.datetime(2025, 4, 3, 10, 0))
    study.issue_date = dt.date(2025, 4, 3)
    study.verification_code = "AbC123xyz"
    return study


def _issued_cover(study, *, issued_by: str, language: str) -> tuple[bytes, SignatureBox]:
    """The cover of the issued report alone, and the signature box it reserves: the report's
    HTML as render_issued_pdf makes it, cut after the cover's section, laid out with the
    report's stylesheet. The cover is a page of its own (`page: cover`, a fixed height) that
    nothing after it moves (the Chinese case checks it against the whole report); laying out
    the other 30 pages only to look at the first took two seconds per report."""
    from footprint.reports import html as report_html
    from footprint.reports import pdf as report_pdf
    from footprint.reports.signature_block import find_signature_box

    html = report_html.render_report_html(study, language=language, final=True, for_pdf=True,
                                          issued_by=issued_by)
    end = html.index("</section>", html.index('<section class="cover"')) + len("</section>")
    document = report_pdf._layout(study, html[:end] + "\n</body>\n</html>\n")
    assert len(document.pages) == 1  # the cover, on one page
    return document.write_pdf(), find_signature_box(document)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_issued_cover_reserves_an_empty_box_and_reports_where(issued_seed_report, seed_study, language):
    """Both issued files (Chinese, and English when the wording is complete) are signed into
    the box their own cover reserves. The Chinese one is the seed's issued report as the
    issuing step renders it (render_issued_pdf; once for the run, tests/reports/conftest.py);
    the English cover is laid out alone, which reserves the very box of the whole report."""
    cover_pdf, cover_box = _issued_cover(_being_issued(seed_study), issued_by="李慧君", language=language)
    if language == "zh-hans":
        rendering = issued_seed_report
        pdf, box = rendering.pdf, rendering.extra["signature_box"]
        assert cover_box.page == box.page and all(
            abs(a - b) < 0.01 for a, b in zip(cover_box.rect, box.rect, strict=True)), (cover_box, box)
    else:
        pdf, box = cover_pdf, cover_box
    assert isinstance(box, SignatureBox) and box.page == 0
    # bottom right of the cover, inside the page, about 88 × 34 mm
    assert A4_WIDTH / 2 < box.x2 <= A4_WIDTH - 40 and 20 < box.y1 < box.y2 < A4_HEIGHT / 3
    assert abs(box.width - 88 / 25.4 * 72) < 1 and abs(box.height - 34 / 25.4 * 72) < 1

    cover_text = pdftotext(pdf, first=1, last=1)
    assert "认证机构盖章处" not in cover_text
    runs = placed_text(pdf, 0)
    assert any("DEMO" in r.text or "202508175GHG" in r.text for r in runs)  # the visitor sees text
    inside = [r.text for r in runs if box.x1 <= r.x <= box.x2 and box.y1 <= r.y <= box.y2]
    assert inside == []
    image = page_image(pdf, 0, dpi=72)
    assert ImageOps.invert(image).getbbox() is not None  # the cover was drawn: ink to find
    assert pixels_in(image, box.rect, dpi=72, page_height_pt=A4_HEIGHT, keep=is_ink) is None


def test_the_draft_cover_still_shows_where_the_seal_will_go(seed_draft_report):
    draft = seed_draft_report.pdf  # render_study_pdf(seed study), rendered once for the run
    assert "认证机构盖章处" in pdftotext(draft, first=1, last=1)


@pytest.mark.parametrize(("language", "date_label", "qr_caption"), [
    ("zh-hans", ("报告签发日期", "2025年4月3日"), "扫码"), ("en", ("Date of issue",), "Scan the code")])
def test_the_cover_fields_end_above_the_qr_block(demo, language, date_label, qr_caption):
    """The QR code and its caption sit below the fields table, never over it, even when a
    value (the kind of result of a cradle-to-gate study) takes three lines; in English too,
    whose values are longer."""
    from footprint.models import Study

    from .pdfcheck import lines

    study = _being_issued(Study.objects.get(report_number="DEMO-2"))
    cover = lines(_issued_cover(study, issued_by="陈静", language=language)[0])
    last_field = max(ln.y_max for ln in cover if ln.text.startswith(date_label))
    qr_caption = next(ln for ln in cover if ln.text.startswith(qr_caption))
    qr_side = 26 / 25.4 * 72
    assert last_field + 4 < qr_caption.y_min - qr_side
