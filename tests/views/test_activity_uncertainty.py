"""The stage editor carries each row's distribution and data-quality ratings: saved when
consistent, shown with the error beside the field (and nothing typed lost) when not, and kept
when the row is saved again without them being touched."""

from decimal import Decimal

import pytest

from tests.views.test_activities import _post_data, _url

pytestmark = pytest.mark.django_db


@pytest.fixture
def lv(demo):
    from footprint.models import LifecycleStage

    return {s.stage: s for s in LifecycleStage.objects.filter(
        study_product__study__report_number="202508175GHG", study_product__product__code="LV")}


def _record(stage):
    from footprint.models import ActivityRecord

    return ActivityRecord.objects.filter(stage=stage).order_by("position", "id").first()


def test_a_distribution_and_ratings_are_saved_and_shown_again(auditor_client, lv):
    stage = lv["production"]
    record = _record(stage)
    low, high = ((record.quantity * Decimal(k)).quantize(Decimal("0.001")) for k in ("0.9", "1.2"))
    data = _post_data(stage, changes={record.pk: {
        "distribution": "triangular", "distribution_low": low, "distribution_high": high,
        "dq_reliability": "2", "dq_technological": "4"}})
    response = auditor_client.post(_url("production"), data)
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.distribution, record.distribution_low, record.dq_reliability,
            record.dq_technological, record.dq_temporal) == ("triangular", low, 2, 4, None)
    html = auditor_client.get(_url("production")).content.decode()
    assert '<option value="triangular" selected>' in html
    assert 'name="act-0-dq_technological"' in html and '<option value="4" selected>4</option>' in html


def test_an_inconsistent_distribution_is_an_error_beside_the_field_and_nothing_is_lost(auditor_client, lv):
    stage = lv["production"]
    record = _record(stage)
    data = _post_data(stage, changes={record.pk: {
        "name": "改过的名称", "distribution": "lognormal", "distribution_gsd2": "0.5"}})
    response = auditor_client.post(_url("production"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "GSD² 不能小于 1。" in html and 'value="0.5"' in html and 'value="改过的名称"' in html
    record.refresh_from_db()
    assert record.distribution == "" and record.name != "改过的名称"


def test_saving_a_row_without_touching_its_distribution_keeps_it(auditor_client, lv):
    stage = lv["production"]
    record = _record(stage)
    record.distribution, record.distribution_gsd2, record.dq_geographical = "lognormal", Decimal("1.3"), 3
    record.save()
    # the browser posts what the page shows: the row with its uncertainty inputs
    data = _post_data(stage, changes={record.pk: {
        "notes": "x", "distribution": "lognormal", "distribution_gsd2": "1.3", "dq_geographical": "3"}})
    assert auditor_client.post(_url("production"), data).status_code == 302
    record.refresh_from_db()
    assert (record.distribution, record.distribution_gsd2, record.dq_geographical, record.notes) == (
        "lognormal", Decimal("1.3"), 3, "x")

