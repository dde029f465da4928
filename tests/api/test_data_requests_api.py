"""Data requests through the API: scoped like the pages (another company's contact gets 404),
company contacts submit values (errors by row), nobody else does (403)."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from footprint.models import ActivityRecord, DataRequestRow
from footprint.services.data_requests import requesting as R

NUMBER = "202508175GHG"
pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(seed_study, demo_users):
    auditor = demo_users["auditor"]
    hv = seed_study.study_products.get(product__code="HV")
    production = ActivityRecord.objects.get(stage__study_product=hv, stage__stage="production")
    dr = R.data_request_create(study=seed_study, user=auditor, title="能源", due_date=dt.date(2030, 1, 1))
    row = R.data_request_add_row(data_request=dr, user=auditor, study_product=hv, stage="production",
                                 name="生产用电", unit="", activity=production)
    R.data_request_send(data_request=dr, user=auditor)
    return dr, row


def _as(client, user):
    client.force_login(user)
    return client


def test_the_list_and_the_request_are_scoped(client, sent, demo_users):
    dr, row = sent
    ids = lambda who: [r["id"] for r in _as(client, demo_users[who]).get(reverse("api_data_request_list")).json()]  # noqa: E731
    assert ids("client") == [dr.pk] and ids("auditor") == [dr.pk]
    assert ids("client2") == []
    url = reverse("api_data_request_detail", args=[NUMBER, dr.pk])
    assert _as(client, demo_users["client2"]).get(url).status_code == 404
    data = _as(client, demo_users["client"]).get(url).json()
    assert data["rows"][0]["name"] == "生产用电" and data["rows"][0]["unit"] == "kWh"


def test_a_contact_submits_values_and_others_cannot(client, sent, demo_users):
    dr, row = sent
    url = reverse("api_data_request_submit", args=[NUMBER, dr.pk])

    def post(who, values):
        return _as(client, demo_users[who]).post(url, json.dumps({"values": values}),
                                                 content_type="application/json")

    assert post("client2", [{"row": row.pk, "quantity": "1"}]).status_code == 404
    assert post("auditor", [{"row": row.pk, "quantity": "1"}]).status_code == 403
    bad = post("client", [{"row": row.pk, "quantity": "300", "unit": "kg"}])
    assert bad.status_code == 400 and bad.json()["rows"][str(row.pk)][0]["field"] == "unit"
    ok = post("client", [{"row": row.pk, "quantity": "0.3", "unit": "MWh", "note": "电费单"}])
    assert ok.status_code == 200, ok.content
    assert ok.json()["rows"][0]["status"] == "submitted" and ok.json()["status"] == "submitted"
    assert DataRequestRow.objects.get(pk=row.pk).supplied_by == demo_users["client"]
