"""The Monte Carlo analysis: figures checked against closed forms, no database.

Tolerances are several standard errors of the estimate at the iterations used, so the tests
are decided by the method, not by luck (and the seed is fixed, so they never flicker)."""

import math
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.services.calculation import uncertainty as U
from footprint.services.calculation.study import (
    ActivityInput,
    FactorInput,
    ProductInput,
    StudyInput,
    calculate_study,
)

FIXED = U.Distribution()


def study(*activities, factors=None, products=None):
    """activities: (product, stage, kg, quantity distribution, factor key)."""
    acts = tuple(U.UncertainActivity(p, s, f"{p}-{n}", kg, q, f) for n, (p, s, kg, q, f) in enumerate(activities))
    codes = products or sorted({a.product for a in acts})
    prods = []
    for code in codes:
        stages = tuple(dict.fromkeys(a.stage for a in acts if a.product == code))
        prods.append(U.UncertainProduct(
            code, code, math.fsum(a.kgco2e for a in acts if a.product == code), stages,
            tuple(math.fsum(a.kgco2e for a in acts if a.product == code and a.stage == s) for s in stages)))
    return U.UncertaintyInput(tuple(prods), acts, factors or {})


def test_a_single_normal_input_has_the_known_mean_and_sd():
    inp = study(("P", "production", 200.0, U.normal(0.10), "F"))
    p = U.run(inp, iterations=100_000, seed=1).product("P")
    assert p.total.deterministic == 200.0
    assert p.total.mean == pytest.approx(200.0, rel=0.002)      # SE 0.03 %
    assert p.total.sd == pytest.approx(20.0, rel=0.01)
    assert p.total.cv == pytest.approx(0.10, rel=0.01)
    assert p.total.p2_5 == pytest.approx(200 - 1.96 * 20, rel=0.005)
    assert p.total.p97_5 == pytest.approx(200 + 1.96 * 20, rel=0.005)


def test_the_sd_of_a_sum_of_independent_normals_agrees_with_the_analytic_value_within_1_percent():
    rows = [(100.0, 0.05), (40.0, 0.20), (10.0, 0.50), (75.0, 0.10)]
    inp = study(*[("P", "production", kg, U.normal(cv), f"F{n}") for n, (kg, cv) in enumerate(rows)],
                factors={f"F{n}": U.normal(0.02) for n in range(len(rows))})
    p = U.run(inp, iterations=100_000, seed=7).product("P")
    # Var(kg·q·f) = kg²·(E[q²]E[f²] − 1) with E[x²] = 1 + cv²
    analytic = math.sqrt(sum(kg**2 * ((1 + cv**2) * (1 + 0.02**2) - 1) for kg, cv in rows))
    assert p.total.sd == pytest.approx(analytic, rel=0.01)


def test_a_single_lognormal_has_the_closed_form_percentiles():
    gsd2 = 1.5
    sigma = math.log(gsd2) / 2
    inp = study(("P", "use", 50.0, U.lognormal(gsd2), "F"))
    p = U.run(inp, iterations=100_000, seed=3).product("P")
    assert p.total.median == pytest.approx(50.0, rel=0.003)   # the entered value is the median
    assert p.total.p2_5 == pytest.approx(50.0 / math.exp(U.Z95 * sigma), rel=0.005)
    assert p.total.p97_5 == pytest.approx(50.0 * math.exp(U.Z95 * sigma), rel=0.005)
    # GSD² is the 95 % range factor: p97.5 / median = median / p2.5 = GSD² (within the 1.96 ≈ 2)
    assert p.total.mean == pytest.approx(50.0 * math.exp(sigma**2 / 2), rel=0.003)


def test_for_symmetric_inputs_the_mean_agrees_with_the_deterministic_total_within_half_a_percent():
    inp = study(("P", "raw_material_acquisition", 120.0, U.normal(0.15), "A"),
                ("P", "production", 30.0, U.triangular(0.7, 1.3), "B"),
                ("P", "production", 12.0, U.uniform(0.9, 1.1), "A"),
                factors={"A": U.normal(0.05), "B": U.uniform(0.8, 1.2)})
    p = U.run(inp, iterations=20_000, seed=11).product("P")
    assert p.total.mean == pytest.approx(162.0, rel=0.005)


