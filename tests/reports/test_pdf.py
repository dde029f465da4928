"""The demo report as a PDF, parsed back: pages, TOC, numbers, fonts, watermark, metadata."""

from __future__ import annotations

import re

import pytest

from footprint.choices import Stage
from footprint.services import formatting as F

# django_db: pytest-django sets up the test database only when a collected test asks for it,
# and the session fixture `demo_reports` needs it even when this file runs alone.
pytestmark = [pytest.mark.pdf, pytest.mark.django_db]

A4 = (595.28, 841.89)


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_every_page_is_a4(demo_reports):
    for key in ("zh", "en", "final"):
        for page in demo_reports[key].reader.pages:
            box = page.mediabox
            assert abs(float(box.width) - A4[0]) < 0.5 and abs(float(box.height) - A4[1]) < 0.5


def test_footer_counts_the_pages_and_the_cover_has_no_header_or_footer(demo_reports):
    texts = demo_reports["zh"].page_texts()
    n = len(texts)
    assert n >= 15
    assert "第 1 页" not in texts[0] and "202508175GHG 摘要" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert f"第 {number} 页 / 共 {n} 页" in text


def test_table_of_contents_page_numbers_are_the_pages_of_the_headings(demo_reports):
    rendered = demo_reports["zh"]
    texts = rendered.page_texts()
    toc_page = next(i for i, t in enumerate(texts) if t.startswith("目录"))
    toc_lines = texts[toc_page].splitlines()
    checked = 0
    for entry in rendered.toc:
        line = next(line for line in toc_lines if line.startswith(entry["label"]))
        printed = int(line.rsplit(" ", 1)[1])
        # the heading is the first line of body text on its page that equals the label
        found = next(
            i + 1 for i, t in enumerate(texts)
            if i != toc_page and any(ln.strip() == entry["label"] for ln in t.splitlines())
        )
        assert printed == found, entry["label"]
        checked += 1
    assert checked == len(rendered.toc) > 30


def test_pdf_bookmarks_agree_with_the_table_of_contents(demo_reports):
    reader = demo_reports["zh"].reader
    pages = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                pages[item.title] = reader.get_destination_page_number(item) + 1

    walk(reader.outline)
    texts = demo_reports["zh"].page_texts()
    toc_page = next(i for i, t in enumerate(texts) if t.startswith("目录"))
    checked = 0
    for line in texts[toc_page].splitlines()[1:]:
        label, _sep, number = line.rpartition(" ")
        if label in pages:
            assert pages[label] == int(number)
            checked += 1
    assert checked > 30  # the TOC's lines were matched to bookmarks, not skipped


def test_every_product_total_and_stage_value_appears(demo_reports):
    for key in ("zh", "en", "final", "demo2"):
        rendered = demo_reports[key]
        text = _normalise(" ".join(rendered.page_texts()))
        assert rendered.results.products, key
        for product in rendered.results.products:
            assert F.kg(product.total_kgco2e) in text
            for stage in product.stages:
                assert F.kg(stage.kgco2e) in text, (key, product.code, stage.stage)
                assert F.share(stage.share_pct) in text


def test_seed_numbers_are_those_of_the_calculation_not_the_printed_ones(demo_reports):
    text = _normalise(" ".join(demo_reports["zh"].page_texts()))
    # recomputed totals (manage.py calculate) and the seed's printed totals, side by side in 6.2
    assert "212.852" in text and "226.496" in text
    assert "220.101" in text and "234.371" in text
    # the rows that do not follow, with the factor that would reproduce them
    assert "+3.76" in text and "+5.84" in text and "+26.99" in text
    assert "CN-GRID-2021" in text


def test_chinese_text_extracts_correctly(demo_reports):
    texts = demo_reports["zh"].page_texts()
    assert "产品碳足迹报告" in texts[0]
    assert "中电华骋科技有限公司" in texts[0]
    assert "低压成套开关设备" in texts[0]
    assert any("生命周期阶段" in t for t in texts)


def test_no_missing_glyph_or_fetch_warning_while_rendering(demo_reports):
    for key, rendered in demo_reports.items():
        assert not [w for w in rendered.warnings if "notdef" in w or "glyph" in w], key
        assert not [w for w in rendered.warnings if "refused" in w or "fetch" in w.lower()], key


