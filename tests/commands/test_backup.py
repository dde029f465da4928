"""backup / restore: a round trip gives back the same studies and the same issued files."""

import hashlib
import io
import tarfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from footprint.models import Study
from footprint.services.interchange.exporting import study_to_json
from footprint.services.workflow.issuing import issued_files, issued_pdf_bytes

# The backup holds the issued files as bytes with their SHA-256: the one-page report of
# issued_seed_study_tiny (signed for real, in both languages) is all it needs.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.pdf]


def _state():
    studies = {s.report_number: study_to_json(s, for_licensee=True) for s in Study.objects.order_by("report_number")}
    issued = {(s.report_number, f.language): hashlib.sha256(issued_pdf_bytes(s, f.language)).hexdigest()
              for s in Study.objects.exclude(issued_sha256="") for f in issued_files(s)}
    return studies, issued


def test_a_backup_restores_the_same_studies_and_issued_files(issued_seed_study_tiny, tmp_path):
    archive = tmp_path / "pcf.tar.gz"
    before = _state()
    number = issued_seed_study_tiny.report_number
    assert before[1] == {(number, "zh-hans"): issued_seed_study_tiny.issued_sha256,
                         (number, "en"): issued_seed_study_tiny.issued_alt_sha256}
    call_command("backup", output=str(archive), stdout=io.StringIO())

    # Disaster: the data and the files are gone.
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    issued_names = (study.issued_pdf.name, study.issued_alt_pdf.name)
    call_command("flush", interactive=False, verbosity=0)
    for name in issued_names:
        default_storage.delete(name)
    assert not Study.objects.exists()

    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    assert "2 issued files verified" in out.getvalue()  # the Chinese and the English file
    assert _state() == before


def test_a_damaged_archive_is_refused_before_anything_changes(issued_seed_study_tiny, tmp_path):
    archive = tmp_path / "pcf.tar.gz"
    call_command("backup", output=str(archive), stdout=io.StringIO())
    # Rewrite the archive with one issued file altered.
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name.startswith("files/issued/"):
                data = data[:-5] + b"XXXXX"
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("restore", str(damaged), yes=True, stdout=io.StringIO())
    assert Study.objects.filter(pk=issued_seed_study_tiny.pk, status="issued").exists()
