"""The demo's data request in progress: some rows submitted, one rejected, some pending."""

import datetime as dt
from collections import Counter

import pytest

from footprint.models import DataRequest, Notice
from footprint.services.demo.data_request import REQUEST_REPORT, load_demo_data_request

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_request_in_progress(demo, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    study = load_demo_data_request(today=dt.date(2026, 3, 1))
    assert study.report_number == REQUEST_REPORT and study.status == "draft"
    data_request = DataRequest.objects.get(study=study)
    assert (data_request.status, data_request.due_date) == ("sent", dt.date(2026, 3, 15))
    assert Counter(data_request.rows.values_list("status", flat=True)) == {
        "pending": 3, "submitted": 2, "rejected": 1}
    rejected = data_request.rows.get(status="rejected")
    assert "十倍" in rejected.rejection_comment
    kinds = set(Notice.objects.filter(data_request=data_request).values_list("recipient__username", "kind"))
    assert {("client", "requested"), ("auditor", "submitted"), ("client", "rejected")} <= kinds
    files = {f.original_name: f.kind for f in data_request.study.evidence_files.all()}
    assert files == {"2025年电费通知单-LV车间.pdf": "pdf", "HV车间分表读数.png": "png",
                     "2025年成品运单汇总.csv": "csv"}
    assert data_request.rows.filter(evidence__isnull=False).count() == 3
    assert load_demo_data_request() is None  # idempotent
