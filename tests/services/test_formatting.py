import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from footprint.services import formatting as F


def test_kg_has_three_decimals_grouping_and_a_real_minus():
    assert F.kg(212.852456) == "212.852"
    assert F.kg(180.20045689694584) == "180.200"  # the seed's LV raw materials, not 180.200457
    assert F.kg(1234567.5) == "1,234,567.500"
    assert F.kg(-1.5) == "−1.500"
    assert F.kg(0.0106, signed=True) == "+0.011"
    assert F.kg(Decimal("10.1555")) == "10.156"  # Decimals half-even: 5 after an odd digit
    assert F.kg(Decimal("10.1545")) == "10.154"  # … and after an even one
    assert F.kg(None) == "—"


def test_a_value_that_rounds_to_zero_prints_unsigned():
    assert F.kg(-0.0001) == "0.000"
    assert F.kg(-0.0001, signed=True) == "0.000"
    assert F.kg(-0.0) == "0.000"
    assert F.share(Decimal("-0.0")) == "0.0"
    # the seed's LV distribution follows its claim to 4e-10: no "−0.00 %"
    assert F.deviation_text(-3.8236813715286644e-10) == "0.00 %"
    assert F.percent(-0.0004, signed=True) == "0.0"
    assert F.quantity(Decimal("-0.000")) == "0"
    assert F.general(-0.0) == "0"


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_no_printed_form_is_a_signed_zero(value):
    for text in (F.kg(value), F.kg(value, signed=True), F.deviation(value / 1e9),
                 F.percent(value / 1e9), F.share(Decimal(repr(value)))):
        digits = text.lstrip("+−").replace(",", "").replace(".", "")
        if set(digits) == {"0"}:
            assert text[0] not in "+−", text


def test_shares_print_the_calculation_display_share():
    assert F.share(Decimal("84.7")) == "84.7"
    assert F.share(Decimal("100")) == "100.0"
    assert F.share("4.9") == "4.9"
    assert F.share_text(Decimal("4.9")) == "4.9 %"
    assert F.share_text(None) == "—"


def test_deviations_are_signed_percent_with_two_decimals():
    # seed LV production: 0.776 claimed ÷ 0.7332128 recomputed − 1 = +5.8356 %
    assert F.deviation(0.05835575976675633) == "+5.84"
    assert F.deviation_text(0.05835575976675633) == "+5.84 %"
    assert F.deviation_text(-0.01) == "−1.00 %"
    assert F.deviation_text(None) == "—"


def test_percent_of_a_fraction():
    assert F.percent(0.0376) == "3.8"
    assert F.percent(0.0376, decimals=2, signed=True) == "+3.76"
    assert F.percent_text(-0.01, signed=True) == "−1.0 %"
    assert F.percent(None) == "—" and F.percent(float("nan")) == "—"


def test_quantity_keeps_what_was_entered_without_trailing_zeros():
    assert F.quantity(Decimal("94594493.664000000")) == "94,594,493.664"
    assert F.quantity(Decimal("384893.000000000")) == "384,893"
    assert F.quantity(Decimal("0.000400")) == "0.0004"
    assert F.quantity(944161.06) == "944,161.06"
    assert F.quantity(Decimal("1.123456789")) == "1.123456789"  # the column's nine decimals
    assert F.allocation(Decimal("0.8333")) == "83.33"
    assert F.allocation(Decimal("1.000000")) == "100"


def test_factors_keep_their_published_decimals():
    assert F.factor_value(Decimal("0.5500000000"), 4) == "0.5500"
    assert F.factor_value(0.5366, 4) == "0.5366"
    assert F.factor_value(Decimal("24300"), 0) == "24,300"


def test_a_factor_without_published_decimals_prints_four_significant_digits():
    # diesel: 43.330 GJ/t × 20.20 t/TJ × 0.98 × 44/12 = 3.14512249 kg CO₂/kg
    assert F.factor_value(3.14512249) == "3.145"
    assert F.factor_value(0.0725868) == "0.07259"
    assert F.factor_value(None) == "—"


def test_an_implied_factor_prints_like_the_factor_it_is_compared_with():
    # seed LV raw materials: 0.5366 × 186.984 ÷ 180.200457 = 0.5568 (the 2021 grid factor)
    assert F.implied_factor(0.5567999999987823, 4) == "0.5568"
    # seed HV production: 0.5366 × 2.385 ÷ 1.8781 = 0.681429 → with 0.5366's four decimals
    assert F.implied_factor(0.6814285714285714, 4) == "0.6814"
    # … and never fewer than four significant digits
    assert F.implied_factor(0.000123456, 4) == "0.0001235"
    assert F.implied_factor(12.34567, 1) == "12.35"
    assert F.implied_factor(3.2, None) == "3.200"


def test_value_decimals_is_how_a_value_was_written():
    assert F.value_decimals("0.5500") == 4
    assert F.value_decimals(Decimal("0.5366")) == 4
    assert F.value_decimals(0.55) == 2  # a float has lost its zeros
    assert F.value_decimals(3) == 0
    assert F.value_decimals(Decimal("1E+3")) == 0
    assert F.value_decimals("x") is None and F.value_decimals(None) is None
    assert F.value_decimals("0.123456789012") == F.MAX_FACTOR_DECIMALS
    # a stored value without the column's padding
    assert F.normalised_decimals(Decimal("0.5366000000")) == 4
    assert F.normalised_decimals(Decimal("25200.000")) == 0


def test_gwp_and_general_numbers():
    assert F.gwp(Decimal("25200.000")) == "25,200"
    assert F.gwp(Decimal("27.900")) == "27.9"
    assert F.general(180.20045689694584) == "180.2"
    assert F.general(1.05) == "1.05"
    assert F.general(0.0000123) == "0.0000123"
    assert F.general(2.5e6) == "2,500,000"


def test_units_print_with_subscripts_and_middle_dots():
    assert F.unit("kg CO2/(t*km)") == "kg CO₂/(t·km)"
    assert F.unit("kg/kWh") == "kg/kWh"


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


def test_the_module_is_pure_python():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(F))
    imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert not any(name.startswith(("django", "footprint")) for name in imported)
