"""`manage.py uncertainty` on the seed study: the JSON keys the issue names, the same figures
for the same seed, other figures for another, and readable errors."""

import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_json_has_per_product_and_stage_summaries_and_contributors(demo):
    doc = json.loads(run("uncertainty", "202508175GHG", "--iterations", "4000", "--seed", "7",
                         "--format", "json"))
    assert (doc["report_number"], doc["iterations"], doc["seed"], doc["method"]) == (
        "202508175GHG", 4000, 7, "monte_carlo")
    lv, hv = doc["products"]
    keys = {"deterministic", "mean", "median", "sd", "p2_5", "p97_5", "cv"}
    assert keys <= set(lv) and all(keys <= set(s) for s in lv["stages"])
    assert lv["deterministic"] == pytest.approx(212.852, abs=5e-4)
    assert lv["p2_5"] < lv["median"] < lv["p97_5"]
    assert sum(s["deterministic"] for s in lv["stages"]) == pytest.approx(lv["deterministic"])
    assert lv["cv"] == pytest.approx(lv["sd"] / lv["mean"])
    assert 1 <= len(lv["contributors"]) <= 5
    assert lv["contributors"][0]["share"] >= lv["contributors"][-1]["share"]
    assert {c["kind"] for c in lv["contributors"]} <= {"quantity", "factor"}
    assert doc["comparisons"][0]["a"] == "LV" and 0 <= doc["comparisons"][0]["p_a_higher"] <= 1


def test_the_same_seed_prints_the_same_figures(demo):
    args = ("uncertainty", "202508175GHG", "--iterations", "2000", "--format", "json")
    first = json.loads(run(*args, "--seed", "1"))
    cache.clear()
    assert json.loads(run(*args, "--seed", "1")) == first
    assert json.loads(run(*args, "--seed", "2"))["products"][0]["mean"] != first["products"][0]["mean"]


def test_table_format_is_readable(demo):
    text = run("uncertainty", "202508175GHG", "--iterations", "2000")
    assert "2,000 iterations, seed 14067" in text
    assert "TOTAL" in text and "212.852" in text and "contribution to variance" in text


@pytest.mark.parametrize("args, message", [
    (("NOPE",), "NOPE"),
    (("202508175GHG", "--iterations", "1"), "between 2"),
    (("202508175GHG", "--seed", "-1"), "negative"),
])
def test_bad_arguments_are_clear_errors(demo, args, message):
    with pytest.raises(CommandError, match=message):
        run("uncertainty", *args)
