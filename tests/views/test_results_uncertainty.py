"""The results page's Monte Carlo cards, fetched by the page with one htmx request: the histogram
with the deterministic total marked, the summary beside it, the tornado of contributions to
variance, and the comparison of the two products; the analysis runs once per data change
(cached); the same access rules as the page."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.urls import reverse

from footprint.services.calculation import uncertainty as U

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def _card(page: str, code: str) -> str:
    return page.split(f'id="uncertainty-{code}"')[1].split('id="uncertainty-')[0]


def _cards(client) -> str:
    return client.get(reverse("study_results_uncertainty", args=[SEED])).content.decode()


def test_the_page_has_a_slot_per_product_and_asks_for_the_cards(auditor_client):
    page = auditor_client.get(reverse("study_results", args=[SEED])).content.decode()
    assert 'id="uncertainty-LV"' in page and 'id="uncertainty-HV"' in page
    assert f'hx-get="{reverse("study_results_uncertainty", args=[SEED])}" hx-trigger="load"' in page
    assert "pcf-histogram" not in page  # computed apart: the page keeps its budget


def test_the_histogram_marks_the_deterministic_total_and_the_95_percent_interval(auditor_client):
    page = _cards(auditor_client)
    assert 'id="uncertainty-LV" hx-swap-oob="true"' in page
    card = _card(page, "LV")
    histogram = ET.fromstring(re.search(r'<svg [^>]*pcf-histogram.*?</svg>', card, flags=re.S).group(0))
    marks = {line.get("data-mark"): line for line in histogram.iter(f"{SVG}line") if line.get("data-mark")}
    assert set(marks) == {"deterministic", "interval"}
    assert "212.852" in marks["deterministic"].find(f"{SVG}title").text
    bars = histogram.findall(f"{SVG}rect")
    assert len(bars) == U.HISTOGRAM_BINS
    assert sum(int(b.find(f"{SVG}title").text.rsplit(": ", 1)[1]) for b in bars) == 10_000
    # the deterministic value is drawn inside the columns' range, where it falls
    xs = [float(b.get("x")) for b in bars]
    assert xs[0] <= float(marks["deterministic"].get("x1")) <= xs[-1] + float(bars[-1].get("width"))
    # the summary beside it, and the method's parameters
    assert re.search(r"确定性结果</th><td class=\"num\">212\.852<", card)
    assert "10,000 次迭代，随机种子 14067" in card
    assert "pcf-tornado" in card
    assert "style=" not in card


def test_the_two_products_are_compared_from_paired_draws(auditor_client):
    page = _cards(auditor_client)
    comparison = page.split('id="uncertainty-comparison"')[1].split("</section>")[0]
    match = re.search(r"的碳足迹高于.*?的概率：([\d.]+) %", comparison)
    assert match and 0 <= float(match.group(1)) <= 100


def test_the_analysis_runs_once_per_data_change(auditor_client, monkeypatch):
    from footprint.models import ActivityRecord
    from footprint.services import study_uncertainty

    calls = []
    original = U.run

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(study_uncertainty.U, "run", counting)
    url = reverse("study_results_uncertainty", args=[SEED])
    first = auditor_client.get(url).content.decode()
    auditor_client.get(url)
    assert len(calls) == 1
    record = ActivityRecord.objects.filter(stage__study_product__study__report_number=SEED).first()
    record.uncertainty_pct = 30
    record.save()
    second = auditor_client.get(url).content.decode()
    assert len(calls) == 2
    assert _card(first, "LV") != _card(second, "LV") or _card(first, "HV") != _card(second, "HV")


def test_outsiders_get_404(client, demo_users):
    client.force_login(demo_users["client2"])
    assert client.get(reverse("study_results_uncertainty", args=[SEED])).status_code == 404
    client.logout()
    assert client.get(reverse("study_results_uncertainty", args=[SEED])).status_code == 302
