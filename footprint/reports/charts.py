"""Server-rendered SVG charts: the same markup on the results page and in the PDF.

Plain data in (labels, values), an SVG string out. Written by hand rather than with a plotting
library because the output must be small, vector, deterministic, render identically in
browsers and WeasyPrint, and use the report's CJK font; matplotlib would bring a 40 MB
dependency and embed glyph paths instead of text.
Labels are escaped: they may come from user-entered activity names.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape

FONT_STACK = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', sans-serif"
# Colour-blind-safe palette (Okabe–Ito), one colour per lifecycle stage in report order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    note: str = ""  # printed after the value, e.g. "84.7 %"


def _fmt(value: float) -> str:
    return f"{value:,.3f}"


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def horizontal_bar_chart(
    bars: list[Bar],
    *,
    title: str = "",
    unit: str = "kgCO₂e",
    width: int = 640,
    label_width: int = 190,
    colors: tuple[str, ...] = PALETTE,
    chart_id: str = "chart",
) -> str:
    """Horizontal bars with value labels; suits long CJK stage and activity names."""
    row, top = 30, 34 if title else 8
    height = top + row * max(len(bars), 1) + 26
    plot_width = width - label_width - 150
    largest = max((b.value for b in bars), default=0.0)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{chart_id}-title" '
        f'font-family="{escape(FONT_STACK)}" font-size="12" class="pcf-chart">',
        f'<title id="{chart_id}-title">{escape(title or unit)}</title>',
    ]
    if title:
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold">{escape(title)}</text>')
    axis_x = label_width
    parts.append(
        f'<line x1="{axis_x}" y1="{top - 4}" x2="{axis_x}" y2="{top + row * len(bars)}" stroke="#666" stroke-width="1"/>'
    )
    for i, bar in enumerate(bars):
        y = top + i * row
        length = 0.0 if largest <= 0 else max(bar.value, 0) / largest * plot_width
        color = colors[i % len(colors)]
        parts.append(
            f'<text x="{axis_x - 8}" y="{y + 17}" text-anchor="end">{escape(_truncate(bar.label, 16))}</text>'
        )
        parts.append(
            f'<rect x="{axis_x}" y="{y + 5}" width="{length:.2f}" height="{row - 10}" fill="{color}">'
            f"<title>{escape(bar.label)}: {_fmt(bar.value)} {escape(unit)}</title></rect>"
        )
        value_text = f"{_fmt(bar.value)}" + (f"  ({escape(bar.note)})" if bar.note else "")
        parts.append(f'<text x="{axis_x + length + 6:.2f}" y="{y + 17}">{value_text}</text>')
    parts.append(
        f'<text x="{axis_x}" y="{height - 6}" fill="#555" font-size="11">{escape(unit)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def stage_chart(stages: list[tuple[str, float, Decimal | str]], *, title: str = "",
                unit: str = "kgCO₂e", chart_id: str = "stages") -> str:
    """One bar per lifecycle stage: (label, kgCO₂e, share in %)."""
    bars = [Bar(label, value, f"{share} %") for label, value, share in stages]
    return horizontal_bar_chart(bars, title=title, unit=unit, chart_id=chart_id)


def contributors_chart(items: list[tuple[str, float]], *, title: str = "", unit: str = "kgCO₂e",
                       chart_id: str = "contributors") -> str:
    """The largest contributors (activities), largest first, in one colour."""
    bars = [Bar(label, value) for label, value in items]
    return horizontal_bar_chart(bars, title=title, unit=unit, colors=(PALETTE[0],), chart_id=chart_id)
