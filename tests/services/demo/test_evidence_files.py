"""The demo evidence files are what they say: sniffed as their type, readable, with their data."""

import csv
import io

import openpyxl
from PIL import Image
from pypdf import PdfReader

from footprint.services.demo.evidence_files import demo_evidence
from footprint.services.evidence.sniffing import sniff


def test_each_file_is_its_type_and_carries_its_data():
    files = {name.rsplit(".", 1)[1]: data for name, data, _text in demo_evidence(year=2024)}
    assert {ext: sniff(data) for ext, data in files.items()} == {
        "pdf": "pdf", "png": "png", "csv": "csv", "xlsx": "xlsx"}
    bill = PdfReader(io.BytesIO(files["pdf"]))
    assert len(bill.pages) == 1 and bill.pages[0].images  # a scanned page
    with Image.open(io.BytesIO(files["png"])) as photo:
        assert photo.format == "PNG"
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig"))))
    assert rows[1][:4] == ["2024-03-04", "YD20240304-017", "18.40", "182"]
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"])).active
    assert sheet["A4"].value == "RMU-ST-001" and sheet["C4"].value == 412.5
    assert sheet["C7"].value == "=SUM(C4:C6)"


def test_the_set_attaches_to_a_study(seed_study, settings, tmp_path):
    from footprint.services.demo.evidence_files import attach_demo_evidence

    settings.MEDIA_ROOT = str(tmp_path / "media")
    files = attach_demo_evidence(seed_study)
    assert [f.kind for f in files] == ["pdf", "png", "csv", "xlsx"]
    assert files[0].activity is not None and files[0].activity.factor.category == "electricity"
    assert files[0].activity == files[1].activity
