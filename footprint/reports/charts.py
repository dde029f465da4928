"""Server-rendered SVG charts: the same markup on the results page and in the PDF.

Plain data in (labels, values), an SVG string out. Written by hand rather than with a plotting
library because the output must be small, vector, deterministic, render identically in
browsers and WeasyPrint, and use the report's CJK font; matplotlib would bring a 40 MB
dependency and embed glyph paths instead of text.
Labels are escaped: they may come from user-entered activity names.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from ..services import formatting as F

# The CJK font first; DejaVu Sans supplies the subscript digits of "CO₂" that Noto CJK lacks.
FONT_STACK = (
    "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', "
    "'DejaVu Sans', sans-serif"
)
# Colour-blind-safe palette (Okabe–Ito), one colour per lifecycle stage in report order.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999")


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: not included (no bar; `note` says so instead of a number)
    note: str = ""  # printed after the value, e.g. "84.7 %"


def _fmt(value: float) -> str:
    """A bar's kgCO₂e, printed as in the tables beside the chart."""
    return F.kg(value)


def _char_width(ch: str) -> float:
    """Width in CJK characters: Latin letters are a little over half as wide."""
    return 1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6


def _truncate(text: str, limit: float) -> str:
    if sum(_char_width(ch) for ch in text) <= limit:
        return text
    kept, used = [], 0.0
    for ch in text:
        used += _char_width(ch)
        if used > limit - 1:
            break
        kept.append(ch)
    return "".join(kept) + "…"


def wrap_label(text: str, limit: float, *, max_lines: int = 3) -> list[str]:
    """Break a bar label into lines of about `limit` CJK characters of width: at spaces for
    words, anywhere between CJK characters. Labels are wrapped, not cut, so that two long
    names that start alike stay distinguishable; only a label longer than `max_lines` lines
    is shortened, in its last line."""
    lines: list[str] = []
    current, used = "", 0.0
    cjk = any(_char_width(ch) == 1.0 for ch in text)
    tokens, joiner = (list(text), "") if cjk else (text.split(" "), " ")
    for token in tokens:
        width = sum(_char_width(ch) for ch in token) + (0.6 if joiner and current else 0)
        if current and used + width > limit:
            lines.append(current)
            current, used = token, sum(_char_width(ch) for ch in token)
        else:
            current = f"{current}{joiner}{token}" if current else token
            used += width
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [_truncate(joiner.join(lines[max_lines - 1:]), limit)]
    return lines


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
    line_height, top = 14, 34 if title else 8
    label_lines = [wrap_label(b.label, 16) for b in bars]
    rows = [max(30, 14 * len(lines) + 12) for lines in label_lines]
    height = top + sum(rows) + 26
    plot_width = width - label_width - 150
    largest = max((b.value for b in bars if b.value is not None), default=0.0)
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
        f'<line x1="{axis_x}" y1="{top - 4}" x2="{axis_x}" y2="{top + sum(rows)}" stroke="#666" stroke-width="1"/>'
    )
    y = top
    for i, (bar, lines, row) in enumerate(zip(bars, label_lines, rows, strict=True)):
        middle = y + row / 2 + 4  # the baseline that centres one line of 12 px text
        first = middle - (len(lines) - 1) * line_height / 2
        for n, line in enumerate(lines):
            parts.append(f'<text x="{axis_x - 8}" y="{first + n * line_height:.1f}" '
                         f'text-anchor="end">{escape(line)}</text>')
        if bar.value is None:
            parts.append(f'<text x="{axis_x + 6}" y="{middle:.1f}" fill="#777">{escape(bar.note)}</text>')
            y += row
            continue
        length = 0.0 if largest <= 0 else max(bar.value, 0) / largest * plot_width
        color = colors[i % len(colors)]
        parts.append(
            f'<rect x="{axis_x}" y="{y + row / 2 - 10:.1f}" width="{length:.2f}" height="20" fill="{color}">'
            f"<title>{escape(bar.label)}: {_fmt(bar.value)} {escape(unit)}</title></rect>"
        )
        value_text = f"{_fmt(bar.value)}" + (f"  ({escape(bar.note)})" if bar.note else "")
        parts.append(f'<text x="{axis_x + length + 6:.2f}" y="{middle:.1f}">{value_text}</text>')
        y += row
    parts.append(
        f'<text x="{axis_x}" y="{height - 6}" fill="#555" font-size="11">{escape(unit)}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def stage_chart(stages: list[tuple[str, float | None, Decimal | str]], *, title: str = "",
                unit: str = "kgCO₂e", chart_id: str = "stages") -> str:
    """One bar per lifecycle stage: (label, kgCO₂e, share in %), or (label, None, text) for a
    stage not included, which prints the text instead of a bar."""
    bars = [Bar(label, value, F.share_text(share) if value is not None else share)
            for label, value, share in stages]
    return horizontal_bar_chart(bars, title=title, unit=unit, chart_id=chart_id)


