"""Activity records and stage boundaries, edited stage by stage in the web application."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ...models import ActivityRecord, EmissionFactor, LifecycleStage
from .. import data_version
from ..calculation.units import (
    UnitError,
    UnitSyntaxError,
    activity_unit_of,
    emission_multiplier,
    parse_unit,
)
from ..freeze import ensure_study_editable

STAGE_BOUNDARY_FIELDS = ("included", "excluded", "exclusion_reason")


def activity_unit_problem(unit: str, factor: EmissionFactor | None) -> str | None:
    """Why `unit` cannot be used with `factor`, in the active language; None when it can."""
    unit = (unit or "").strip()
    if not unit:
        return _("必填。")
    try:
        parse_unit(unit)
    except UnitSyntaxError as exc:
        return str(exc)  # says why it is not a unit (an exponent, a bracket, its length)
    except UnitError:
        return _("无法识别的单位 %(unit)s。") % {"unit": unit}
    if factor is None:
        return None
    try:
        emission_multiplier(unit, factor.unit)
    except UnitError:
        try:
            expected = activity_unit_of(factor.unit)
        except UnitError:
            expected = "?"
        return _(
            "单位 %(unit)s 无法与排放因子 %(factor)s 的单位 %(factor_unit)s 相乘得到质量"
            "（应为 %(expected)s 或可换算的单位）。"
        ) % {"unit": unit, "factor": factor.code, "factor_unit": factor.unit, "expected": expected}
    return None


@transaction.atomic
@data_version.batched
def stage_activities_save(
    *,
    stage: LifecycleStage,
    boundary: dict[str, str] | None = None,
    new: Sequence[ActivityRecord] = (),
    changed: Sequence[ActivityRecord] = (),
    deleted: Sequence[ActivityRecord] = (),
) -> None:
    """Save one stage's boundary statement and its added, changed and deleted activity rows,
    all or nothing. New rows go to the end of the product's document order."""
    study_product = stage.study_product
    ensure_study_editable(study_product.study)
    for record in (*changed, *deleted):
        if record.stage_id != stage.pk:
            raise ValidationError(_("活动数据不属于该阶段。"))

    if boundary is not None:
        values = {name: (boundary[name] or "").strip() for name in STAGE_BOUNDARY_FIELDS if name in boundary}
        # Compared with the stored row, not the instance: a bound ModelForm has already put the
        # posted values on it. A page posted back unchanged changes nothing (nor the data version).
        stored = (LifecycleStage.objects.filter(pk=stage.pk).values(*values).first()
                  if stage.pk is not None else None)
        for name, value in values.items():
            setattr(stage, name, value)
        if stored is None or any(stored[name] != value for name, value in values.items()):
            stage.full_clean()
            stage.save()

    for record in deleted:
        record.delete()
    next_position = (
        ActivityRecord.objects.filter(stage__study_product=study_product)
        .aggregate(m=Max("position"))["m"]
    )
    next_position = -1 if next_position is None else next_position
    for record in new:
        next_position += 1
        record.stage = stage
        record.position = next_position
    for record in (*new, *changed):
        _validate(record)
        record.save()
    study_product.study.save(update_fields=["updated_at"])


def _validate(record: ActivityRecord) -> None:
    record.full_clean()
    problem = activity_unit_problem(record.unit, record.factor)
    if problem:
        raise ValidationError({"unit": problem})


RATING_FIELDS = ("dq_reliability", "dq_completeness", "dq_temporal", "dq_geographical", "dq_technological")
_UNCHANGED = object()


@transaction.atomic
def activity_verification_record(*, activity: ActivityRecord, verification: str | None = None,
                                 verified_evidence=_UNCHANGED, ratings: dict | None = None) -> ActivityRecord:
    """Record how the auditor checked one figure (its verification status and the evidence
    file it was verified against) and its data-quality ratings (pedigree 1–5, None clears).
    The stage editor's rules: "verified" names a file of the same study; any other status
    names none (a file given with it is dropped)."""
    from ...choices import VerificationStatus
    from ...models import Study

    study = Study.objects.select_for_update().get(pk=activity.stage.study_product.study_id)
    ensure_study_editable(study)
    if verification is not None:
        activity.verification = verification
    if verified_evidence is not _UNCHANGED:
        activity.verified_evidence = verified_evidence
    if activity.verification != VerificationStatus.VERIFIED:
        activity.verified_evidence = None
    elif activity.verified_evidence is None:
        raise ValidationError({"verified_evidence": [_("“已对照证据核实”需要选择核实依据的证据文件。")]})
    elif activity.verified_evidence.study_id != study.pk:
        raise ValidationError({"verified_evidence": [_("所选证据文件不属于本报告。")]})
    for name, value in (ratings or {}).items():
        if name not in RATING_FIELDS:
            raise ValueError(name)
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    study.save(update_fields=["updated_at"])
    return activity
