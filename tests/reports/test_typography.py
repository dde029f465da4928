"""The rendered reports read as typeset documents: measured on the PDFs (glyph positions, the
text layer, page images), not on the templates."""

from __future__ import annotations

import re

import pytest

from footprint.models import Study
from footprint.reports.context import build_report_context
from footprint.reports.inputs import load_report_inputs

from .pdfcheck import lines, page_image, pdftotext

pytestmark = pytest.mark.django_db
HEADER_FOOTER = (70, 770)  # points from the top: running header above, footer below


def _body(pdf: bytes):
    return [ln for ln in lines(pdf) if HEADER_FOOTER[0] < ln.y_min < HEADER_FOOTER[1]]


@pytest.mark.parametrize("key", ["zh", "demo2"])
def test_chinese_paragraphs_have_no_stretched_spaces(demo_reports, key):
    """Justification used to widen the few ASCII spaces of a Chinese line into gaps
    ("碳足迹为   212.852   kgCO₂e"). In the summary's and chapter 1's paragraphs every gap
    between words is now an ordinary space (about 2.2 pt at 10 pt)."""
    body = _body(demo_reports[key].pdf)
    toc_pages = {ln.page for ln in body if ln.text == "目录"}
    summary_page = next(ln.page for ln in body if ln.text == "摘要" and ln.page not in toc_pages)
    table_top = min(ln.y_min for ln in body if ln.page == summary_page and ln.text.startswith("各生命周期阶段"))
    chapter1_page = next(ln.page for ln in body
                         if ln.text == "1 产品碳足迹（CFP）介绍" and ln.page not in toc_pages)
    paragraph_lines = [ln for ln in body if (ln.page == summary_page and ln.y_min < table_top)
                       or ln.page == chapter1_page]
    gaps = [(round(b[0] - a[1], 1), a[2], b[2], ln.y_max - ln.y_min) for ln in paragraph_lines
            for a, b in zip(ln.words, ln.words[1:], strict=False)]
    assert len(gaps) > 20  # there are spaces around numbers and Latin words to measure
    assert [g for g in gaps if g[0] > 0.3 * g[3]] == []


def test_the_draft_watermark_is_not_text_but_is_on_the_page(demo_reports):
    pdf = demo_reports["zh"].pdf
    text = pdftotext(pdf)
    assert "草稿 / DRAFT" not in text and "D R A F T" not in text and "DRAFT" not in text
    # still drawn: a faint red tint across the middle of a body page
    image = page_image(pdf, 5, dpi=40)
    px = image.load()
    tinted = sum(1 for x in range(image.width) for y in range(image.height)
                 if px[x, y][0] > px[x, y][1] + 8 and px[x, y][0] > 200)
    assert tinted > 500
    assert all("DRAFT" not in t for t in demo_reports["en"].page_texts())


def test_english_sentences_end_once_and_name_products_after_a_colon(demo_reports):
    text = " ".join(pdftotext(demo_reports["en"].pdf).split())
    assert "Ltd.." not in text and ".." not in text.replace("...", "")
    assert "the products Low-voltage" not in text
    assert "made by Zhongdian Huacheng Technology Co., Ltd.: Low-voltage switchgear assembly" in text


def test_chart_labels_wrap_instead_of_being_cut(demo_reports):
    for key in ("zh", "en", "demo2"):
        cut = re.findall(r"\S*[A-Za-z\u4e00-\u9fff]…", pdftotext(demo_reports[key].pdf))
        assert cut == [], key
    en = pdftotext(demo_reports["en"].pdf)
    assert "Diesel for transporting" in en  # wrapped over lines, complete


@pytest.mark.parametrize("key", ["zh", "en", "demo2"])
def test_no_heading_or_caption_is_left_at_the_bottom_of_a_page(demo_reports, key):
    rendered = demo_reports[key]
    headings = {e["label"] for e in rendered.toc}
    body = [ln for ln in _body(rendered.pdf) if "DRAFT" not in ln.text]
    toc_pages = {ln.page for ln in body if ln.text in ("目录", "Contents")}
    # the rule is exercised: the headings and captions are read as lines of their own
    body_texts = {ln.text for ln in body if ln.page not in toc_pages}
    assert len(headings & body_texts) >= 0.8 * len(headings) > 10, sorted(headings - body_texts)
    assert len([t for t in body_texts if re.match(r"^(表|Table) [\d附A]", t)]) > 10
    stranded = []
    for page in sorted({ln.page for ln in body} - toc_pages):
        last = max((ln for ln in body if ln.page == page), key=lambda ln: ln.y_max)
        if last.text in headings or re.match(r"^(表|Table) [\d附A]", last.text):
            stranded.append((page + 1, last.text))
    assert stranded == []