def contributors_chart(items: list[tuple[str, float]], *, title: str = "", unit: str = "kgCO₂e",
                       chart_id: str = "contributors") -> str:
    """The largest contributors (activities), largest first, in one colour."""
    bars = [Bar(label, value) for label, value in items]
    return horizontal_bar_chart(bars, title=title, unit=unit, colors=(PALETTE[0],), chart_id=chart_id)


def _wrap(label: str, limit: int) -> list[str]:
    """Split a stage label into short lines: CJK by characters (at a bracket if there is one),
    other scripts by words."""
    if len(label) <= limit:
        return [label]
    if any(ord(ch) > 0x2E80 for ch in label):
        if "（" in label:
            head, _sep, tail = label.partition("（")
            return [head, "（" + tail]
        return [label[n:n + limit] for n in range(0, len(label), limit)]
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= limit * 2:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def boundary_diagram(stages: list[tuple[str, bool]], *, boundary_label: str = "",
                     excluded_label: str = "", width: int = 640, chart_id: str = "boundary") -> str:
    """The product system: the included lifecycle stages in order, joined by arrows, inside
    the dashed system boundary; the stages left out are drawn dashed and grey in a row below,
    outside the frame, under `excluded_label`."""
    included = [label for label, inside in stages if inside]
    excluded = [label for label, inside in stages if not inside]
    n = max(len(stages), 1)
    gap, left, top = 16, 10, 34
    box_w = (width - 2 * left - gap * (n - 1)) / n
    box_h = 64
    frame_w = max(len(included), 1) * (box_w + gap) - gap + 2 * left - 4
    out_top = top + box_h + 44  # the excluded row starts below the frame
    height = (out_top + box_h + 8) if excluded else (top + box_h + 20)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title" font-family="{escape(FONT_STACK)}" '
        f'font-size="11" class="pcf-chart">',
        f'<title id="{chart_id}-title">{escape(boundary_label)}</title>',
        f'<rect x="2" y="{top - 22}" width="{frame_w:.1f}" height="{box_h + 32}" fill="none" '
        f'stroke="#0072B2" stroke-width="1.2" stroke-dasharray="6 4" rx="6"/>',
        f'<text x="10" y="{top - 8}" font-size="12" fill="#0072B2">{escape(boundary_label)}</text>',
    ]

    def box(x: float, y: float, label: str, inside: bool) -> None:
        fill, stroke, dash, color = (
            ("#E8F1F8", "#0072B2", "", "#111") if inside else ("#F4F4F4", "#999", ' stroke-dasharray="4 3"', "#777")
        )
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{box_w:.1f}" height="{box_h}" rx="4" '
                     f'fill="{fill}" stroke="{stroke}"{dash}/>')
        lines = _wrap(label, 6)
        start = y + box_h / 2 - (len(lines) - 1) * 7 + 4
        for j, line in enumerate(lines):
            parts.append(f'<text x="{x + box_w / 2:.1f}" y="{start + j * 14:.1f}" text-anchor="middle" '
                         f'fill="{color}">{escape(line)}</text>')

    for i, label in enumerate(included):
        x = left + i * (box_w + gap)
        box(x, top, label, True)
        if i < len(included) - 1:
            ax, ay = x + box_w + 2, top + box_h / 2
            parts.append(f'<path d="M{ax:.1f} {ay:.1f} h{gap - 6:.1f} m-4 -3 l4 3 l-4 3" fill="none" '
                         f'stroke="#555" stroke-width="1.2"/>')
    if excluded:
        parts.append(f'<text x="10" y="{out_top - 8}" fill="#555">{escape(excluded_label)}</text>')
        for i, label in enumerate(excluded):
            box(left + i * (box_w + gap), out_top, label, False)
    parts.append("</svg>")
    return "".join(parts)


