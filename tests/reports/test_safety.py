"""Hostile text in any user field ends up as text: escaped in the HTML, printed in the PDF,
never fetched. The renderer asks its fetcher only for the report's own assets and no
connection leaves the process."""

from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from footprint.models import ActivityRecord, Product, VerificationTeamMember
from footprint.reports import html as report_html
from footprint.reports import pdf as report_pdf

from .pdfcheck import pdftotext

pytestmark = pytest.mark.pdf

HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://example.com/x.css">',
    "</style><style>@import url(file:///etc/passwd)</style>",
    "<p style=\"background:url(http://example.com/beacon.png)\">x</p>",
    "<svg><image href=\"https://example.com/i.png\"/></svg>",
    "<script>alert(1)</script>",
]
TEXT = " ".join(HOSTILE)


@pytest.fixture
def hostile_study(seed_study, settings, tmp_path):
    from PIL import Image

    from footprint.services.entry.images import study_images_folder

    settings.MEDIA_ROOT = tmp_path
    folder = (Path(settings.MEDIA_ROOT) / study_images_folder(seed_study.report_number))
    folder.mkdir(parents=True)
    Image.new("RGB", (40, 20), (0, 114, 178)).save(folder / "front view.png")
    study = seed_study
    for key in ("purpose", "product_function", "process_flow", "allocation", "cut_off",
                "assumptions", "data_quality", "uncertainty", "improvements"):
        setattr(study, key, TEXT)
    study.title = "Report " + HOSTILE[0]
    study.save()
    company = study.company
    company.overview = TEXT
    company.address = HOSTILE[1]
    company.save()
    Product.objects.filter(company=company, code="LV").update(name="LV " + HOSTILE[3])
    ActivityRecord.objects.filter(stage__study_product__study=study).update(
        name=HOSTILE[4], source=HOSTILE[2]
    )
    VerificationTeamMember.objects.filter(study=study).update(organisation=HOSTILE[1], name=HOSTILE[5])
    return study


@pytest.fixture
def spy(monkeypatch):
    fetched: list[str] = []
    connections: list[object] = []
    original = report_pdf.ReportURLFetcher.fetch

    def spying_fetch(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    def no_connect(self, address):
        connections.append(address)
        raise OSError("network access during rendering")

    monkeypatch.setattr(report_pdf.ReportURLFetcher, "fetch", spying_fetch)
    monkeypatch.setattr(socket.socket, "connect", no_connect)
    return fetched, connections


def test_hostile_text_is_printed_not_fetched(hostile_study, spy):
    fetched, connections = spy
    pdf = report_pdf.render_study_pdf(hostile_study)
    # only the report's own assets and the study's uploaded image were asked for
    assert set(fetched) == {"report-asset:report.css", "report-asset:seal-placeholder.svg",
                            "study-media:202508175GHG/front%20view.png"}
    assert connections == []
    text = re.sub(r"\s+", "", pdftotext(pdf))  # poppler: ~1 s of CPU less than pypdf here
    for fragment in ('<imgsrc="file:///etc/passwd">', "@importurl(file:///etc/passwd)",
                     "url(http://example.com/beacon.png)", "<script>alert(1)</script>"):
        assert fragment in text, fragment
    assert "root:x:0:0" not in text
    assert "2.4产品图片" in text and "frontview" in text   # the uploaded image, with its caption
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf


def test_hostile_text_is_escaped_in_the_preview(hostile_study, spy):
    html = report_html.render_study_html(hostile_study)
    assert '<img src="file:' not in html
    assert "<script>alert" not in html
    assert '<link rel="stylesheet" href="http://' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "&lt;/style&gt;&lt;style&gt;@import url(file:///etc/passwd)" in html
    # the only stylesheet and image the preview links to are the report's own
    links = re.findall(r'<(?:link|img)[^>]+(?:href|src)="([^"]+)"', html)
    assert links and all(u.startswith(("/static/reports/", "data:image/png;base64,")) for u in links)