def test_uniform_and_triangular_draws_have_their_means():
    inp = study(("U", "production", 10.0, U.uniform(0.8, 1.4), "F"),
                ("T", "production", 10.0, U.triangular(0.5, 2.0), "F"))
    result = U.run(inp, iterations=50_000, seed=5)
    assert result.product("U").total.mean == pytest.approx(11.0, rel=0.003)
    assert result.product("U").total.p2_5 == pytest.approx(8.0 + 0.025 * 6.0, rel=0.003)
    assert result.product("T").total.mean == pytest.approx(10.0 * 3.5 / 3, rel=0.005)


def test_two_rows_of_one_factor_draw_the_same_value_their_variance_is_a_plus_b_squared_sigma_squared():
    a, b, sigma = 30.0, 70.0, 0.1
    inp = study(("P", "production", a, FIXED, "GRID"), ("P", "use", b, FIXED, "GRID"),
                factors={"GRID": U.normal(sigma)})
    result, draws = U.run(inp, iterations=50_000, seed=2, keep_draws=True)
    p = result.product("P")
    assert p.total.sd ** 2 == pytest.approx((a + b) ** 2 * sigma**2, rel=0.02)
    assert p.total.sd ** 2 != pytest.approx((a**2 + b**2) * sigma**2, rel=0.2)
    production = draws.groups[:, draws.group_index[("P", "production")]]
    use = draws.groups[:, draws.group_index[("P", "use")]]
    assert np.corrcoef(production, use)[0, 1] == pytest.approx(1.0, abs=1e-12)
    assert np.allclose(production / a, use / b)
    # One input, not two: it takes the whole variance.
    assert [(c.kind, c.label) for c in p.contributors] == [("factor", "GRID")]
    assert p.contributors[0].share == pytest.approx(1.0)


def test_products_that_share_a_factor_draw_it_together():
    inp = study(("A", "production", 10.0, FIXED, "GRID"), ("B", "production", 20.0, FIXED, "GRID"),
                factors={"GRID": U.lognormal(1.3)})
    _result, draws = U.run(inp, iterations=5_000, seed=2, keep_draws=True)
    assert np.allclose(draws.totals[:, 1], 2 * draws.totals[:, 0])


def test_draws_of_different_inputs_are_independent_even_across_the_two_streams():
    """Brightway seeded every matrix with the same seed, so an amount and a factor with the
    same distribution drew the same numbers (SD biased by 27 %). Here a quantity (stream 1) and
    a factor (stream 2) with identical distributions, and two quantities, must not correlate."""
    inp = study(("A", "production", 1.0, U.normal(0.1), "FA"),
                ("B", "production", 1.0, FIXED, "FB"),
                ("C", "production", 1.0, U.normal(0.1), "FC"),
                factors={"FB": U.normal(0.1)})
    _result, draws = U.run(inp, iterations=40_000, seed=0, keep_draws=True)
    r = np.corrcoef(draws.totals.T)
    assert abs(r[0, 1]) < 0.02 and abs(r[0, 2]) < 0.02 and abs(r[1, 2]) < 0.02  # SE 0.005
    # and a sum of the two has the SD of independent inputs: √2·0.1, not 2·0.1
    both = study(("P", "production", 1.0, U.normal(0.1), "F"), factors={"F": U.normal(0.1)})
    sd = U.run(both, iterations=40_000, seed=0).product("P").total.sd
    assert sd == pytest.approx(math.sqrt(0.01 + 0.01 + 0.0001), rel=0.02)


def test_the_same_seed_gives_the_same_figures_and_another_seed_other_figures():
    inp = study(("P", "production", 10.0, U.lognormal(1.2), "F"), ("P", "use", 5.0, U.normal(0.1), "G"),
                factors={"F": U.lognormal(1.1), "G": U.triangular(0.9, 1.2)})
    first = U.run(inp, iterations=3_000, seed=42)
    assert U.run(inp, iterations=3_000, seed=42) == first
    assert U.result_to_dict(U.run(inp, iterations=3_000, seed=42)) == U.result_to_dict(first)
    assert U.run(inp, iterations=3_000, seed=43).product("P").total != first.product("P").total


def test_chunks_bound_the_memory_without_changing_the_statistics(monkeypatch):
    inp = study(*[("P", "production", 1.0, U.normal(0.1), f"F{n}") for n in range(50)])
    whole = U.run(inp, iterations=20_000, seed=9).product("P").total
    monkeypatch.setattr(U, "MAX_CHUNK_CELLS", 50 * 333)  # 333 iterations a chunk, a remainder
    chunked = U.run(inp, iterations=20_000, seed=9).product("P").total
    assert chunked != whole  # other draws…
    assert chunked.sd == pytest.approx(whole.sd, rel=0.03)  # …the same distribution
    assert chunked.mean == pytest.approx(whole.mean, rel=0.002)


