"""`manage.py render_report REPORT_NUMBER --output FILE [--lang zh-hans|en]`."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from footprint.choices import StudyStatus


@pytest.mark.pdf
def test_it_writes_the_english_draft(demo, tmp_path):
    out = tmp_path / "report.pdf"
    stdout = io.StringIO()
    call_command("render_report", "DEMO-2", "--output", str(out), "--lang", "en", stdout=stdout)
    reader = PdfReader(out)
    assert "Product Carbon Footprint Report" in reader.pages[0].extract_text()
    assert "draft" in stdout.getvalue()


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