def test_the_warnings_of_a_render_are_collected():
    """What the check above reads: a refused fetch during a layout is caught (not a list that
    stays empty whatever happens)."""
    from weasyprint import HTML

    from footprint.reports.pdf import ReportURLFetcher

    from .conftest import collect_warnings

    with collect_warnings() as warnings:
        HTML(string='<p>x</p><img src="file:///etc/passwd">',
             url_fetcher=ReportURLFetcher(report_number="X")).render()
    assert [w for w in warnings if "refused" in w] and [w for w in warnings if "fetch" in w.lower()]


def _fonts(reader) -> dict[str, object]:
    fonts = {}
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor_owner = descendants[0].get_object() if descendants else font
            fonts[str(font["/BaseFont"])] = descriptor_owner["/FontDescriptor"].get_object()
    return fonts


def test_fonts_are_embedded_and_the_cjk_font_is_among_them(demo_reports):
    fonts = _fonts(demo_reports["zh"].reader)
    assert fonts
    for name, descriptor in fonts.items():
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), name
    assert any("Noto-Sans-CJK-SC" in name for name in fonts)


def _tinted(png) -> int:
    """Pixels of the watermark's faint red on a page image (every second pixel of every
    second row, counted with numpy: the same pixels, not one Python call each)."""
    import numpy as np
    from PIL import Image

    px = np.asarray(Image.open(png).convert("RGB"), dtype=np.int16)[::2, ::2]
    r, g = px[..., 0], px[..., 1]
    return int(np.count_nonzero((r > g + 8) & (r > 200)))


def test_drafts_carry_the_watermark_on_every_page_and_the_issued_report_on_none(demo_reports):
    """Drawn as outlines (reports/watermark.py): on every draft page, in no page's text."""
    for key in ("zh", "demo2"):  # the drafts rendered to PNG, page by page
        pngs = sorted(demo_reports[key].png_dir.glob("page-*.png"))
        assert len(pngs) == len(demo_reports[key].page_texts()) > 1, key
        for png in pngs[1:]:  # the cover's red placeholder seal is tinted anyway
            assert _tinted(png) > 100, (key, png.name)
    for key in ("zh", "en", "demo2", "final"):
        assert all("DRAFT" not in t and "草 稿" not in t for t in demo_reports[key].page_texts()), key
    assert 'class="watermark"' not in demo_reports["final"].html


def test_draft_lists_what_is_missing_and_the_issued_report_does_not(demo_reports):
    draft = demo_reports["zh"].page_texts()[1]
    assert "签发前尚需补充的报告要素" in draft
    assert "统一社会信用代码" in draft
    assert "签发前尚需补充" not in " ".join(demo_reports["final"].page_texts())


def test_metadata_language_and_pdf_a(demo_reports):
    reader = demo_reports["zh"].reader
    meta = reader.metadata
    assert "202508175GHG" in meta.title and "产品碳足迹报告" in meta.title
    assert meta.author == "三信国际检测认证有限公司"
    assert "202508175GHG" in meta.subject
    assert str(reader.trailer["/Root"]["/Lang"]) == "zh-CN"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfaid:part" in xmp and ">3<" in xmp.replace('"3"', ">3<")
    assert "/OutputIntents" in reader.trailer["/Root"]
    en = demo_reports["en"].reader
    assert str(en.trailer["/Root"]["/Lang"]) == "en"


def test_english_report_is_in_english(demo_reports):
    texts = demo_reports["en"].page_texts()
    assert "Product Carbon Footprint Report" in texts[0]
    body = " ".join(texts)
    for label in ("Summary", "Contents", "System boundary", "Raw material acquisition",
                  "Page 3 of", "Verification team"):
        assert label in body, label
    # Chinese report labels do not leak into the English report
    for zh in ("摘要", "目录", "系统边界", "生命周期阶段", "第 3 页"):
        assert zh not in body, zh
    # ... nor does the study's own text: the seed study has its English wording
    # (Study.translations), so the names, boundaries and passages print in English too
    assert not re.search(r"[\u4e00-\u9fff]", body), re.search(r".{20}[\u4e00-\u9fff]+.{20}", body)
    for en in ("Zhongdian Huacheng Technology Co., Ltd.", "Low-voltage switchgear assembly",
               "kgCO₂e/1 unit", "Production electricity", "The plant meters electricity and diesel"):
        assert en in _normalise(body), en


