"""A study's results: its rows read into the calculation's plain input (seven queries whatever
the size of the study), run through the pure calculation. Numbers are never stored: every page,
export, report and API response recomputes them here."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from types import MappingProxyType

from django.conf import settings
from django.db.models import Exists, OuterRef, Q

from ..models import (
    ActivityRecord,
    EmissionFactor,
    EvidenceFile,
    LifecycleStage,
    Study,
    StudyClaim,
    StudyProduct,
)
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
from .reference.factors import factor_value


def study_results(study: Study) -> StudyResult:
    """Recompute every number of a study from its activity data and factors."""
    return calculate_study(study_calculation_input(study))


def cached_study_results(studies: list[Study]) -> dict[int, StudyResult]:
    """The results of the studies for the pages that show them (dashboard, results, stage
    editor, study page): see `cached_study_calculations`."""
    return {pk: result for pk, (_input, result) in cached_study_calculations(studies).items()}


def cached_study_calculations(studies: list[Study]) -> dict[int, tuple[StudyInput, StudyResult]]:
    """Each study's calculation input and result, computed as `study_results` does, and kept
    in the process's memory for STUDY_RESULTS_CACHE_SECONDS under the study's data version
    (services/data_version.py), which every write to what the calculation reads changes. A page
    viewed again reads one row per page of studies and skips the reads and the calculation.
    Numbers are still never stored in the database. STUDY_RESULTS_CACHE_SECONDS = 0 turns it
    off (tests that write with update())."""
    seconds = settings.STUDY_RESULTS_CACHE_SECONDS
    if not seconds:
        inputs = study_calculation_inputs(studies)
        return {pk: (study_input, calculate_study(study_input)) for pk, study_input in inputs.items()}
    # The token is read before the data: a result stored under it is never older than it.
    tokens = data_version.study_tokens(studies)
    keys = {s.pk: (s.pk, tokens[s.pk]) for s in studies}
    cached = {pk: r for pk, key in keys.items() if (r := _RESULTS.get(key, seconds)) is not None}
    missing = [s for s in studies if s.pk not in cached]
    computed = {pk: (study_input, calculate_study(study_input))
                for pk, study_input in study_calculation_inputs(missing).items()}
    for pk, pair in computed.items():
        _RESULTS.put(keys[pk], pair)
    return {**cached, **computed}


class _ResultCache:
    """The process's recent results, as objects: a StudyResult is immutable (frozen
    dataclasses), so requests share it. Not Django's cache, which pickles: unpickling a
    10,000-activity result costs about what recalculating it does. A token is never reused,
    so another process's writes need no message: the next request reads the new token."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, max_age: float):
        with self._lock:
            item = self._items.get(key)
            if item is None or time.monotonic() - item[0] > max_age:
                return None
            self._items.move_to_end(key)
            return item[1]

    def put(self, key, result) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), result)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


# A dashboard page is 25 studies; a few pages of them and the studies being edited.
_RESULTS = _ResultCache(size=100)


def cached_study_result(study: Study) -> StudyResult:
    return cached_study_results([study])[study.pk]


def cached_study_calculation(study: Study) -> tuple[StudyInput, StudyResult]:
    return cached_study_calculations([study])[study.pk]


def factor_input(factor: EmissionFactor) -> FactorInput:
    return FactorInput(
        key=factor.key,
        code=factor.code,
        value=factor_value(factor),
        unit=factor.unit,
        gas=factor.gas,
        version=factor.version,
        family=factor.family or factor.code,
        year=factor.year,
        name=factor.name_zh,
        ncv=factor.ncv,
        value_decimals=factor.value_decimals if factor.value is not None else None,
    )


def study_calculation_input(study: Study) -> StudyInput:
    """Turn a study's rows into the calculation service's plain input, in seven queries
    whatever the size of the study (see `study_calculation_inputs`)."""
    return study_calculation_inputs([study])[study.pk]


