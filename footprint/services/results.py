"""A study's results: its facts (services/facts, one read for many studies) turned into the
calculation's plain input and run through the pure calculation. Numbers are never stored: every
page, export, report and API response recomputes them here."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from types import MappingProxyType

from cachetools import TTLCache
from django.conf import settings

from ..models import EmissionFactor, Study
from ..selectors import gwp_tables
from . import data_version
from .calculation.study import (
    ActivityInput,
    ClaimInput,
    FactorInput,
    ProductInput,
    StageInput,
    StudyInput,
    StudyResult,
    calculate_study,
)
from .facts.model import FactorFacts, StudyFacts
from .facts.reading import factor_facts, studies_facts


def study_results(study: Study, *, facts: StudyFacts | None = None) -> StudyResult:
    """Recompute every number of a study from its activity data and factors (from its
    `facts` when the caller has just read them)."""
    return calculate_study(study_calculation_input(study, facts=facts))


def cached_study_results(studies: list[Study]) -> dict[int, StudyResult]:
    """The results of the studies for the pages that show them (dashboard, results, stage
    editor, study page): see `cached_study_calculations`."""
    return {pk: result for pk, (_input, result) in cached_study_calculations(studies).items()}


def cached_study_calculations(studies: list[Study], *,
                              facts: Mapping[int, StudyFacts] | None = None,
                              ) -> dict[int, tuple[StudyInput, StudyResult]]:
    """Each study's calculation input and result, computed as `study_results` does, and kept
    in the process's memory for STUDY_RESULTS_CACHE_SECONDS under the study's data version
    (services/data_version.py), which every write to what the calculation reads changes. A page
    viewed again reads one row per page of studies and skips the reads and the calculation.
    Numbers are still never stored in the database. STUDY_RESULTS_CACHE_SECONDS = 0 turns it
    off (tests that write with update()). `facts`: the studies' facts when the caller has
    just read them (the study page), used instead of reading them again on a miss."""
    seconds = settings.STUDY_RESULTS_CACHE_SECONDS

    def inputs_of(missing: list[Study]) -> dict[int, StudyInput]:
        if facts is not None and all(s.pk in facts for s in missing):
            return _inputs({s.pk: facts[s.pk] for s in missing})
        return study_calculation_inputs(missing)

    if not seconds:
        return {pk: (study_input, calculate_study(study_input))
                for pk, study_input in inputs_of(studies).items()}
    # The token is read before the data: a result stored under it is never older than it.
    tokens = data_version.study_tokens(studies)
    keys = {s.pk: (s.pk, tokens[s.pk]) for s in studies}
    cached = {pk: r for pk, key in keys.items() if (r := _RESULTS.get(key, seconds)) is not None}
    missing = [s for s in studies if s.pk not in cached]
    computed = {pk: (study_input, calculate_study(study_input))
                for pk, study_input in inputs_of(missing).items()}
    for pk, pair in computed.items():
        _RESULTS.put(keys[pk], pair, seconds)
    return {**cached, **computed}


class _ResultCache:
    """The process's recent results, as objects: a StudyResult is immutable (frozen
    dataclasses), so requests share it. Not Django's cache, which pickles: unpickling a
    10,000-activity result costs about what recalculating it does. A token is never reused,
    so another process's writes need no message: the next request reads the new token.
    cachetools' TTLCache (least recently used, each entry kept `seconds`) behind a lock, one
    per lifetime asked for (the setting is read per request)."""

    def __init__(self, size: int):
        self.size = size
        self._caches: dict[float, TTLCache] = {}
        self._lock = threading.Lock()

    def _cache(self, seconds: float) -> TTLCache:
        if seconds not in self._caches:
            self._caches[seconds] = TTLCache(maxsize=self.size, ttl=seconds)
        return self._caches[seconds]

    def get(self, key, seconds: float):
        with self._lock:
            return self._cache(seconds).get(key)

    def put(self, key, result, seconds: float) -> None:
        with self._lock:
            self._cache(seconds)[key] = result

    def clear(self) -> None:
        with self._lock:
            self._caches.clear()


# A dashboard page is 25 studies; a few pages of them and the studies being edited.
_RESULTS = _ResultCache(size=100)


def cached_study_result(study: Study, *, facts: StudyFacts | None = None) -> StudyResult:
    return cached_study_calculations([study], facts=facts and {study.pk: facts})[study.pk][1]


def cached_study_calculation(study: Study) -> tuple[StudyInput, StudyResult]:
    return cached_study_calculations([study])[study.pk]


def factor_input(factor: FactorFacts) -> FactorInput:
    return FactorInput(
        key=factor.key,
        code=factor.code,
        value=factor.value,
        unit=factor.unit,
        gas=factor.gas,
        version=factor.version,
        family=factor.family or factor.code,
        year=factor.year,
        name=factor.name_zh,
        ncv=factor.ncv,
        value_decimals=factor.value_decimals,
        restricted=not factor.redistribution_allowed,
    )


def calculation_input(facts: StudyFacts, *, gwp: Mapping[str, float],
                      library: tuple[FactorInput, ...] = ()) -> StudyInput:
    """PURE: a study's facts as the calculation's input. `gwp`: the values of the GWP edition
    the study is computed with; `library`: the current factors that may explain a claim."""
    return StudyInput(
        report_number=facts.report_number,
        gwp_set=facts.gwp_set,
        boundary=facts.boundary,
        # CO2e factors are already characterised: their GWP is 1 by definition.
        gwp=MappingProxyType({"CO2e": 1.0, **gwp}),
        factors=MappingProxyType({key: factor_input(f) for key, f in facts.factors.items()}),
        products=tuple(
            ProductInput(
                code=p.code, name=p.name, functional_unit=p.functional_unit,
                annual_output=float(p.annual_output),
                activities=tuple(
                    ActivityInput(
                        stage=a.stage, name=a.name, quantity=float(a.quantity), unit=a.unit,
                        factor_key=a.factor_key, basis=a.basis, allocation=float(a.allocation),
                        claimed_kgco2e_per_unit=(None if a.claimed_kgco2e_per_unit is None
                                                 else float(a.claimed_kgco2e_per_unit)),
                        record_id=a.record_id, data_type=a.data_type,
                        verification=a.verification, has_evidence=bool(a.has_evidence),
                        ratings=tuple(r or 0 for r in (
                            a.dq_reliability, a.dq_completeness, a.dq_temporal,
                            a.dq_geographical, a.dq_technological)),
                    )
                    for a in p.activities
                ),
                stages=tuple(StageInput(s.stage, s.exclusion_reason) for s in p.stages),
                energy_using=p.energy_using,
            )
            for p in facts.products
        ),
        library=library,
        claims=tuple(
            ClaimInput(level=c.level, value=float(c.value), unit=c.unit, place=c.place,
                       product=c.product, stage=c.stage, factor=c.factor, decimals=c.decimals,
                       note=c.note)
            for c in facts.claims
        ),
    )


def study_calculation_input(study: Study, *, facts: StudyFacts | None = None) -> StudyInput:
    """Turn a study's rows (or its `facts`, when the caller already read them) into the
    calculation service's plain input, in a constant number of queries whatever the size of
    the study (see `study_calculation_inputs`)."""
    if facts is None:
        return study_calculation_inputs([study])[study.pk]
    return _inputs({study.pk: facts})[study.pk]


def study_calculation_inputs(studies: list[Study]) -> dict[int, StudyInput]:
    """Calculation inputs of many studies at once (the dashboard), in a constant number of
    queries whatever the number of studies and activities: their facts (without the people),
    the GWP tables and the factor library."""
    return _inputs(studies_facts(studies, people=False))


def _inputs(facts_by_study: dict[int, StudyFacts]) -> dict[int, StudyInput]:
    if not facts_by_study:
        return {}
    gwp_by_version, current_gwp = gwp_tables()
    library = tuple(factor_input(factor_facts(f)) for f in EmissionFactor.objects.filter(is_current=True))
    return {
        pk: calculation_input(
            facts, library=library,
            gwp=gwp_by_version.get(facts.gwp_version_id or current_gwp.get(facts.gwp_set, 0), {}))
        for pk, facts in facts_by_study.items()
    }