def test_issued_report_has_the_qr_code_url_signatures_and_dates(demo_reports):
    final = demo_reports["final"]
    texts = final.page_texts()
    code = final.extra["verification_code"]
    assert f"/verify/{code}/" in _normalise(texts[0])
    assert "2025年4月3日" in texts[0]
    annex = texts[-1]
    assert "陈静" in annex and "张明远" in annex
    assert "2025年4月1日" in annex and "2025年4月2日" in annex and "2025年4月3日" in annex
    assert "segno" in final.html and "<svg" in final.html
    # only the issued report states the verification conclusion
    assert "核查结论" in texts[2] and "核查结论" not in demo_reports["zh"].page_texts()[2]


def test_stage_shares_add_up_to_exactly_100(demo_reports):
    assert [p.code for p in demo_reports["zh"].results.products] == ["LV", "HV"]
    for product in demo_reports["zh"].results.products:
        assert sum(s.share_pct for s in product.stages) == 100


def test_each_page_was_rendered_to_png_for_inspection(demo_reports):
    for key in ("zh", "demo2"):
        folder = demo_reports[key].png_dir
        if folder is None:
            pytest.skip("pdftoppm not installed")
        pngs = sorted(folder.glob("page-*.png"))
        assert len(pngs) == len(demo_reports[key].reader.pages), key


def test_stage_labels_in_the_results_chapter_follow_the_report_order(demo_reports):
    text = " ".join(demo_reports["zh"].page_texts())
    start = text.rfind("5.2 计算结果")  # the heading, not its TOC entry
    assert start > text.find("5.2 计算结果") >= 0  # both the TOC entry and the heading
    positions = [text.find(str(Stage(s).label), start) for s in Stage.values]
    # find() answers -1 for a missing label: every label must be there before the order counts
    assert all(p > start for p in positions), dict(zip(Stage.values, positions, strict=True))
    assert positions == sorted(positions)


def test_table_and_figure_numbers_appear_in_document_order(demo_reports):
    for key in ("zh", "demo2"):
        text = " ".join(demo_reports[key].page_texts())
        for word in ("表", "图"):
            numbers = [(int(c), int(n)) for c, n in re.findall(word + r" (\d+)-(\d+)\s", text)]
            captions = list(dict.fromkeys(numbers))  # a caption may be cited before it appears
            assert len(captions) >= 3, (key, word, captions)  # the regex found the captions
            assert captions == sorted(captions), (key, word, captions)
            for chapter in {c for c, _n in captions}:
                indexes = [n for c, n in captions if c == chapter]
                assert indexes == list(range(1, len(indexes) + 1)), (key, word, chapter)


def test_contributor_shares_agree_with_stage_shares(demo_reports):
    texts = demo_reports["zh"].page_texts()
    page = next(t for t in texts if "表 5-3" in t and "排序" in t)
    # LV distribution is one activity: the same 4.9 % in the stage table and the contributors
    assert re.search(r"成品运输柴油 成品运输（分销） 10\.542 4\.9", page)


def test_every_contradiction_of_the_source_report_is_in_chapter_6_with_places_values_and_cause(demo_reports):
    def squash(text: str) -> str:  # table cells wrap anywhere: compare without whitespace
        return re.sub(r"\s+", "", text)

    text = squash(" ".join(demo_reports["zh"].page_texts()))
    heading = squash("6.2 声明值与重新计算值对比")
    assert heading in text  # else split() would answer the whole report
    claims_part = text.split(heading)[-1]
    assert "原报告中的矛盾及可能原因" in claims_part
    for needle in (
        # HV distribution: the summary's 10.542 against the tables' 16.138, copied from LV
        "摘要：10.542", "表 4.2-2、表 5.2-2：16.138", "10.542 正是LV“成品运输（分销）”阶段的数值",
        # HV end of life 24.164 against 24.160, a last-digit slip
        "摘要：24.164", "修约或录入错误",
        # the diesel factor printed per kg is the per-MJ figure: 0.0726 × 43.33 = 3.145758
        "表 4.2-1：0.0726 kg/kg", "0.0726 × 低位发热量 43.33 MJ/kg（43.330 GJ/t）= 3.14576",
        # the grid factor 0.5366 cannot give rows that follow the 2021 factor
        "4.3、表 4.2-1：0.5366", "2021 年的 CN-GRID-2021",
        # the t-per-piece header of table 5.2-2; the summary's stages do not add up
        "表 5.2-2 的单位印为 tCO₂e/件", "同处各阶段之和 228.779",
    ):
        assert squash(needle) in claims_part, needle
    english = squash(" ".join(demo_reports["en"].page_texts()))
    for needle in ("Contradictions in the source report", "Summary: 10.542",
                   "probably copied from another row", "per-MJ factor printed as per kg"):
        assert squash(needle) in english, needle
