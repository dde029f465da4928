"""Real-looking evidence files for the demo and the tests: an electricity bill (PDF), a meter
photo (PNG), a waybill (CSV) and a bill of materials (XLSX). The data are fictional, like the
demo companies; the files are what a company's people upload (docs/evidence.md).

The bill and the photo are drawn with Pillow (the bill saved as a one-page PDF, as a scanned
bill is; reports/pdf.py stays the only WeasyPrint user); the workbook is written with openpyxl.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache


@dataclass(frozen=True)
class DemoEvidence:
    filename: str
    data: bytes
    description: str


# Debian's fonts-noto-cjk (scripts/setup.sh installs it for the reports too).
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _font(size: int):
    from PIL import ImageFont

    try:
        return ImageFont.truetype(CJK_FONT, size)
    except OSError:  # without the font the bill still renders, in the default face
        return ImageFont.load_default(size=size)


def electricity_bill_pdf(*, company: str, account: str, period_start: dt.date, period_end: dt.date,
                         kwh: Decimal, price_per_kwh: Decimal = Decimal("0.6523"),
                         supplier: str = "国网浙江省电力有限公司杭州供电公司") -> bytes:
    """A monthly electricity bill as a company scans it: one A4 page drawn with Pillow and
    saved as PDF (reports/pdf.py stays the only WeasyPrint user). Its figures are also in the
    PDF's subject, for whoever reads it without looking."""
    from PIL import Image, ImageDraw

    amount = (kwh * price_per_kwh).quantize(Decimal("0.01"))
    start_reading = Decimal("184523.6")
    page = Image.new("RGB", (1240, 1754), "white")  # A4 at 150 dpi
    draw = ImageDraw.Draw(page)
    title, text, small = _font(40), _font(26), _font(22)
    draw.text((90, 90), f"{supplier} 电费通知单", font=title, fill=(11, 83, 148))
    draw.text((90, 150), f"Electricity bill · 账单编号 EB-{account}-{period_end:%Y%m}", font=small, fill=(90, 90, 90))
    lines = [
        ("户名", company), ("户号", account),
        ("计费周期", f"{period_start:%Y-%m-%d} 至 {period_end:%Y-%m-%d}"), ("用电类别", "大工业用电"),
        ("上次示数", f"{start_reading:,.1f}"), ("本次示数", f"{start_reading + kwh:,.1f}"),
    ]
    y = 230
    for label, value in lines:
        draw.rectangle((90, y, 1150, y + 50), outline=(150, 150, 150))
        draw.text((110, y + 10), label, font=text, fill=(40, 40, 40))
        draw.text((360, y + 10), value, font=text, fill=(20, 20, 20))
        y += 50
    y += 40
    draw.text((110, y), "时段        电量 (kWh)        电价 (元/kWh)        金额 (元)", font=text, fill=(40, 40, 40))
    for name, share in (("峰时段", Decimal("0.42")), ("平时段", Decimal("0.35")), ("谷时段", Decimal("0.23"))):
        y += 48
        q = kwh * share
        draw.text((110, y), f"{name}      {q:>12,.1f}      {price_per_kwh:>10}      {q * price_per_kwh:>12,.2f}",
                  font=text, fill=(20, 20, 20))
    y += 90
    draw.text((110, y), f"本期用电量：{kwh:,.1f} kWh    应缴电费：¥ {amount:,.2f}", font=title, fill=(0, 0, 0))
    y += 80
    draw.text((110, y), f"请于 {period_end + dt.timedelta(days=15):%Y-%m-%d} 前缴清电费。本通知单为演示数据，非真实账单。",
              font=small, fill=(90, 90, 90))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=150.0, title=f"电费通知单 {period_end:%Y-%m}", author=supplier,
              subject=f"{company} {period_start:%Y-%m-%d}..{period_end:%Y-%m-%d} {kwh} kWh {amount} CNY")
    return out.getvalue()


