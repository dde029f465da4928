"""How every number is printed, in one place: pages, PDF, check messages, narrative, CLI.

The rounding policy is written in docs/numbers.md; in short:
- kgCO₂e: three decimals, thousands grouped (1,234.567);
- shares: the calculation service's display shares (one decimal, largest remainder, adding
  up to exactly 100.0 per product and to the stage's share within a stage), never a fraction
  rounded again here;
- deviations: signed percent with two decimals (+3.76 %);
- emission factors: with the decimals they were published with (0.5500 stays 0.5500);
  an implied factor with the decimals of the factor it is compared with, but at least four
  significant digits; a factor derived from fuel parameters to four significant digits;
- quantities: as entered, without the database column's trailing zeros;
- a value that rounds to zero prints as unsigned zero (never "−0.000"); negative numbers
  carry a real minus sign (U+2212);
- a percent sign follows its number after a space ("4.9 %", ISO 80000-1 / GB 3101).

Pure Python (no Django): the calculation's callers, the templates' filters, the report context
and the commands all call these functions.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

KG_DECIMALS = 3
SHARE_DECIMALS = 1
DEVIATION_DECIMALS = 2
# An implied or derived factor is printed with at least this many significant digits.
FACTOR_SIGNIFICANT = 4
# Most decimals a factor value may carry (EmissionFactor.value has decimal_places=10).
MAX_FACTOR_DECIMALS = 10

MINUS = "\u2212"
PERCENT = " %"
DASH = "—"

_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)

Number = float | int | Decimal


# ------------------------------------------------------------------------------ core
def _missing(value) -> bool:
    if value is None or value == "":
        return True
    return isinstance(value, float) and math.isnan(value)


def fixed(value: Number | str | None, decimals: int, *, signed: bool = False,
          group: bool = True) -> str:
    """`value` with exactly `decimals` decimals, grouped, with a real minus; a value that rounds
    to zero prints as unsigned zero ("0.000", never "−0.000" or "+0.000").

    Floats (the calculation's results) are rounded on their exact binary value, Decimals (stored
    and display values) half-even, both by Python's own formatting: fast enough for a table of
    thousands of rows, and the same text for the same value wherever it is printed.
    """
    if _missing(value):
        return DASH
    spec = f"{'+' if signed else ''}{',' if group else ''}.{decimals}f"
    if isinstance(value, float | int) and not isinstance(value, bool):
        text = format(value, spec)
    else:
        text = format(_decimal(value), spec)
    if not text.strip("+-0.,"):
        text = text.lstrip("+-")
    return text.replace("-", MINUS)


def _decimal(value: Number | str) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        # repr is the shortest text that reads back as the same float: 0.1 → "0.1", so that
        # 2.0005 rounds as written, not as its binary neighbour.
        return Decimal(repr(value))
    return Decimal(str(value).strip().replace(",", ""))


def significant(value: Number | None, digits: int = FACTOR_SIGNIFICANT) -> str:
    """`value` to `digits` significant digits, trailing zeros kept (3.145, 0.6814, 25,200)."""
    if _missing(value):
        return DASH
    return fixed(value, decimals_for_significant(value, digits))


def decimals_for_significant(value: Number, digits: int = FACTOR_SIGNIFICANT) -> int:
    """How many decimals show `digits` significant digits of `value` (0 for large numbers)."""
    number = abs(float(value))
    if number == 0 or not math.isfinite(number):
        return 0
    magnitude = math.floor(math.log10(number))
    return max(0, digits - 1 - magnitude)


# ---------------------------------------------------------------------- the domain's numbers
def kg(value: Number | None, *, signed: bool = False) -> str:
    """kgCO₂e: three decimals, thousands grouped (1,234.567)."""
    return fixed(value, KG_DECIMALS, signed=signed)


def share(value: Decimal | str | None) -> str:
    """A display share of the calculation service (already rounded): '84.7'."""
    return fixed(value, SHARE_DECIMALS)


def share_text(value: Decimal | str | None) -> str:
    """A display share with its percent sign: '84.7 %'."""
    text = share(value)
    return text if text == DASH else text + PERCENT


def percent(fraction: Number | None, *, decimals: int = SHARE_DECIMALS, signed: bool = False) -> str:
    """A fraction as percent, number only (0.0376 → '3.8'); for values that are not shares of
    a product total (deviations, sensitivities, allocation)."""
    if _missing(fraction):
        return DASH
    return fixed(_decimal(fraction) * 100, decimals, signed=signed)


def percent_text(fraction: Number | None, *, decimals: int = SHARE_DECIMALS, signed: bool = False) -> str:
    """`percent` with its percent sign: '3.8 %'."""
    text = percent(fraction, decimals=decimals, signed=signed)
    return text if text == DASH else text + PERCENT


def deviation(fraction: Number | None) -> str:
    """A deviation (claimed ÷ recomputed − 1) as signed percent, two decimals: '+3.76'."""
    return percent(fraction, decimals=DEVIATION_DECIMALS, signed=True)


def deviation_text(fraction: Number | None) -> str:
    """A deviation with its percent sign: '+3.76 %'."""
    text = deviation(fraction)
    return text if text == DASH else text + PERCENT


def quantity(value: Number | None, *, max_decimals: int = 9) -> str:
    """An activity quantity as the auditor entered it: grouped, no trailing zeros
    (Decimal('384893.000000000') → '384,893'); nine decimals is the column's precision."""
    if _missing(value):
        return DASH
    number = _decimal(value)
    quantum = Decimal(1).scaleb(-max_decimals)
    if abs(number) >= quantum:
        number = number.quantize(quantum, rounding=ROUND_HALF_EVEN)
    if number == 0:
        return "0"
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace("-", MINUS)


