"""The JSON results of the API carry the Monte Carlo summary beside the recomputed figures."""

import pytest
from django.urls import reverse

NUMBER = "202508175GHG"


def test_the_study_results_carry_the_uncertainty_summary(client, demo_users):
    client.force_login(demo_users["auditor"])
    data = client.get(reverse("api_study_detail", args=[NUMBER])).json()
    u = data["results"]["uncertainty"]
    assert (u["method"], u["iterations"], u["seed"]) == ("monte_carlo", 10_000, 14067)
    totals = {p["code"]: p["total_kgco2e"] for p in data["results"]["products"]}
    for p in u["products"]:
        assert p["deterministic"] == pytest.approx(totals[p["code"]])
        assert p["p2_5"] < p["median"] < p["p97_5"] and p["converged"]
    client.force_login(demo_users["client2"])
    assert client.get(reverse("api_study_detail", args=[NUMBER])).status_code == 404
