"""The dashboard lists the studies a user may see with each product's recomputed total."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_lists_each_study_with_its_products_totals(auditor_client):
    from footprint.models import Study
    from footprint.services.results import study_results

    html = auditor_client.get(reverse("dashboard")).content.decode()
    for study in Study.objects.all():
        assert study.report_number in html and study.company.name in html
        for product in study_results(study).products:
            assert f"{product.total_kgco2e:,.3f}" in html
    assert "212.852" in html and "226.496" in html and "草稿" in html


def test_search_and_filters(auditor_client):
    from footprint.choices import StudyStatus
    from footprint.models import Study

    url = reverse("dashboard")
    assert "DEMO-2" not in auditor_client.get(url, {"q": "开关设备"}).content.decode()
    assert "202508175GHG" in auditor_client.get(url, {"q": "HV"}).content.decode()
    Study.objects.filter(report_number="DEMO-2").update(status=StudyStatus.APPROVED)
    html = auditor_client.get(url, {"status": "approved"}).content.decode()
    assert "DEMO-2" in html and "202508175GHG" not in html
    seed_company = Study.objects.get(report_number="202508175GHG").company
    html = auditor_client.get(url, {"company": seed_company.pk}).content.decode()
    assert "202508175GHG" in html and "DEMO-2" not in html
    assert "没有符合条件的报告" in auditor_client.get(url, {"q": "no-such-thing"}).content.decode()


# ---- fuzzing the search (issue 10): whatever is typed, a page or a 400, never a 500
from hypothesis import HealthCheck, example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_TYPED = st.text(st.characters(exclude_categories=("Cs",)), max_size=80)  # Cs: not encodable
_NUMBERISH = st.one_of(st.integers(min_value=-(10**30), max_value=10**30).map(str), _TYPED)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(q=_TYPED, status=_TYPED, company=_NUMBERISH, page=_NUMBERISH)
@example(q="\x00", status="", company="", page="")
@example(q="%", status="draft", company="99999999999999999999999", page="-1")
@example(q="' OR 1=1 --", status="", company="1e5", page="9" * 5000)
def test_fuzzed_searches_answer_a_page_or_a_bad_request(auditor_client, q, status, company, page):
    response = auditor_client.get(reverse("dashboard"), {"q": q, "status": status, "company": company,
                                                         "page": page})
    assert response.status_code in (200, 400)
