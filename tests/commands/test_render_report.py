"""`manage.py render_report REPORT_NUMBER --output FILE [--lang zh-hans|en]`."""

import hashlib
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from footprint.choices import StudyStatus
from tests.reports.pdfcheck import pdftotext


@pytest.mark.pdf
def test_it_writes_the_english_draft(demo, tmp_path):
    out = tmp_path / "report.pdf"
    stdout = io.StringIO()
    call_command("render_report", "DEMO-2", "--output", str(out), "--lang", "en", stdout=stdout)
    # poppler: ~1 s of CPU less than pypdf here; a form feed ends each page
    pages = [" ".join(page.split()) for page in pdftotext(out.read_bytes()).split("\f")]
    assert "Product Carbon Footprint Report" in pages[0]
    assert "draft" in stdout.getvalue()
    # The chapters are English; the contents page holds only our own titles, so no Chinese at all
    # (the study's Chinese names elsewhere are user data). Its running header comes first.
    contents = next(text for text in pages if text.startswith("DEMO-2 Contents Contents "))
    for title in ("1 The carbon footprint of a product (CFP)", "2 Company and products",
                  "3 Goal and scope", "3.2 Declared unit and reference flow",  # a partial CFP (cradle to gate)
                  "3.3 System boundary",
                  "3.5 Cut-off criteria", "4 Data collection", "4.3 Emission factors",
                  "5 Carbon footprint calculation", "6 Verification notes",
                  "Annex 1 Verification team", "Annex 3 Compilation, review and approval"):
        assert title in contents
        assert any(title in text for text in pages[4:])  # the chapter itself
    assert not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", contents), contents
    assert "Page 2 of" in pages[1] and "目标与范围" not in " ".join(pages)


def test_an_issued_study_writes_its_stored_signed_file(seed_study, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    seed_study.status = StudyStatus.ISSUED
    seed_study.issued_sha256 = hashlib.sha256(b"%PDF-1.7 signed bytes").hexdigest()
    seed_study.issued_pdf.save("signed.pdf", ContentFile(b"%PDF-1.7 signed bytes"), save=True)
    out = tmp_path / "out.pdf"
    call_command("render_report", "202508175GHG", "--output", str(out), stdout=io.StringIO())
    assert out.read_bytes() == b"%PDF-1.7 signed bytes"


def test_an_unknown_report_number_is_an_error(demo, tmp_path):
    with pytest.raises(CommandError):
        call_command("render_report", "NOPE", "--output", str(tmp_path / "x.pdf"))


def test_a_study_too_large_for_a_report_exits_non_zero_with_the_reason(demo, tmp_path, settings):
    # CommandError: `manage.py render_report` prints the reason on stderr and exits 1.
    settings.REPORT_MAX_ACTIVITIES = 9
    with pytest.raises(CommandError, match="超过报告生成的上限 9 条"):
        call_command("render_report", "202508175GHG", "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