def test_convergence_holds_with_enough_iterations_and_fails_with_too_few():
    inp = study(("P", "production", 100.0, U.lognormal(1.5), "F"))
    assert U.run(inp, iterations=100_000, seed=1).product("P").convergence.ok
    few = U.run(inp, iterations=20, seed=1).product("P").convergence
    assert not few.ok and few.max_change > U.CONVERGENCE_TOLERANCE


def test_contribution_to_variance_ranks_inputs_by_their_share():
    # Linear, independent: the shares are (kg·σ)² over their sum: 36 : 9 : 4 (+ a fixed input).
    inp = study(("P", "production", 60.0, U.normal(0.10), "F1"),
                ("P", "production", 30.0, U.normal(0.10), "F2"),
                ("P", "use", 10.0, FIXED, "F3"),
                factors={"F3": U.normal(0.2)})
    p = U.run(inp, iterations=100_000, seed=4).product("P")
    assert [(c.kind, c.label) for c in p.contributors] == [
        ("quantity", "P-0"), ("quantity", "P-1"), ("factor", "F3")]
    shares = [c.share for c in p.contributors]
    assert shares == pytest.approx([36 / 49, 9 / 49, 4 / 49], abs=0.01)
    assert p.explained == pytest.approx(1.0, abs=0.01)


def test_a_merged_lognormal_pair_splits_its_share_by_sigma_squared():
    """A factor used by one row is drawn with the row's quantity as one normal (exact for two
    lognormals); the shares still come out per input."""
    q, f = U.lognormal(1.1), U.lognormal(1.8)
    inp = study(("P", "production", 10.0, q, "OWN"), ("P", "use", 10.0, U.lognormal(1.1), "SHARED"),
                ("P", "use", 10.0, U.lognormal(1.1), "SHARED"),
                factors={"OWN": f, "SHARED": U.lognormal(1.8)})
    p = U.run(inp, iterations=50_000, seed=8).product("P")
    share = {(c.kind, c.key): c.share for c in p.contributors}
    ratio = share[("factor", "OWN")] / share[("quantity", "0")]
    assert ratio == pytest.approx((f.sigma / q.sigma) ** 2, rel=1e-9)
    # the same pair drawn separately (a second user keeps the factor a shared input) spreads alike
    separate = U.run(study(("P", "production", 10.0, q, "OWN"), ("Q", "production", 10.0, FIXED, "OWN"),
                           factors={"OWN": f}), iterations=50_000, seed=8).product("P")
    merged = U.run(study(("P", "production", 10.0, q, "OWN"), factors={"OWN": f}),
                   iterations=50_000, seed=8).product("P")
    assert merged.total.sd == pytest.approx(separate.total.sd, rel=0.02)
    assert merged.total.p97_5 == pytest.approx(separate.total.p97_5, rel=0.01)


def test_the_probability_that_one_product_is_higher_comes_from_paired_draws():
    inp = study(("A", "production", 10.0, U.normal(0.1), "FA"), ("B", "production", 12.0, U.normal(0.1), "FB"))
    (comparison,) = U.run(inp, iterations=100_000, seed=6).comparisons
    expected = NormalDist().cdf((10.0 - 12.0) / math.hypot(1.0, 1.2))
    assert (comparison.a, comparison.b) == ("A", "B")
    assert comparison.p_a_higher == pytest.approx(expected, abs=0.005)
    # A shared factor cancels in the comparison: paired, B is always higher.
    shared = study(("A", "production", 10.0, FIXED, "GRID"), ("B", "production", 12.0, FIXED, "GRID"),
                   factors={"GRID": U.lognormal(2.0)})
    assert U.run(shared, iterations=2_000, seed=6).comparisons[0].p_a_higher == 0.0


def test_the_histogram_counts_every_draw():
    p = U.run(study(("P", "production", 10.0, U.lognormal(2.0), "F")), iterations=5_000, seed=1).product("P")
    assert sum(p.histogram_counts) == 5_000
    assert len(p.histogram_edges) == len(p.histogram_counts) + 1 == U.HISTOGRAM_BINS + 1


