"""Real-looking evidence files for the demo, made here (no binary fixtures in the repository):
an electricity bill (PDF), an electricity meter photo (PNG) and a fuel waybill summary (CSV).

Pillow draws the bill and the meter (it also writes the PDF: a one-page image PDF, like a
scanned bill); the CJK font is the system's Noto Sans/Serif CJK when present, else Pillow's
default font (the text is then Latin only)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
)


def _font(size: int):
    for path in _FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(), False


def electricity_bill_pdf(*, company: str, period: str, kwh: float, amount_yuan: float) -> bytes:
    """A one-page electricity bill (A5 landscape at 100 dpi), as a PDF."""
    page = Image.new("RGB", (827, 583), "white")
    draw = ImageDraw.Draw(page)
    title, cjk = _font(30)
    text, _ = _font(18)
    draw.rectangle((20, 20, 807, 563), outline=(40, 90, 160), width=3)
    heading = "国网电力 电费通知单" if cjk else "State Grid - Electricity bill"
    draw.text((40, 40), heading, font=title, fill=(40, 90, 160))
    lines = (
        (("户名", company), ("Customer", company)),
        (("计费期间", period), ("Period", period)),
        (("户号", "3100 2817 6645"), ("Account", "3100 2817 6645")),
        (("有功电量", f"{kwh:,.0f} kWh"), ("Active energy", f"{kwh:,.0f} kWh")),
        (("电价（平均）", "0.6800 元/kWh"), ("Average tariff", "0.6800 CNY/kWh")),
        (("应缴电费", f"{amount_yuan:,.2f} 元"), ("Amount due", f"{amount_yuan:,.2f} CNY")),
    )
    y = 110
    for zh, en in lines:
        label, value = zh if cjk else en
        draw.text((50, y), label, font=text, fill="black")
        draw.text((260, y), value, font=text, fill="black")
        draw.line((50, y + 32, 780, y + 32), fill=(210, 210, 210))
        y += 48
    draw.text((50, 520), "本通知单由演示数据生成 / generated demo document", font=text, fill=(120, 120, 120))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=100.0)
    return out.getvalue()


def meter_photo_png(*, reading: str) -> bytes:
    """A photo-like picture of an electricity meter showing `reading`."""
    image = Image.new("RGB", (480, 360), (182, 176, 164))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((60, 30, 420, 330), radius=18, fill=(235, 235, 228), outline=(90, 90, 90), width=4)
    draw.rectangle((100, 120, 380, 190), fill=(30, 40, 30))
    digits, _ = _font(44)
    draw.text((118, 126), reading, font=digits, fill=(120, 255, 140))
    small, _ = _font(16)
    draw.text((100, 70), "DDZY422-Z  kWh  220V 10(60)A", font=small, fill=(40, 40, 40))
    draw.text((100, 220), "1600 imp/kWh", font=small, fill=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def waybill_summary_csv(rows: list[tuple[str, str, float, float]]) -> bytes:
    """Waybills: (date, waybill number, tonnes, km) per line, UTF-8 with a BOM (as Excel saves)."""
    lines = ["日期,运单号,货重(t),运距(km),柴油(L)"]
    for date, number, tonnes, km in rows:
        lines.append(f"{date},{number},{tonnes:.2f},{km:.0f},{tonnes * km * 0.035:.1f}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")
