"""Emission factor library: versions instead of edits, so no study's numbers change silently."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from ...models import ActivityRecord, EmissionFactor
from ..calculation.units import fuel_factor_value
from ..formatting import factor_value as format_factor_value
from ..formatting import value_decimals

_VERSIONED_FIELDS = (
    "name_zh", "name_en", "category", "value", "ncv", "carbon_content", "oxidation_rate",
    "unit", "gas", "year", "region", "source", "published", "notes", "value_decimals",
    "distribution", "distribution_gsd2", "distribution_sd", "distribution_low", "distribution_high",
    "licence_note", "redistribution_allowed",
)


def _with_value_decimals(changes: dict[str, Any]) -> dict[str, Any]:
    """A new value brings the decimals it was entered with (Decimal('0.5500') → 4), unless
    the caller says otherwise."""
    if "value" in changes and "value_decimals" not in changes:
        value = changes["value"]
        return {**changes, "value_decimals": None if value is None else value_decimals(value)}
    return changes


def factor_is_used(factor_id: int) -> bool:
    return ActivityRecord.objects.filter(factor_id=factor_id).exists()


@transaction.atomic
def factor_revise(*, factor: EmissionFactor, changes: dict[str, Any]) -> EmissionFactor:
    """Create the next version of `factor` with `changes` applied; the old version stays as it
    was (studies that use it keep their numbers) and stops being current."""
    latest = (
        EmissionFactor.objects.select_for_update()
        .filter(code=factor.code)
        .aggregate(v=Max("version"))["v"]
    )
    changes = _with_value_decimals(changes)
    new = EmissionFactor(
        code=factor.code,
        version=(latest or factor.version) + 1,
        family=factor.family,
        **{f: getattr(factor, f) for f in _VERSIONED_FIELDS},
    )
    for name, value in changes.items():
        if name in _VERSIONED_FIELDS:
            setattr(new, name, value)
    new.full_clean()
    EmissionFactor.objects.filter(code=factor.code).update(is_current=False)
    new.is_current = True
    new.save()
    return new


@transaction.atomic
def factor_update(*, factor: EmissionFactor, changes: dict[str, Any]) -> EmissionFactor:
    """Edit a factor: in place while no study uses it, otherwise as a new version."""
    if factor_is_used(factor.pk):
        return factor_revise(factor=factor, changes=changes)
    for name, value in _with_value_decimals(changes).items():
        if name in _VERSIONED_FIELDS:
            setattr(factor, name, value)
    factor.full_clean()
    factor.save()
    return factor


def factor_value(factor: EmissionFactor) -> float:
    """A factor's value in its own unit; fuel factors are derived from their parameters."""
    if factor.value is not None:
        return float(factor.value)
    return fuel_factor_value(
        factor.ncv, factor.carbon_content, float(factor.oxidation_rate), factor.unit
    )


def factor_derivation_text(factor: EmissionFactor) -> str:
    """How a fuel factor's value follows from its parameters, for the library and the report:
    '43.330 GJ/t × 20.20 t/TJ × 0.98 × 44/12 = 3.145 kg/kg' (four significant digits, as every
    derived factor prints: docs/numbers.md)."""
    if factor.value is not None:
        return ""
    return (
        f"{factor.ncv} × {factor.carbon_content} × {factor.oxidation_rate.normalize()} × 44/12 "
        f"= {format_factor_value(factor_value(factor))} {factor.unit}"
    )


@transaction.atomic
def factor_create(*, fields: dict[str, Any]) -> EmissionFactor:
    """Add a new factor code to the library (version 1, current)."""
    fields = _with_value_decimals(fields)
    factor = EmissionFactor(
        code=fields["code"], version=1, is_current=True,
        **{f: fields.get(f) for f in _VERSIONED_FIELDS if f in fields},
    )
    factor.full_clean()
    factor.save()
    return factor
