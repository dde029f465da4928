"""The draft watermark as outlines, not text.

Printed as text, "草稿 / DRAFT" became part of every page's text layer: copying a paragraph or
running pdftotext scattered its letters through the body. Drawn as SVG paths from the glyphs
of the report's own CJK font (fontTools), it looks the same and carries no text at all.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

# The bold face of the report's CJK font; index 2 of the collection is Simplified Chinese.
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"
FONT_INDEX = 2
LETTER_SPACING = 0.06  # of the em
SIZE_PT = 62  # the em of the drawn text


@lru_cache(maxsize=1)
def _face():
    from fontTools.ttLib import TTFont

    return TTFont(FONT, fontNumber=FONT_INDEX, lazy=True)


@lru_cache(maxsize=8)
def watermark_svg(text: str) -> str:
    """An inline SVG of `text` drawn with glyph outlines, sized by its viewBox (font units)."""
    from fontTools.pens.svgPathPen import SVGPathPen
    from fontTools.pens.transformPen import TransformPen

    face = _face()
    glyphs = face.getGlyphSet()
    cmap = face.getBestCmap()
    units = face["head"].unitsPerEm
    ascent, descent = face["hhea"].ascent, face["hhea"].descent
    paths, x = [], 0.0
    for ch in text:
        name = cmap.get(ord(ch))
        if name is None:
            x += units / 2
            continue
        pen = SVGPathPen(glyphs)
        # glyph space is y-up; SVG is y-down: flip around the baseline, then move to x
        glyphs[name].draw(TransformPen(pen, (1, 0, 0, -1, x, ascent)))
        commands = pen.getCommands()
        if commands:
            paths.append(commands)
        x += glyphs[name].width + units * LETTER_SPACING
    width, height = max(x, 1), ascent - descent
    scale = SIZE_PT / units
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height}" '
            f'width="{width * scale:.1f}pt" height="{height * scale:.1f}pt" '
            f'class="watermark-art" aria-hidden="true">'
            f'<path fill="#B22222" fill-opacity="0.11" d="{escape(" ".join(paths))}"/></svg>')