def test_pedigree_gsd2_combines_the_basic_uncertainty_and_the_five_factors():
    assert U.pedigree_gsd2((1, 1, 1, 1, 1), 1.05) == pytest.approx(1.05)
    # (3, 2, 2, 2, 2): Muller et al. 2016 generic factors 1.21, 1.02, 1.08, 1.14, 1.19
    expected = math.exp(math.sqrt(sum(math.log(u) ** 2 for u in (1.05, 1.21, 1.02, 1.08, 1.14, 1.19))))
    assert U.pedigree_gsd2((3, 2, 2, 2, 2), 1.05) == pytest.approx(expected)
    assert expected == pytest.approx(1.3554, abs=1e-4)  # by hand: exp(√0.09246)
    assert U.from_pedigree((5, 5, 5, 5, 5), 2.0).a > U.from_pedigree((4, 4, 4, 4, 4), 2.0).a
    with pytest.raises(ValueError):
        U.pedigree_gsd2((0, 1, 1, 1, 1), 1.05)


def test_a_percentage_is_read_as_a_95_percent_half_width():
    d = U.from_percent(10)
    assert (d.kind, d.source) == (U.NORMAL, U.PERCENT)
    assert d.a == pytest.approx(0.1 / 1.959964)
    p = U.run(study(("P", "production", 100.0, d, "F")), iterations=100_000, seed=1).product("P")
    assert (p.total.p97_5 - p.total.p2_5) / 2 == pytest.approx(10.0, rel=0.01)


def test_absolute_parameters_become_multipliers_of_the_value():
    assert U.from_absolute(U.NORMAL, 200.0, sd=20.0).a == pytest.approx(0.1)
    t = U.from_absolute(U.TRIANGULAR, 200.0, low=150.0, high=300.0)
    assert (t.a, t.b) == (0.75, 1.5)
    assert U.from_absolute(U.LOGNORMAL, 5.0, gsd2=1.4).a == 1.4
    with pytest.raises(ValueError):
        U.from_absolute(U.TRIANGULAR, 200.0, low=210.0, high=300.0)  # the value is outside


@settings(max_examples=25, deadline=None)
@given(scale=st.floats(0.001, 1000.0),
       kgs=st.lists(st.floats(0.01, 100.0), min_size=1, max_size=6))
def test_properties_scaling_scales_and_stages_add_up_to_the_total(scale, kgs):
    rows = [("P", ("production", "use")[n % 2], kg, U.lognormal(1.3), f"F{n % 3}") for n, kg in enumerate(kgs)]
    factors = {f"F{n}": U.normal(0.05) for n in range(3)}
    result, draws = U.run(study(*rows, factors=factors), iterations=500, seed=1, keep_draws=True)
    scaled = U.run(study(*[(p, s, kg * scale, q, f) for p, s, kg, q, f in rows], factors=factors),
                   iterations=500, seed=1).product("P").total
    base = result.product("P").total
    assert scaled.mean == pytest.approx(base.mean * scale, rel=1e-9)
    assert scaled.p97_5 == pytest.approx(base.p97_5 * scale, rel=1e-9)
    assert np.allclose(draws.groups.sum(axis=1), draws.totals[:, 0])


def test_input_from_a_calculated_study_keeps_the_rows_that_add_to_the_total():
    grid = FactorInput("GRID@1", "CN-GRID-2022", 0.5, "kg/kWh", "CO2")
    s = StudyInput("T", "AR5", "cradle_to_gate", {"CO2": 1.0}, {grid.key: grid}, (
        ProductInput("A", "a", "1 台", 1.0, (
            ActivityInput("production", "电", 100.0, "kWh", grid.key),
            ActivityInput("production", "无", 0.0, "kWh", grid.key),
            ActivityInput("use", "边界外", 10.0, "kWh", grid.key, basis="per_unit"))),))
    result = calculate_study(s)
    inp = U.input_from_result(result, quantity_of=lambda a: U.normal(0.1),
                              factors={grid.key: U.normal(0.05), "OTHER@1": U.normal(1.0)})
    assert [(a.name, a.kgco2e, a.factor_label) for a in inp.activities] == [("电", 50.0, "CN-GRID-2022")]
    assert list(inp.factors) == [grid.key]
    assert inp.products[0].stages == ("raw_material_acquisition", "raw_material_transport", "production")
    out = U.run(inp, iterations=10_000, seed=1).product("A")
    assert out.total.sd == pytest.approx(50.0 * math.sqrt(1.01 * 1.0025 - 1), rel=0.03)
