"""How numbers, dates and shares are printed in the report, in one place.

The report must print every figure the same way everywhere (summary, tables, charts, text):
kgCO₂e with three decimals, shares with one decimal taken from the calculation service's
largest-remainder rounding (so a product's shares add up to exactly 100.0), quantities as
entered without trailing zeros. Plain functions, no Django: the context builder calls them.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

KG_DECIMALS = 3

_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def kg(value: float | Decimal | None, *, signed: bool = False) -> str:
    """kgCO₂e: three decimals, thousands grouped (e.g. 1,234.567). `−0.000` never appears."""
    if value is None:
        return "—"
    number = float(value)
    if abs(number) < 0.5 * 10**-KG_DECIMALS:
        number = 0.0
    text = f"{number:+,.{KG_DECIMALS}f}" if signed else f"{number:,.{KG_DECIMALS}f}"
    return text.replace("-", "−")


def share(value: Decimal | str | None) -> str:
    """A display share from the calculation service (already rounded to add up to 100.0)."""
    if value is None:
        return "—"
    return f"{Decimal(value):.1f}"


def percent(fraction: float | None, *, decimals: int = 1, signed: bool = False) -> str:
    """A fraction as percent text (0.0376 → '3.8'); for deviations and sensitivities."""
    if fraction is None or math.isnan(fraction):
        return "—"
    value = fraction * 100
    if abs(value) < 0.5 * 10**-decimals:
        value = 0.0
    text = f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
    return text.replace("-", "−")


def quantity(value: float | Decimal | None, *, max_decimals: int = 6) -> str:
    """An activity quantity as the auditor entered it: grouped, no trailing zeros."""
    if value is None:
        return "—"
    number = Decimal(str(value)) if not isinstance(value, Decimal) else value
    quantum = Decimal(1).scaleb(-max_decimals)
    number = number.quantize(quantum) if abs(number) >= quantum else number
    text = f"{number:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def factor_value(value: float | Decimal | None) -> str:
    """An emission factor to six significant figures (0.5366, 3.14515, 24,300)."""
    if value is None:
        return "—"
    number = float(value)
    if number == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(number)))
    decimals = max(0, 5 - magnitude)
    text = f"{number:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def integer(value: float | Decimal | None) -> str:
    if value is None:
        return "—"
    number = Decimal(str(value))
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return quantity(number)


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
