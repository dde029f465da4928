import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from footprint.services import formatting as F


def test_kg_has_three_decimals_grouping_and_a_real_minus():
    assert F.kg(212.852456) == "212.852"
    assert F.kg(1234567.5) == "1,234,567.500"
    assert F.kg(-0.0001) == "0.000"
    assert F.kg(-1.5) == "−1.500"
    assert F.kg(0.0105, signed=True) == "+0.011"  # half-even on the binary value is fine here
    assert F.kg(None) == "—"


def test_share_prints_the_service_rounding_with_one_decimal():
    assert F.share(Decimal("84.7")) == "84.7"
    assert F.share(Decimal("100")) == "100.0"


def test_percent_of_a_fraction():
    assert F.percent(0.0376) == "3.8"
    assert F.percent(0.0376, decimals=2, signed=True) == "+3.76"
    assert F.percent(-0.01, signed=True) == "−1.0"
    assert F.percent(None) == "—"


def test_quantity_keeps_what_was_entered_without_trailing_zeros():
    assert F.quantity(Decimal("94594493.664000000")) == "94,594,493.664"
    assert F.quantity(Decimal("384893.000000000")) == "384,893"
    assert F.quantity(Decimal("0.000400")) == "0.0004"


def test_factor_value_to_six_significant_figures():
    assert F.factor_value(0.5366) == "0.5366"
    assert F.factor_value(3.145148) == "3.14515"
    assert F.factor_value(24300.0) == "24,300"


def test_dates_in_both_languages():
    day = dt.date(2025, 4, 2)
    assert F.date(day, "zh-hans") == "2025年4月2日"
    assert F.date(day, "en") == "2 April 2025"
    assert F.period(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "zh-hans") == "2024年1月1日至2024年12月31日"


@given(st.text(max_size=40))
def test_css_string_can_never_close_the_string_or_the_rule(text):
    literal = F.css_string(text)
    assert literal[0] == literal[-1] == '"'
    body = literal[1:-1]
    for ch in '"\'\n\r<>{};':
        assert ch not in body
    # every backslash starts a six-digit escape, so none can escape the closing quote
    assert all(body[i + 1 : i + 7].isalnum() for i, c in enumerate(body) if c == "\\")


def test_paragraphs_split_on_lines_and_drop_blanks():
    assert F.paragraphs("a\r\n\r\n b \nc") == ["a", "b", "c"]
