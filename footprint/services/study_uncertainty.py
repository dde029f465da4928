"""A study's Monte Carlo uncertainty: read its distributions, run the pure analysis, cache it.

The analysis of a study runs once per change of its data: the cache key is a digest of
everything the figures depend on (each activity's deterministic result and distribution, each
factor's distribution, iterations, seed), so a changed row or factor gives a new key and an
unchanged study is never recomputed (docs/uncertainty.md).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache

from ..models import Study
from .calculation import uncertainty as U
from .calculation.study import ActivityResult, StudyInput, StudyResult
from .facts.model import StudyFacts
from .facts.reading import study_facts

DEFAULT_ITERATIONS = 10_000
# A fixed seed: the same data gives the same figures on the page, in the report and in the
# command. 14067 is only a memorable number (ISO 14067).
DEFAULT_SEED = 14067
MAX_ITERATIONS = 1_000_000
CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class StudyUncertainty:
    result: U.UncertaintyResult
    # per product code: how many quantities took their distribution from where (U.ENTERED, …)
    quantity_sources: dict[str, dict[str, int]]
    # per product code: how many of its factors are published / basic
    factor_sources: dict[str, dict[str, int]]
    # activities whose entered distribution was inconsistent and fell back to the ratings
    invalid: int = 0


def _float(value) -> float | None:
    return None if value is None else float(value)


def study_uncertainty(study: Study, *, study_input: StudyInput, result: StudyResult,
                      facts: StudyFacts | None = None, iterations: int = DEFAULT_ITERATIONS,
                      seed: int = DEFAULT_SEED) -> StudyUncertainty:
    """The analysis of the calculated study (`result` of `study_input`), from the cache if
    its data has not changed since. The distributions and ratings come from the study's
    `facts` (services/facts; read here when the caller has not)."""
    if facts is None:
        facts = study_facts(study, people=False)
    activities = {a.record_id: a for p in facts.products for a in p.activities}
    invalid = 0

    def quantity_of(a: ActivityResult) -> U.Distribution:
        nonlocal invalid
        row = activities.get(a.record_id) if a.record_id is not None else None
        if row is None:
            return U.activity_distribution(quantity=a.quantity)
        factor = facts.factors.get(row.factor_key)
        fields = {"quantity": float(row.quantity), "pct": _float(row.uncertainty_pct),
                  "ratings": (row.dq_reliability, row.dq_completeness, row.dq_temporal,
                              row.dq_geographical, row.dq_technological),
                  "data_type": row.data_type, "category": factor.category if factor else ""}
        try:
            return U.activity_distribution(
                kind=row.distribution, gsd2=_float(row.distribution_gsd2),
                sd=_float(row.distribution_sd), low=_float(row.distribution_low),
                high=_float(row.distribution_high), **fields)
        except ValueError:
            # Saved before the form checked it (import, admin): the ratings decide instead.
            invalid += 1
            return U.activity_distribution(**fields)

    factors = {}
    for key, factor in study_input.factors.items():
        f = facts.factors.get(key)
        gas, kind, gsd2, sd, low, high = (
            (f.gas, f.distribution, f.distribution_gsd2, f.distribution_sd, f.distribution_low,
             f.distribution_high) if f is not None else (factor.gas, "", None, None, None, None))
        try:
            factors[key] = U.factor_distribution(value=factor.value, gas=gas, kind=kind, gsd2=_float(gsd2),
                                                 sd=_float(sd), low=_float(low), high=_float(high))
        except ValueError:
            factors[key] = U.basic_factor(gas)
    inp = U.input_from_result(result, quantity_of=quantity_of, factors=factors)

    quantity_sources: dict[str, dict[str, int]] = {}
    factor_sources: dict[str, dict[str, int]] = {}
    for p in inp.products:
        mine = [a for a in inp.activities if a.product == p.code]
        quantity_sources[p.code] = dict(Counter(a.quantity.source for a in mine))
        factor_sources[p.code] = dict(Counter(inp.factors[k].source for k in {a.factor_key for a in mine}))

    key = "uncertainty:" + hashlib.sha256(repr((inp, iterations, seed)).encode()).hexdigest()
    analysis = cache.get(key)
    if analysis is None:
        analysis = U.run(inp, iterations=iterations, seed=seed)
        cache.set(key, analysis, CACHE_SECONDS)
    return StudyUncertainty(analysis, quantity_sources, factor_sources, invalid)
