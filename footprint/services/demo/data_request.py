"""The demo's data request in progress (issue 15): study DEMO-DR, the seed company's 2025
footprint being collected. The demo auditor asked 中电华骋 for its 2025 activity data; the
contact (client) submitted some rows with their evidence (a bill, a meter photo, a waybill
summary: services/demo/evidence_files.py), one came back rejected with a comment, others
still wait. Every step goes through the services, so the inbox, e-mails and history are real.

Loaded by `manage.py load_demo` (not by services/demo/seed.load_demo, whose studies the tests
count on)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from django.db import transaction

from ...models import ActivityRecord, EmissionFactor, Study, User
from ..data_requests import requesting as R
from ..data_requests.evidence import row_evidence_add
from ..interchange.importing import import_file
from .seed import DEMO_DIR, SEED_REPORT

REQUEST_REPORT = "DEMO-DR"


def _document() -> bytes:
    """The seed report's products and factors as a new draft for 2025 (no claims: those are
    the printed figures of the 2024 report)."""
    document = json.loads((DEMO_DIR / f"{SEED_REPORT}.json").read_text(encoding="utf-8"))
    document.update(report_number=REQUEST_REPORT,
                    title="低压成套开关设备、高压成套开关设备产品碳足迹报告（2025 年度，数据收集中）",
                    reference_period={"start": "2025-01-01", "end": "2025-12-31"})
    for key in ("claims", "issue_date", "revision"):
        document.pop(key, None)
    for product in document["products"]:
        for activity in product["activities"]:
            activity.pop("claimed_kgco2e_per_unit", None)
    return json.dumps(document, ensure_ascii=False).encode()


@transaction.atomic
def load_demo_data_request(*, today: dt.date | None = None) -> Study | None:
    """Idempotent: nothing happens once DEMO-DR exists (or without the demo users)."""
    if Study.objects.filter(report_number=REQUEST_REPORT).exists():
        return None
    users = {u.username: u for u in User.objects.filter(username__in=("auditor", "lead", "client"))}
    if len(users) < 3:
        return None
    auditor, client = users["auditor"], users["client"]
    study = import_file(f"{REQUEST_REPORT}.json", _document(), user=auditor)
    study.auditors.add(auditor)
    Study.objects.filter(pk=study.pk).update(lead_verifier=users["lead"])
    study.refresh_from_db()
    today = today or dt.date.today()
    data_request = R.data_request_create(
        study=study, user=auditor, title="2025 年度能源与运输数据", due_date=today + dt.timedelta(days=14),
        message="请填写 2025 年全年数据，并附电费发票、燃油发票和运单。")
    products = {sp.product.code: sp for sp in study.study_products.select_related("product")}
    records = {(a.stage.study_product.product.code, a.stage.stage): a for a in ActivityRecord.objects.filter(
        stage__study_product__study=study).select_related("stage__study_product__product")}
    grid = EmissionFactor.objects.get(code="CN-GRID-2022", is_current=True)
    rows = {}
    for code, stage, name, evidence in (
        ("LV", "production", "生产用电", "2025 年 1—12 月电费发票"),
        ("HV", "production", "生产用电", "2025 年 1—12 月电费发票"),
        ("LV", "distribution", "成品运输柴油", "燃油发票、运单"),
        ("HV", "distribution", "成品运输柴油", "燃油发票、运单"),
        ("LV", "raw_material_transport", "原辅料运输柴油", "运单汇总"),
    ):
        rows[(code, stage)] = R.data_request_add_row(
            data_request=data_request, user=auditor, study_product=products[code], stage=stage, name=name,
            unit="", expected_evidence=evidence, hint="按报告期全年合计填写", activity=records[(code, stage)])
    rows["office"] = R.data_request_add_row(
        data_request=data_request, user=auditor, study_product=products["LV"], stage="production",
        name="办公楼用电", unit="MWh", expected_evidence="办公楼分表读数照片", factor=grid,
        hint="如办公楼与车间共用电表，请填写分摊后的数量并在说明中写明方法")
    R.data_request_send(data_request=data_request, user=auditor)
    R.data_request_submit(data_request=data_request, user=client, values=[
        R.RowValue(rows[("LV", "production")].pk, "392.4", "MWh", "电费发票 12 张"),
        R.RowValue(rows[("HV", "production")].pk, "301", "kWh", "分表读数"),
        R.RowValue(rows[("LV", "distribution")].pk, "951.2", "t", "燃油发票汇总"),
    ])
    # the company's evidence, stored like any upload (services/evidence: type from the content)
    from . import evidence_files as files

    for row, name, content in (
        (rows[("LV", "production")], "2025年电费通知单-LV车间.pdf",
         files.electricity_bill_pdf(company=study.company.name, account="3100281766",
                                    period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31),
                                    kwh=Decimal("392400"))),
        (rows[("HV", "production")], "HV车间分表读数.png",
         files.meter_photo_png(reading=Decimal("30100"), meter_number="3301002245")),
        (rows[("LV", "distribution")], "2025年成品运单汇总.csv", files.waybill_csv([
            (dt.date(2025, 3, 12), "YD250312-017", "杭州", "西安", "低压开关柜", Decimal("31.50"), Decimal("1180")),
            (dt.date(2025, 7, 8), "YD250708-004", "杭州", "武汉", "低压开关柜", Decimal("28.20"), Decimal("960")),
            (dt.date(2025, 11, 21), "YD251121-031", "杭州", "成都", "低压开关柜", Decimal("35.40"), Decimal("1420"))])),
    ):
        row_evidence_add(row=row, user=client, upload=content, filename=name)
    R.data_request_reject(row=rows[("LV", "distribution")], user=auditor,
                          comment="951.2 t 与运单汇总（约 95.1 t）相差十倍，请核对单位后重新提交。")
    return study
