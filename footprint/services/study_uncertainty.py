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
from ..selectors import study_uncertainty_rows
from .calculation import uncertainty as U
from .calculation.study import ActivityResult, StudyInput, StudyResult

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
                      iterations: int = DEFAULT_ITERATIONS,
                      seed: int = DEFAULT_SEED) -> StudyUncertainty:
    """The analysis of the calculated study (`result` of `study_input`), from the cache if
    its data has not changed since."""
    activity_rows, factor_rows = study_uncertainty_rows(study)
    invalid = 0

    def quantity_of(a: ActivityResult) -> U.Distribution:
        nonlocal invalid
        row = activity_rows.get(a.record_id) if a.record_id is not None else None
        if row is None:
            return U.activity_distribution(quantity=a.quantity)
        (quantity, kind, gsd2, sd, low, high, pct, *ratings, data_type, category) = row
        fields = {"quantity": float(quantity), "pct": _float(pct), "ratings": tuple(ratings),
                  "data_type": data_type, "category": category}
        try:
            return U.activity_distribution(kind=kind, gsd2=_float(gsd2), sd=_float(sd),
                                           low=_float(low), high=_float(high), **fields)
        except ValueError:
            # Saved before the form checked it (import, admin): the ratings decide instead.
            invalid += 1
            return U.activity_distribution(**fields)

    factors = {}
    for key, factor in study_input.factors.items():
        gas, kind, gsd2, sd, low, high = factor_rows.get(key, (factor.gas, "", None, None, None, None))
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