def histogram_chart(edges: tuple[float, ...], counts: tuple[int, ...], *, marks: list[tuple[str, float, str]],
                    title: str = "", unit: str = "kgCO₂e", width: int = 640,
                    chart_id: str = "histogram") -> str:
    """Monte Carlo draws of a total as columns, with vertical marks (label, value, kind):
    kind "deterministic" is drawn solid and dark, "interval" dashed (the 2.5 / 97.5 %
    percentiles). Marks outside the drawn range sit on its edge."""
    top, left, right, bottom = (34 if title else 8), 12, 12, 46
    plot_h, plot_w = 140, width - left - right
    height = top + plot_h + bottom
    low, high = (edges[0], edges[-1]) if edges else (0.0, 1.0)
    span = (high - low) or 1.0
    tallest = max(counts, default=0) or 1

    def x_of(value: float) -> float:
        return left + min(max((value - low) / span, 0.0), 1.0) * plot_w

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title" font-family="{escape(FONT_STACK)}" '
        f'font-size="11" class="pcf-chart pcf-histogram">',
        f'<title id="{chart_id}-title">{escape(title or unit)}</title>',
    ]
    if title:
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold">{escape(title)}</text>')
    base_y = top + plot_h
    for i, count in enumerate(counts):
        x0, x1 = x_of(edges[i]), x_of(edges[i + 1])
        h = count / tallest * plot_h
        parts.append(
            f'<rect x="{x0:.2f}" y="{base_y - h:.2f}" width="{max(x1 - x0 - 1, 0.5):.2f}" '
            f'height="{h:.2f}" fill="{PALETTE[4]}"><title>{_fmt(edges[i])} – {_fmt(edges[i + 1])}: '
            f'{count}</title></rect>'
        )
    parts.append(f'<line x1="{left}" y1="{base_y}" x2="{left + plot_w}" y2="{base_y}" stroke="#666"/>')
    for label, value, kind in marks:
        x = x_of(value)
        dash = ' stroke-dasharray="4 3"' if kind == "interval" else ""
        color = "#D55E00" if kind == "deterministic" else "#333"
        parts.append(
            f'<line x1="{x:.2f}" y1="{top - 2}" x2="{x:.2f}" y2="{base_y}" stroke="{color}" '
            f'stroke-width="{2 if kind == "deterministic" else 1}"{dash} data-mark="{escape(kind)}">'
            f'<title>{escape(label)}: {_fmt(value)}</title></line>'
        )
    # Axis: the deterministic value and the interval's ends, under their marks.
    for n, (label, value, kind) in enumerate(marks):
        x = x_of(value)
        anchor = "middle" if kind == "deterministic" else ("end" if n == 1 else "start")
        y = base_y + (14 if kind == "deterministic" else 28)
        parts.append(f'<text x="{x:.2f}" y="{y}" text-anchor="{anchor}" fill="#333">'
                     f'{escape(label)} {_fmt(value)}</text>')
    parts.append(f'<text x="{left + plot_w}" y="{height - 4}" text-anchor="end" fill="#555">'
                 f'{escape(unit)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def tornado_chart(items: list[tuple[str, float, float]], *, title: str = "", width: int = 640,
                  label_width: int = 200, left_label: str = "", right_label: str = "",
                  chart_id: str = "tornado") -> str:
    """Contribution to variance (label, share as a fraction, signed correlation), largest
    first: a bar to the right for an input that raises the total when it rises, to the left
    for one that lowers it; the bar's length is its share."""
    top = 34 if title else 8
    # labels wrap (like the bar charts), each row as tall as its label
    label_lines = [wrap_label(label, 16) for label, _s, _r in items]
    rows = [max(26, 14 * len(lines) + 10) for lines in label_lines]
    height = top + sum(rows) + 30
    half = (width - label_width - 20) / 2
    axis_x = label_width + half
    largest = max((share for _l, share, _r in items), default=0.0) or 1.0
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{chart_id}-title" font-family="{escape(FONT_STACK)}" '
        f'font-size="12" class="pcf-chart pcf-tornado">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if title:
        parts.append(f'<text x="0" y="18" font-size="14" font-weight="bold">{escape(title)}</text>')
    y = top
    for (label, share, r), lines, row in zip(items, label_lines, rows, strict=True):
        length = share / largest * (half - 60)
        x = axis_x if r >= 0 else axis_x - length
        color = PALETTE[0] if r >= 0 else PALETTE[5]
        middle = y + row / 2 + 4
        first = middle - (len(lines) - 1) * 7
        for n, line in enumerate(lines):
            parts.append(f'<text x="{label_width - 8}" y="{first + n * 14:.1f}" text-anchor="end">'
                         f'{escape(line)}</text>')
        parts.append(f'<rect x="{x:.2f}" y="{y + row / 2 - 9:.1f}" width="{length:.2f}" height="18" fill="{color}">'
                     f'<title>{escape(label)}: {F.percent_text(share)}</title></rect>')
        text_x, anchor = (axis_x + length + 4, "start") if r >= 0 else (axis_x - length - 4, "end")
        parts.append(f'<text x="{text_x:.2f}" y="{middle:.1f}" text-anchor="{anchor}">{F.percent_text(share)}</text>')
        y += row
    parts.append(f'<line x1="{axis_x:.2f}" y1="{top}" x2="{axis_x:.2f}" y2="{top + sum(rows)}" '
                 f'stroke="#666"/>')
    foot = top + sum(rows) + 18
    if left_label:
        parts.append(f'<text x="{axis_x - 6:.2f}" y="{foot}" text-anchor="end" fill="#555" font-size="11">'
                     f'{escape(left_label)}</text>')
    if right_label:
        parts.append(f'<text x="{axis_x + 6:.2f}" y="{foot}" fill="#555" font-size="11">{escape(right_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
