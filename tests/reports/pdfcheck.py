"""Reading rendered PDFs the way a reviewer looks at them: where each piece of text sits on
the page (pypdf's text visitor), and what the page looks like (pdftoppm → Pillow)."""

from __future__ import annotations

import functools
import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class PlacedText:
    text: str
    x: float  # PDF points from the page's left edge (baseline start)
    y: float  # from the bottom edge
    size: float  # effective font size in points


def _multiply(a, b):
    return [
        a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5],
    ]


def placed_text(pdf: bytes, page_index: int) -> list[PlacedText]:
    """Every text run of one page's content stream with its position (annotations, such as a
    signature's appearance, are not page content and are not listed)."""
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[page_index]
    runs: list[PlacedText] = []

    def visit(text, cm, tm, _font, size):
        if not text.strip():
            return
        m = _multiply(tm, cm)
        runs.append(PlacedText(text, m[4], m[5], abs(size * m[3]) or size))

    page.extract_text(visitor_text=visit)
    return runs


def signature_widget_rect(pdf: bytes, page_index: int = 0) -> tuple[float, float, float, float] | None:
    from pypdf import PdfReader

    page = PdfReader(io.BytesIO(pdf)).pages[page_index]
    for annot in page.get("/Annots", []) or []:
        widget = annot.get_object()
        if widget.get("/FT") == "/Sig" or (widget.get("/Parent") and
                                           widget["/Parent"].get_object().get("/FT") == "/Sig"):
            return tuple(float(v) for v in widget["/Rect"])
    return None


def page_image(pdf: bytes, page_index: int, *, dpi: int = 100):
    """One page as a Pillow RGB image (pdftoppm)."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "doc.pdf"
        path.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", str(page_index + 1),
                        "-l", str(page_index + 1), "-singlefile", str(path), str(Path(folder) / "p")],
                       check=True)
        return Image.open(Path(folder) / "p.png").convert("RGB").copy()


# pdftotext reads a whole report in about a second and several tests read the same report the
# same way: once per process (a PDF's bytes never change; the answers are immutable).
@functools.lru_cache(maxsize=64)
def pdftotext(pdf: bytes, *, first: int | None = None, last: int | None = None,
              layout: bool = False) -> str:
    args = ["pdftotext"] + (["-layout"] if layout else [])
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run(args + ["-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def pixels_in(image, rect_pt, *, dpi: int, page_height_pt: float, keep):
    """Bounding box (in image pixels) of the pixels within `rect_pt` (PDF points) for which
    `keep(r, g, b)` holds; None if none does."""
    scale = dpi / 72
    x1, y1, x2, y2 = rect_pt
    left, right = int(x1 * scale), int(x2 * scale)
    top, bottom = int((page_height_pt - y2) * scale), int((page_height_pt - y1) * scale)
    found = None
    px = image.load()
    for y in range(max(top, 0), min(bottom, image.height)):
        for x in range(max(left, 0), min(right, image.width)):
            if keep(*px[x, y]):
                if found is None:
                    found = [x, y, x, y]
                else:
                    found = [min(found[0], x), min(found[1], y), max(found[2], x), max(found[3], y)]
    return tuple(found) if found else None


def is_red(r, g, b) -> bool:
    return r > 150 and g < 110 and b < 120


def is_dark(r, g, b) -> bool:
    return r < 110 and g < 110 and b < 110


def is_ink(r, g, b) -> bool:
    return min(r, g, b) < 235


@dataclass(frozen=True)
class TablePart:
    """The part of a table laid out on one page: how many body rows (not the repeated header)."""

    page: int  # 0-based
    rows: int
    table_class: str
    first_row: str  # the text of its first body row, to say which


def table_parts(document) -> list[list[TablePart]]:
    """Every table a laid-out report (reports.pdf.render_study_document) split over pages: its
    parts page by page. Read from WeasyPrint's page boxes, where each row really went."""
    parts: dict = {}
    for n, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if type(box).__name__ != "TableBox":
                continue
            rows = [row for group in box.children if not (group.is_header or group.is_footer)
                    for row in group.children]
            first = " ".join("".join(rows[0].element.itertext()).split())[:60] if rows else ""
            parts.setdefault(box.element, []).append(
                TablePart(n, len(rows), box.element.get("class") or "", first))
    return [p for p in parts.values() if len(p) > 1]


@dataclass(frozen=True)
class Line:
    page: int  # 0-based
    text: str
    words: tuple[tuple[float, float, str], ...]  # (x_min, x_max, word)
    y_min: float
    y_max: float  # from the top of the page, in points


@functools.lru_cache(maxsize=16)
def lines(pdf: bytes) -> tuple[Line, ...]:
    """Every line pdftotext finds, with its words' horizontal extents (pdftotext -bbox-layout)."""
    import xml.etree.ElementTree as ET

    xml = subprocess.run(["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode()
    xml = xml[xml.index("<doc>"):xml.index("</doc>") + len("</doc>")]
    ns = "{http://www.w3.org/1999/xhtml}"
    out = []
    for n, page in enumerate(ET.fromstring(xml.replace('xmlns="http://www.w3.org/1999/xhtml"', "")).iter("page")):
        for line in page.iter("line"):
            words = tuple((float(w.get("xMin")), float(w.get("xMax")), w.text or "") for w in line.iter("word"))
            out.append(Line(n, " ".join(w[2] for w in words), words, float(line.get("yMin")),
                            float(line.get("yMax"))))
    del ns
    return tuple(out)
