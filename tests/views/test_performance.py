"""Big studies stay fast: the stage editor, the results, study and workflow pages read a study of 2,000
activity records in as many queries as a study of 20 (timings are measured in bench/pages.py)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from footprint.views.activities import PAGE_SIZE

from .conftest import make_large_study

pytestmark = pytest.mark.django_db

# One query each for the study's claims of its source report (services/facts, read for the calculation);
# the stage editor one more for the open comments (the rows' markers), the dashboard one more
# for the count of studies waiting for the user (its "等我处理" tab). Every page one for the
# navbar's unread notices (context_processors.inbox); the stage editor one more for who
# supplied the rows accepted from a data request (selectors.activity_suppliers) and one for the
# study's evidence files (the rows' files and verifying evidence).
STAGE_EDITOR_QUERIES = 22
# The results page (its Monte Carlo card is a request of its own, which reads the distributions
# and ratings with the study's facts, services/facts: no read of its own).
RESULTS_QUERIES = 16
DASHBOARD_QUERIES = 16


# Tests name `studies` before any fixture that writes (a client's login): a recording is replayed
# only onto the database it was made on (tests/snapshots.py).
@pytest.fixture
def studies(reference_data, demo_auditor, snapshot_tracker):
    from footprint.models import Study

    from ..snapshots import replay_or_build

    def build():
        small = make_large_study("SMALL", 20)
        large = make_large_study("LARGE", 2000)
        for study in (small, large):
            study.auditors.add(demo_auditor)
        return small.pk, large.pk

    # imported for real by the first test of the process, replayed in the others
    return tuple(Study.objects.get(pk=pk) for pk in
                 replay_or_build("large_studies", build, snapshot_tracker))


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_stage_editor_of_a_2000_record_study_needs_no_more_queries_than_a_small_one(
    studies, auditor_client, django_assert_max_num_queries
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
    studies, auditor_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(RESULTS_QUERIES):
        response = auditor_client.get(reverse("study_results", args=["LARGE"]))
    assert response.content.count(b"<tr id=\"act-P1-") == 1000
    assert _count(auditor_client, reverse("study_results", args=["LARGE"])) == _count(
        auditor_client, reverse("study_results", args=["SMALL"]))


def test_the_dashboard_reads_all_totals_in_a_constant_number_of_queries(
    studies, auditor_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = auditor_client.get(reverse("dashboard"))
    assert b"LARGE" in response.content and b"SMALL" in response.content
    before = _count(auditor_client, reverse("dashboard"))
    make_large_study("MORE-1", 10)
    make_large_study("MORE-2", 10)
    assert _count(auditor_client, reverse("dashboard")) == before


# The study page: the study, its products with their data, the calculation input, the panels
# (completeness, workflow actions, transitions, comments), the GWP edition, the team and the
# navbar's unread notices; with the approve action, one for the activities' verification statuses
# (readiness.approval_warnings).
STUDY_PAGE_QUERIES = 25
# The workflow page with the approval blockers (the calculation and the completeness check), and
# the latest issue job (services/workflow/issue_jobs.py: the issuing's progress), the navbar's
# unread notices.
WORKFLOW_QUERIES = 23


class _CountingCalculation:
    """Wraps calculate_study where the views' services import it, and counts the calls."""

    def __init__(self, monkeypatch):
        from footprint.services import results
        from footprint.services.calculation import study as calculation
        from footprint.services.reference import gwp_corrections

        self.calls = 0
        original = calculation.calculate_study

        def counting(study_input):
            self.calls += 1
            return original(study_input)

        for module in (results, gwp_corrections):
            monkeypatch.setattr(module, "calculate_study", counting)


def _in_technical_review(study, lead):
    """A study awaiting approval by `lead`: the workflow panel shows the approve action with
    its blockers, which need the calculation and the completeness check."""
    from footprint.models import Study

    Study.objects.filter(pk=study.pk).update(status="technical_review", lead_verifier=lead)


@pytest.mark.parametrize("page", ["study_detail", "study_workflow"])
def test_the_study_pages_need_no_more_queries_for_2000_records_than_for_20(
    client, studies, demo_users, page, django_assert_max_num_queries, monkeypatch
):
    lead = demo_users["lead"]
    for study in studies:
        _in_technical_review(study, lead)
    client.force_login(lead)
    limit = STUDY_PAGE_QUERIES if page == "study_detail" else WORKFLOW_QUERIES
    counter = _CountingCalculation(monkeypatch)
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(page, args=["LARGE"]))
    assert b'data-action="approve"' in response.content
    # The calculation runs once per request, shared by the page, the completeness check and
    # the approval blockers.
    assert counter.calls == 1
    assert _count(client, reverse(page, args=["LARGE"])) == _count(client, reverse(page, args=["SMALL"]))


@pytest.mark.parametrize("who", ["auditor", "lead"])
def test_the_seed_study_page_runs_the_calculation_once(
    client, seed_study, demo_users, who, django_assert_max_num_queries, monkeypatch
):
    _in_technical_review(seed_study, demo_users["lead"])
    client.force_login(demo_users[who])
    counter = _CountingCalculation(monkeypatch)
    with django_assert_max_num_queries(STUDY_PAGE_QUERIES):
        response = client.get(reverse("study_detail", args=[seed_study.report_number]))
    assert response.status_code == 200
    assert counter.calls == 1


@pytest.mark.parametrize("who", ["lead", "auditor"])
@pytest.mark.parametrize("page", ["study_detail", "study_workflow"])
def test_the_study_pages_read_the_studys_stages_once(client, seed_study, demo_users, page, who):
    """The page's rows, the completeness check, the blockers and the calculation share one
    read of the study's facts (services/facts): its stages are selected once, not once for the
    calculation and again for the page or the completeness check. The lead verifier sees the
    approval's blockers (technical review), the auditor those of sending to the company (draft)."""
    if who == "lead":
        _in_technical_review(seed_study, demo_users["lead"])
    client.force_login(demo_users[who])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page, args=[seed_study.report_number]))
    assert response.status_code == 200
    stage_reads = [q["sql"] for q in queries.captured_queries if 'FROM "footprint_lifecyclestage"' in q["sql"]]
    assert len(stage_reads) == 1, stage_reads


@pytest.mark.parametrize("page", ["study_detail", "study_workflow"])
def test_the_study_pages_ask_for_the_studys_auditors_once_for_every_access_check(
        client, seed_study, demo_users, page):
    """Every panel asks whether the user may edit the study (access.is_study_auditor): the
    auditors are read once per request for all of them, besides the facts' read of the team."""
    client.force_login(demo_users["auditor"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(page, args=[seed_study.report_number]))
    assert response.status_code == 200
    assert b'data-action="send_for_review"' in response.content  # the auditor's action is there
    reads = [q["sql"] for q in queries.captured_queries if '"footprint_study_auditors"' in q["sql"]]
    assert len(reads) <= 2, reads