def meter_photo_png(*, reading: Decimal, meter_number: str, seed: int = 7) -> bytes:
    """A photo of an electricity meter's display: a grey housing, the reading in a dark LCD,
    a little noise and a slight tilt, as a phone would take it."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = random.Random(seed)
    photo = Image.new("RGB", (960, 720), (118, 112, 104))
    draw = ImageDraw.Draw(photo)
    draw.rounded_rectangle((150, 110, 810, 610), radius=40, fill=(214, 214, 208), outline=(60, 60, 60), width=6)
    draw.rectangle((220, 210, 740, 350), fill=(38, 52, 40))
    big = ImageFont.load_default(size=88)
    small = ImageFont.load_default(size=30)
    draw.text((245, 228), f"{reading:09.1f}", font=big, fill=(170, 235, 160))
    draw.text((560, 370), "kWh", font=small, fill=(30, 30, 30))
    draw.text((220, 430), f"No. {meter_number}", font=small, fill=(30, 30, 30))
    draw.text((220, 480), "DTZY341  3x220/380V  1.5(6)A", font=small, fill=(30, 30, 30))
    pixels = photo.load()
    for _ in range(9000):  # sensor noise
        x, y = rng.randrange(960), rng.randrange(720)
        r, g, b = pixels[x, y]
        d = rng.randint(-18, 18)
        pixels[x, y] = (max(0, min(255, r + d)), max(0, min(255, g + d)), max(0, min(255, b + d)))
    photo = photo.rotate(2.5, resample=Image.Resampling.BICUBIC, fillcolor=(118, 112, 104))
    photo = photo.filter(ImageFilter.GaussianBlur(0.6))
    out = io.BytesIO()
    photo.save(out, "PNG", optimize=True)
    return out.getvalue()


WAYBILL_HEADER = ("日期", "运单号", "起运地", "目的地", "货物", "重量 (t)", "距离 (km)", "吨公里 (t·km)")


def waybill_csv(rows: list[tuple[dt.date, str, str, str, str, Decimal, Decimal]]) -> bytes:
    """A carrier's waybill export (UTF-8 with BOM, as Excel in Chinese opens it): one line per
    shipment with its tonne-kilometres."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(WAYBILL_HEADER)
    for day, number, origin, destination, goods, tonnes, km in rows:
        writer.writerow((day.isoformat(), number, origin, destination, goods, f"{tonnes}", f"{km}",
                         f"{(tonnes * km).quantize(Decimal('0.1'))}"))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def bom_xlsx(*, product: str, rows: list[tuple[str, str, Decimal, str]]) -> bytes:
    """A bill of materials: part number, material, mass per unit, supplier."""
    import openpyxl
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "BOM"
    sheet.append([f"物料清单（BOM）：{product}"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    sheet.append(["物料编码", "材料", "单台用量 (kg)", "供应商"])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for part, material, kg, supplier in rows:
        sheet.append([part, material, float(kg), supplier])
    sheet.append(["合计", "", f"=SUM(C4:C{3 + len(rows)})", ""])
    for column, width in zip("ABCD", (16, 22, 16, 28), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@lru_cache(maxsize=8)
def demo_evidence(*, company: str = "杭州示范电气有限公司（演示企业）", product: str = "SF6 气体绝缘环网柜",
                  year: int = 2024) -> tuple[DemoEvidence, ...]:
    """The demo set: a December electricity bill, the meter photo, a waybill of raw-material
    deliveries and the product's bill of materials. Drawn once per process for the same
    arguments (the photo and the bill take a second to draw and compress)."""
    kwh = Decimal("38640.0")
    bill = electricity_bill_pdf(company=company, account="3301829456", period_start=dt.date(year, 12, 1),
                                period_end=dt.date(year, 12, 31), kwh=kwh)
    photo = meter_photo_png(reading=Decimal("184523.6") + kwh, meter_number="33018-2024-0457")
    waybill = waybill_csv([
        (dt.date(year, 3, 4), f"YD{year}0304-017", "宁波北仑港", "杭州钱塘区", "冷轧钢板", Decimal("18.4"), Decimal("182")),
        (dt.date(year, 5, 12), f"YD{year}0512-009", "上海宝山", "杭州钱塘区", "铜排", Decimal("6.2"), Decimal("196")),
        (dt.date(year, 8, 21), f"YD{year}0821-031", "苏州吴江", "杭州钱塘区", "环氧树脂绝缘件", Decimal("3.5"), Decimal("158")),
    ])
    bom = bom_xlsx(product=product, rows=[
        ("RMU-ST-001", "冷轧钢板", Decimal("412.5"), "宝山钢铁股份有限公司"),
        ("RMU-CU-014", "T2 铜排", Decimal("68.2"), "上海某铜业有限公司"),
        ("RMU-EP-203", "环氧树脂", Decimal("21.4"), "苏州某绝缘材料有限公司"),
        ("RMU-SF-001", "SF₆ 气体", Decimal("1.8"), "某特种气体有限公司"),
    ])
    return (
        DemoEvidence(f"电费通知单_{year}12.pdf", bill, f"{year} 年 12 月电费通知单"),
        DemoEvidence("电表照片.png", photo, f"{year} 年 12 月 31 日电表示数"),
        DemoEvidence(f"原材料运单_{year}.csv", waybill, f"{year} 年原材料运输运单汇总"),
        DemoEvidence("物料清单_BOM.xlsx", bom, f"{product} 物料清单"),
    )


def attach_demo_evidence(study, *, user=None) -> list:
    """Upload the demo set to a draft study through the evidence service: the bill and the
    meter photo to its first electricity activity, the waybill to its first transport activity,
    the bill of materials to its first raw-material activity (to the study when it has none).

    Not called by `load_demo`: the demo's recorded fixtures replay database rows, not stored
    files. The data request demo (a new demo study) uses it."""
    from ...choices import FactorCategory
    from ...models import ActivityRecord
    from ..evidence.storage import evidence_add

    rows = list(ActivityRecord.objects.filter(stage__study_product__study=study)
                .select_related("factor", "stage__study_product").order_by("pk"))

    def first(category):
        return next((a for a in rows if a.factor.category == category), None)

    targets = [first(FactorCategory.ELECTRICITY), first(FactorCategory.ELECTRICITY),
               first(FactorCategory.TRANSPORT), first(FactorCategory.MATERIAL)]
    return [evidence_add(study=study, upload=e.data, filename=e.filename, user=user, activity=target,
                         description=e.description)
            for e, target in zip(demo_evidence(company=study.company.name), targets, strict=True)]