def plain(value: Number | None) -> str:
    """A number as stored, without trailing zeros (GWP values, outputs, allocation inputs)."""
    return quantity(value, max_decimals=MAX_FACTOR_DECIMALS)


def allocation(fraction: Number | None) -> str:
    """An allocation factor in percent as entered, no trailing zeros (0.8333 → '83.33')."""
    if _missing(fraction):
        return DASH
    return plain(_decimal(fraction) * 100)


def integer(value: Number | None) -> str:
    """An output or count: '281,683' (decimals shown only if there are any)."""
    return quantity(value)


def general(value: Number | None) -> str:
    """A number of no fixed precision in a sentence: up to six significant digits, no
    trailing zeros (1.05, 0.000123, 2,500,000)."""
    if _missing(value):
        return DASH
    number = float(value)
    if number == 0 or not math.isfinite(number):
        return "0" if number == 0 else str(number)
    text = fixed(number, min(decimals_for_significant(number, 6), 12))
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("0", MINUS + "0") else text


# ----------------------------------------------------------------------------- factors
def value_decimals(value: Decimal | str | float | int | None) -> int | None:
    """The number of decimals a factor value is written with: '0.5500' → 4, 0.55 → 2, 3 → 0.

    A float has lost its written zeros; its shortest repr is the best guess. Returns None for
    a missing or unreadable value.
    """
    if value is None or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else _decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    return min(max(0, -exponent), MAX_FACTOR_DECIMALS)


def normalised_decimals(value: Decimal | float | None) -> int | None:
    """Decimals of a stored value without the column's padding: Decimal('0.5366000000') → 4."""
    if value is None:
        return None
    number = _decimal(value)
    if number == 0:
        return 0
    return value_decimals(number.normalize())


def factor_value(value: Number | None, decimals: int | None = None) -> str:
    """An emission factor with its published decimals (0.5500 → '0.5500'). Without them (a
    factor derived from fuel parameters, or a value of unknown precision) four significant
    digits (3.145)."""
    if _missing(value):
        return DASH
    if decimals is None:
        return significant(value, FACTOR_SIGNIFICANT)
    return fixed(value, decimals)


def implied_factor(value: Number | None, like_decimals: int | None = None) -> str:
    """The factor value that would reproduce a claim, printed like the factor it is compared
    with (its decimals), but with at least four significant digits (0.5568, 0.6814)."""
    if _missing(value):
        return DASH
    decimals = decimals_for_significant(value, FACTOR_SIGNIFICANT)
    if like_decimals is not None:
        decimals = max(decimals, like_decimals)
    return fixed(value, decimals)


def gwp(value: Number | None) -> str:
    """A GWP value as the IPCC table prints it (25,200; 27.9; 273)."""
    return plain(value)


def unit(text: str | None) -> str:
    """A unit as printed: subscript 2 in CO2, a middle dot for products (t*km → t·km)."""
    if not text:
        return ""
    return text.replace("CO2", "CO₂").replace("*", "·")


# ------------------------------------------------------------------------- dates, text
def date(value: dt.date | dt.datetime | None, language: str) -> str:
    """Chinese: 2025年4月2日 (GB/T 9704 style, no leading zeros); English: 2 April 2025."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if language.startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_EN_MONTHS[value.month - 1]} {value.year}"


def period(start: dt.date, end: dt.date, language: str) -> str:
    separator = "至" if language.startswith("zh") else " – "
    return f"{date(start, language)}{separator}{date(end, language)}"


def css_string(text: str) -> str:
    """A CSS string literal (quotes included) for generated page-margin content.

    Only our own translated labels go through here, but they are escaped anyway so that no
    translation can end the string or the rule.
    """
    escaped = "".join(
        ch if ch.isalnum() or ch in " /:·-_.,()（）" or ord(ch) > 0x7F else f"\\{ord(ch):06x}"
        for ch in text
    )
    return f'"{escaped}"'


def paragraphs(text: str) -> list[str]:
    """User text split into paragraphs on blank lines or line breaks (rendered escaped)."""
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n") if p.strip()]


def decimal_string(value: Number | None, decimals: int = KG_DECIMALS) -> str:
    """A number for machine exchange (PACT's decimal strings, `^[+-]?\\d+(\\.\\d+)?$`): the
    printed precision of its kind, no grouping, an ASCII minus, never "-0.000"."""
    if _missing(value):
        raise ValueError("no value")
    text = fixed(value, decimals, group=False).replace(MINUS, "-")
    return text
