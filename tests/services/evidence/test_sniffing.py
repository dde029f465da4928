"""The type of an evidence file comes from its bytes, never its name."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from footprint.choices import EvidenceKind
from footprint.services.evidence.sniffing import download_name, sniff

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), "green").save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), "red").save(out, "JPEG")
    return out.getvalue()


def xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(["物料", "数量"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_each_accepted_kind_is_recognised_by_content():
    assert sniff(PDF) == EvidenceKind.PDF
    assert sniff(png()) == EvidenceKind.PNG
    assert sniff(jpeg()) == EvidenceKind.JPEG
    assert sniff(xlsx()) == EvidenceKind.XLSX
    assert sniff("日期,电量 (kWh)\n2024-01,1200\n".encode()) == EvidenceKind.CSV
    assert sniff("日期,电量\n2024-01,1200\n".encode("gb18030")) == EvidenceKind.CSV


@pytest.mark.parametrize("data", [
    b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200,          # a Windows executable
    b"\x7fELF\x02\x01\x01" + b"\x00" * 200,                  # a Linux executable
    b"<html><script>alert(1)</script></html>",              # markup as text
    b"  <svg xmlns='http://www.w3.org/2000/svg'/>",
    b"a,b\n1,\x002\n",                                       # text with NUL
    b"\x89PNG\r\n\x1a\n" + b"garbage" * 20,                  # a PNG header on garbage
])
def test_other_content_is_refused_whatever_it_is_called(data):
    with pytest.raises(ValidationError) as refused:
        sniff(data)
    assert "PDF、PNG、JPEG、XLSX 或 CSV" in refused.value.messages[0]


def test_a_plain_zip_and_a_macro_workbook_are_not_xlsx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "x")
    with pytest.raises(ValidationError):
        sniff(out.getvalue())
    macro = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx())) as source, zipfile.ZipFile(macro, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
    with pytest.raises(ValidationError):
        sniff(macro.getvalue())


def test_empty_file_is_refused():
    with pytest.raises(ValidationError, match="空"):
        sniff(b"")


def test_download_name_carries_the_real_extension():
    assert download_name("电费单.pdf", EvidenceKind.PDF) == "电费单.pdf"
    assert download_name("meter.JPEG", EvidenceKind.JPEG) == "meter.JPEG"
    assert download_name("电费单.pdf", EvidenceKind.PNG) == "电费单.pdf.png"
