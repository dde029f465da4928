"""Pages keep a study's results in the cache under its data version: a page viewed again
neither reads the rows nor calculates; any write the calculation would see shows at once."""

import pytest
from django.urls import reverse

from footprint.models import ActivityRecord, Study
from footprint.services import results as results_service
from footprint.services.calculation import study as calculation

pytestmark = pytest.mark.django_db
SEED = "202508175GHG"


@pytest.fixture
def cached(settings):
    settings.STUDY_RESULTS_CACHE_SECONDS = 600
    results_service._RESULTS.clear()
    yield
    results_service._RESULTS.clear()


@pytest.fixture
def calculations(monkeypatch):
    calls = []
    real = calculation.calculate_study

    def counting(study_input):
        calls.append(study_input)
        return real(study_input)

    monkeypatch.setattr(results_service, "calculate_study", counting)
    return calls


@pytest.mark.parametrize("page", ["dashboard", "study_results", "study_detail"])
def test_a_page_viewed_again_does_not_calculate(cached, calculations, auditor_client, page):
    url = reverse(page) if page == "dashboard" else reverse(page, args=[SEED])
    assert auditor_client.get(url).status_code == 200
    first = len(calculations)
    assert first >= 1
    assert auditor_client.get(url).status_code == 200
    assert len(calculations) == first  # read from the cache


def test_a_save_shows_at_once(cached, auditor_client):
    from footprint.services.entry.activities import stage_activities_save

    url = reverse("study_results", args=[SEED])
    before = auditor_client.get(url).content.decode()
    record = ActivityRecord.objects.filter(stage__study_product__study__report_number=SEED,
                                           quantity__gt=0).first()
    totals = lambda r: [p.total_kgco2e for p in r.products]  # noqa: E731
    total = totals(results_service.cached_study_result(Study.objects.get(report_number=SEED)))
    record.quantity *= 10
    stage_activities_save(stage=record.stage, changed=[record])
    after = results_service.cached_study_result(Study.objects.get(report_number=SEED))
    assert totals(after) != total
    assert auditor_client.get(url).content.decode() != before


def test_off_recomputes_every_time(settings, calculations, seed_study):
    settings.STUDY_RESULTS_CACHE_SECONDS = 0
    results_service.cached_study_result(seed_study)
    results_service.cached_study_result(seed_study)
    assert len(calculations) == 2