def study_calculation_inputs(studies: list[Study]) -> dict[int, StudyInput]:
    """Calculation inputs of many studies at once (the dashboard), in seven queries whatever the
    number of studies and activities.

    Activity rows are read as tuples, not model instances: building 10,000 ActivityRecord
    objects costs seconds, tuples a tenth of that."""
    if not studies:
        return {}
    by_id = {s.pk: s for s in studies}
    study_products = list(
        StudyProduct.objects.filter(study_id__in=by_id).select_related("product")
        .order_by("position", "id")
    )
    stage_of: dict[int, tuple[int, str]] = {}
    stages_by_product: dict[int, list[StageInput]] = {sp.pk: [] for sp in study_products}
    for stage_id, sp_id, stage, reason in LifecycleStage.objects.filter(
        study_product__study_id__in=by_id
    ).values_list("id", "study_product_id", "stage", "exclusion_reason"):
        stage_of[stage_id] = (sp_id, stage)
        stages_by_product[sp_id].append(StageInput(stage, reason))
    rows = list(
        ActivityRecord.objects.filter(stage__study_product__study_id__in=by_id)
        .annotate(has_evidence=Exists(EvidenceFile.objects.filter(activity=OuterRef("pk")))
                  | Q(verified_evidence__isnull=False))
        .order_by("position", "id")
        .values_list("id", "stage_id", "name", "quantity", "unit", "basis", "allocation",
                     "factor_id", "claimed_kgco2e_per_unit", "data_type", "verification",
                     "has_evidence", "dq_reliability", "dq_completeness", "dq_temporal",
                     "dq_geographical", "dq_technological")
    )
    factor_rows = {f.pk: f for f in EmissionFactor.objects.filter(pk__in={r[7] for r in rows})}
    key_of = {pk: f.key for pk, f in factor_rows.items()}
    factor_inputs = {f.key: factor_input(f) for f in factor_rows.values()}
    activities_by_product: dict[int, list[ActivityInput]] = {sp.pk: [] for sp in study_products}
    factors_by_study: dict[int, dict[str, FactorInput]] = {pk: {} for pk in by_id}
    study_of_product = {sp.pk: sp.study_id for sp in study_products}
    for (pk, stage_id, name, quantity, unit, basis, allocation, factor_id, claimed, data_type,
         verification, has_evidence, *ratings) in rows:
        sp_id, stage = stage_of[stage_id]
        key = key_of[factor_id]
        factors_by_study[study_of_product[sp_id]][key] = factor_inputs[key]
        activities_by_product[sp_id].append(
            ActivityInput(
                stage=stage, name=name, quantity=float(quantity), unit=unit, factor_key=key,
                basis=basis, allocation=float(allocation),
                claimed_kgco2e_per_unit=None if claimed is None else float(claimed),
                record_id=pk, data_type=data_type, verification=verification,
                has_evidence=bool(has_evidence), ratings=tuple(r or 0 for r in ratings),
            )
        )
    gwp_by_version, current_gwp = gwp_tables()
    library = tuple(factor_input(f) for f in EmissionFactor.objects.filter(is_current=True))
    products_by_study: dict[int, list[ProductInput]] = {pk: [] for pk in by_id}
    for sp in study_products:
        products_by_study[sp.study_id].append(
            ProductInput(
                code=sp.product.code, name=sp.product.name,
                functional_unit=sp.product.functional_unit,
                annual_output=float(sp.annual_output),
                activities=tuple(activities_by_product[sp.pk]),
                stages=tuple(stages_by_product[sp.pk]),
                energy_using=sp.product.energy_using,
            )
        )
    claims_by_study: dict[int, list[ClaimInput]] = {pk: [] for pk in by_id}
    code_of_product = {sp.pk: sp.product.code for sp in study_products}
    for study_id, level, sp_id, stage, factor_code, value, decimals, unit, place, note in (
        StudyClaim.objects.filter(study_id__in=by_id).order_by("position", "id")
        .values_list("study_id", "level", "study_product_id", "stage", "factor_code", "value",
                     "decimals", "unit", "place", "note")
    ):
        claims_by_study[study_id].append(ClaimInput(
            level=level, value=float(value), unit=unit, place=place,
            product=code_of_product.get(sp_id, "") if sp_id else "", stage=stage,
            factor=factor_code, decimals=decimals, note=note,
        ))
    return {
        pk: StudyInput(
            report_number=study.report_number,
            gwp_set=study.gwp_set,
            boundary=study.boundary,
            # CO2e factors are already characterised: their GWP is 1 by definition.
            gwp=MappingProxyType({"CO2e": 1.0, **gwp_by_version.get(
                study.gwp_version_id or current_gwp.get(study.gwp_set, 0), {})}),
            factors=MappingProxyType(factors_by_study[pk]),
            products=tuple(products_by_study[pk]),
            library=library,
            claims=tuple(claims_by_study[pk]),
        )
        for pk, study in by_id.items()
    }
