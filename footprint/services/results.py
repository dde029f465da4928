"""A study's results: its facts (services/facts, one read for many studies) turned into the
calculation's plain input and run through the pure calculation. Numbers are never stored: every
page, export, report and API response recomputes them here."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from ..models import EmissionFactor, Study
from ..selectors import gwp_tables
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


def study_results(study: Study) -> StudyResult:
    """Recompute every number of a study from its activity data and factors."""
    return calculate_study(study_calculation_input(study))


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
