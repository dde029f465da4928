"""What a correction of GWP values does to a study's results.

An issued study keeps the GWP edition it was signed with; its page says that a later edition
exists and what it would change. A study that is not issued moves to the corrected edition
(`reference.gwp_version_adopt`); its page says which results moved and by how much. Both are
the same comparison: the study's data computed with one edition and with the other.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from types import MappingProxyType

from ...models import GwpSetVersion, Study, StudyGwpChange
from ...selectors import current_gwp_version, gwp_values, gwp_version_of
from ..calculation.study import StudyResult, calculate_study
from ..formatting import KG_DECIMALS
from ..results import study_calculation_input

# A change smaller than this (kgCO₂e per functional unit) is below the printed precision.
PRINTED_RESOLUTION = 0.5 * 10**-KG_DECIMALS


@dataclass(frozen=True)
class ResultChange:
    """One printed result (a product total, or one of its stages) under two editions."""

    product: str
    product_name: str
    stage: str | None  # None: the product total
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before

    @property
    def relative(self) -> float | None:
        return self.delta / self.before if self.before else None


@dataclass(frozen=True)
class GwpCorrection:
    """A later (or newly adopted) GWP edition and the results it changes."""

    applied: bool  # True: the study moved to `to_version`; False: it could (issued study)
    from_version: GwpSetVersion
    to_version: GwpSetVersion
    changed_gases: tuple[tuple[str, float, float], ...]  # gas, old GWP, new GWP
    changes: tuple[ResultChange, ...]
    when: object = None  # when the study moved


def result_changes(before: StudyResult, after: StudyResult) -> tuple[ResultChange, ...]:
    """Pure: the product totals and stage totals that differ between two results of the same
    study, product by product (totals first)."""
    out: list[ResultChange] = []
    for old in before.products:
        new = after.product(old.code)
        if new is None:
            continue
        if abs(new.total_kgco2e - old.total_kgco2e) >= PRINTED_RESOLUTION:
            out.append(ResultChange(old.code, old.name, None, old.total_kgco2e, new.total_kgco2e))
        for old_stage in old.stages:
            new_stage = new.stage(old_stage.stage)
            if new_stage is not None and abs(new_stage.kgco2e - old_stage.kgco2e) >= PRINTED_RESOLUTION:
                out.append(ResultChange(old.code, old.name, old_stage.stage, old_stage.kgco2e,
                                        new_stage.kgco2e))
    return tuple(out)


def changed_gases(old: dict[str, float], new: dict[str, float]) -> tuple[tuple[str, float, float], ...]:
    return tuple(
        (gas, old.get(gas, math.nan), new.get(gas, math.nan))
        for gas in sorted(set(old) | set(new))
        if old.get(gas) != new.get(gas)
    )


def _compare(study: Study, old: GwpSetVersion, new: GwpSetVersion,
             result: StudyResult | None) -> tuple:
    """The study computed with `old` and with `new`; `result` (the page's own, computed with
    the study's edition) stands for whichever of the two that is."""
    base = study_calculation_input(study)
    old_values, new_values = gwp_values(old), gwp_values(new)

    def computed(version: GwpSetVersion, values: dict[str, float]) -> StudyResult:
        if result is not None and version.pk == study.gwp_version_id:
            return result
        return calculate_study(dataclasses.replace(base, gwp=MappingProxyType(values)))

    before, after = computed(old, old_values), computed(new, new_values)
    return changed_gases(old_values, new_values), result_changes(before, after)


def study_gwp_correction(study: Study, *, result: StudyResult | None = None) -> GwpCorrection | None:
    """For an issued (or superseded) study: the current edition of its set, if newer than the
    one it was signed with. For any other study: the last move to a corrected edition.
    `result`, when given, is the study's own result (the page has it already)."""
    if study.is_frozen:
        pinned = gwp_version_of(study)
        current = current_gwp_version(study.gwp_set)
        if pinned is None or current is None or current.version <= pinned.version:
            return None
        gases, changes = _compare(study, pinned, current, result)
        return GwpCorrection(False, pinned, current, gases, changes)
    move = (StudyGwpChange.objects.filter(study=study, to_version_id=study.gwp_version_id)
            .select_related("from_version", "to_version").first())
    if move is None:
        return None
    gases, changes = _compare(study, move.from_version, move.to_version, result)
    return GwpCorrection(True, move.from_version, move.to_version, gases, changes, move.created_at)