@pytest.mark.parametrize("key", ["zh", "en", "demo2"])
def test_no_header_wraps_between_plus_minus_and_percent(demo_reports, key):
    """"±%" stays together: a wrapped header put "%" alone at the start of the next line."""
    assert [ln.text for ln in lines(demo_reports[key].pdf) if ln.text.startswith("%")] == []
    assert "±%" in pdftotext(demo_reports[key].pdf)


def test_cover_labels_stand_at_the_first_line_of_their_values(demo_reports):
    cover = [ln for ln in lines(demo_reports["en"].pdf) if ln.page == 0]
    # every label whose English value takes two lines stands at the value's first line
    for label_text, value_text in (("Product name", "Low-voltage switchgear"), ("Type of result", "Partial CFP"),
                                   ("Certification body", "Sanxin International")):
        label = next(ln for ln in cover if ln.text.startswith(label_text))
        # the value's line nearest the label (the body's name is also in the header band)
        value = min((ln for ln in cover if value_text in ln.text), key=lambda ln: abs(ln.y_min - label.y_min))
        assert abs(label.y_min - value.y_min) < 1.5, label_text


def _context(number, demo):
    return build_report_context(load_report_inputs(Study.objects.get(report_number=number),
                                                   asset_urls={}))


def test_sentences_agree_with_their_data(demo):
    seed, demo2 = _context("202508175GHG", demo), _context("DEMO-2", demo)
    # The seed's emissions are CO₂ only: the GWP set changes nothing, and the report says so.
    assert not any(r["label"].startswith("GWP 改用") for r in seed["chapter5"]["sensitivity"]["factor_rows"])
    assert seed["chapter5"]["sensitivity"]["gwp_note"].startswith("本研究的排放只有 CO₂")
    assert demo2["chapter5"]["sensitivity"]["gwp_note"] == ""  # SF₆: the GWP sets are tabled


def test_the_checks_sentence_names_6_2_only_when_6_2_has_differing_claims(demo):
    from django.template.loader import render_to_string

    ctx = _context("DEMO-2", demo)
    ctx["chapter6"] = {**ctx["chapter6"], "checks": []}
    for differing, expected in ((0, False), (2, True)):
        ctx["chapter6"]["differing"] = differing
        html = render_to_string("reports/_chapter6.html", ctx)
        assert ("除 6.2 节所列声明值外" in html) == expected
        assert ("检查没有发现问题" in html)


@pytest.mark.parametrize("key", ["zh", "en", "demo2"])
def test_no_table_leaves_one_or_two_rows_alone_on_a_page(demo_reports, key):
    """Orphans and widows for table rows: where a long table breaks, each page holds at least
    three of its body rows (the repeated header not counted). Read from the layout, where each
    row really went, and checked against the PDF's text of that page."""
    rendered = demo_reports[key]
    split = rendered.extra["split_tables"]
    if key != "demo2":
        assert split  # the seed's long tables do break: the rule is exercised
    lonely = [(part.page + 1, part.rows, part.first_row) for parts in split for part in parts
              if part.rows < 3]
    assert lonely == []
    for parts in split:
        for part in parts:
            page_text = "".join(pdftotext(rendered.pdf, first=part.page + 1, last=part.page + 1).split())
            assert "".join(part.first_row.split())[:6] in page_text


def _typed_paragraphs(number: str) -> list[str]:
    import json
    from pathlib import Path

    data = json.loads((Path(__file__).resolve().parents[2] / "footprint" / "fixtures" / "demo"
                       / f"{number}.json").read_text())
    texts = [*data["narrative"].values(), data["company"].get("overview", "")]
    return [p.strip() for t in texts for p in (t or "").split("\n") if len(p.strip()) > 60]


@pytest.mark.parametrize(("key", "number"), [("zh", "202508175GHG"), ("demo2", "DEMO-2")])
def test_typed_chinese_paragraphs_start_with_a_two_character_indent(demo_reports, key, number):
    """What the auditor typed (narrative sections, company overview) is set as Chinese body
    text: the first line of each paragraph starts 2 em (20 pt at 10 pt) right of the lines
    that follow it."""
    body = _body(demo_reports[key].pdf)
    measured = []
    for paragraph in _typed_paragraphs(number):
        start = "".join(paragraph.split())[:14]
        index = next((i for i, ln in enumerate(body) if "".join(ln.text.split()).startswith(start)), None)
        assert index is not None, paragraph[:20]
        first, second = body[index], body[index + 1]
        if second.page != first.page:
            continue
        # where the paragraph's first word starts (pdftotext may join text to its left into
        # the line), against where its second line starts
        x = next(w[0] for w in first.words if w[2].startswith(paragraph[:2]))
        measured.append((paragraph[:12], round(x - second.words[0][0], 1), first.text[:30], second.text[:30]))
    assert len(measured) >= 2
    assert [m for m in measured if not 18 <= m[1] <= 22] == []
