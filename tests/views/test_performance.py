"""Big studies stay fast: the stage editor and the results page read a study of 2,000
activity records in as many queries as a study of 20 (timings are measured in bench/pages.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from footprint.views.activities import PAGE_SIZE

from .conftest import make_large_study

pytestmark = pytest.mark.django_db

# One query each for the study's claims of its source report (selectors.study_calculation_inputs).
STAGE_EDITOR_QUERIES = 18
RESULTS_QUERIES = 13
DASHBOARD_QUERIES = 14


@pytest.fixture
def studies(reference_data, demo_auditor):
    small = make_large_study("SMALL", 20)
    large = make_large_study("LARGE", 2000)
    for study in (small, large):
        study.auditors.add(demo_auditor)
    return small, large


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_stage_editor_of_a_2000_record_study_needs_no_more_queries_than_a_small_one(
    auditor_client, studies, django_assert_max_num_queries
):
    small, large = studies
    url = reverse("study_product_stages", args=["LARGE", "P1"]) + "?stage=raw_material_acquisition"
    with django_assert_max_num_queries(STAGE_EDITOR_QUERIES):
        response = auditor_client.get(url)
    # The stage has 170 rows of this product: the page shows the first PAGE_SIZE, then pages.
    assert response.content.count(b'class="activity-row"') == PAGE_SIZE
    assert b"page=2" in response.content
    small_url = reverse("study_product_stages", args=["SMALL", "P1"]) + "?stage=raw_material_acquisition"
    assert _count(auditor_client, url) == _count(auditor_client, small_url)


def test_the_results_page_of_a_2000_record_study_needs_no_more_queries_than_a_small_one(
    auditor_client, studies, django_assert_max_num_queries
):
    with django_assert_max_num_queries(RESULTS_QUERIES):
        response = auditor_client.get(reverse("study_results", args=["LARGE"]))
    assert response.content.count(b"<tr id=\"act-P1-") == 1000
    assert _count(auditor_client, reverse("study_results", args=["LARGE"])) == _count(
        auditor_client, reverse("study_results", args=["SMALL"]))


def test_the_dashboard_reads_all_totals_in_a_constant_number_of_queries(
    auditor_client, studies, django_assert_max_num_queries
):
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = auditor_client.get(reverse("dashboard"))
    assert b"LARGE" in response.content and b"SMALL" in response.content
    before = _count(auditor_client, reverse("dashboard"))
    make_large_study("MORE-1", 10)
    make_large_study("MORE-2", 10)
    assert _count(auditor_client, reverse("dashboard")) == before
