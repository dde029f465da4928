"""The demo evidence files are what they say: sniffed as their type, readable, with their data."""

import csv
import io
from decimal import Decimal

import openpyxl
from PIL import Image
from pypdf import PdfReader

from footprint.services.demo.evidence_files import demo_evidence
from footprint.services.evidence.sniffing import sniff


def test_each_file_is_its_type_and_carries_its_data():
    files = {f.filename.rsplit(".", 1)[1]: f for f in demo_evidence(year=2024)}
    assert {ext: sniff(f.data) for ext, f in files.items()} == {
        "pdf": "pdf", "png": "png", "csv": "csv", "xlsx": "xlsx"}
    bill = PdfReader(io.BytesIO(files["pdf"].data))
    assert len(bill.pages) == 1 and bill.pages[0].images  # a scanned page
    subject = bill.metadata.subject
    assert "38640.0 kWh" in subject and "杭州示范电气有限公司" in subject
    # 38,640 kWh × 0.6523 元/kWh = 25,204.87 元
    assert f"{(Decimal('38640.0') * Decimal('0.6523')).quantize(Decimal('0.01'))} CNY" in subject
    with Image.open(io.BytesIO(files["png"].data)) as photo:
        assert photo.size == (960, 720)
    rows = list(csv.reader(io.StringIO(files["csv"].data.decode("utf-8-sig"))))
    assert rows[0][-1] == "吨公里 (t·km)" and rows[1][-1] == "3348.8"  # 18.4 t × 182 km
    sheet = openpyxl.load_workbook(io.BytesIO(files["xlsx"].data)).active
    assert sheet["A4"].value == "RMU-ST-001" and sheet["C4"].value == 412.5


def test_the_set_attaches_to_a_study(seed_study, settings, tmp_path):
    from footprint.services.demo.evidence_files import attach_demo_evidence

    settings.MEDIA_ROOT = str(tmp_path / "media")
    files = attach_demo_evidence(seed_study)
    assert [f.kind for f in files] == ["pdf", "png", "csv", "xlsx"]
    assert files[0].activity is not None and files[0].activity.factor.category == "electricity"
    assert files[0].activity == files[1].activity
