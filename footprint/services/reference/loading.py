"""The starter factor library and GWP values shipped with the application.

Source files are copies of the reference facts (`footprint/data/reference/`), each row with its
published source. Loading is an upgrade path: it adds what is missing and never rewrites what
exists — a factor or GWP edition that a study uses never changes underneath it. GWP values come
in editions (`gwp_sets.json`): a correction is a new version with its reason.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from ...choices import FROZEN_STATUSES
from ...models import EmissionFactor, GwpSetVersion, GwpValue, Study, StudyGwpChange
from .. import data_version
from ..formatting import value_decimals

DATA_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"

# gwp_100.csv names gases by formula; the study format names HFC-134a by its trade name.
_GAS_BY_FORMULA = {"CH2FCF3": "HFC-134a"}


@dataclass(frozen=True)
class LoadReport:
    factors_created: int
    factors_existing: int
    gwp_created: int
    gwp_existing: int
    # Editions whose stored values differ from the shipped ones (kept as they are).
    gwp_conflicts: tuple[str, ...] = ()
    studies_moved: int = 0


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _mass_unit(numerator: str) -> str:
    # "kg CO2" → "kg": the gas is its own field; the unit is mass of that gas.
    return numerator.split()[0]


def reference_factors() -> list[dict]:
    """The reference factors as model field dicts."""
    factors = []
    for row in _rows("emission_factors_cn.csv"):
        factors.append(
            {
                "code": row["code"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "category": row["category"],
                "value": Decimal(row["value"]),
                # As published: "0.5500" → 4 decimals, kept when printed.
                "value_decimals": value_decimals(row["value"].strip()),
                "unit": f"{_mass_unit(row['numerator_unit'])}/{row['denominator_unit']}",
                "gas": row["gas"],
                "region": row["region"],
                "year": int(row["data_year"]),
                "source": row["source"],
                "published": row["published"],
                "notes": row["notes"],
            }
        )
    for row in _rows("fuel_defaults_cn.csv"):
        factors.append(
            {
                "code": row["code"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"],
                "category": "fuel",
                "value": None,
                "ncv": f"{row['ncv_value']} {row['ncv_unit']}",
                "carbon_content": f"{row['carbon_content_tC_per_TJ']} t/TJ",
                "oxidation_rate": Decimal(row["oxidation_rate"]),
                # CO2 per kg of fuel: ledgers record diesel in kg.
                "unit": "kg/kg",
                "gas": "CO2",
                "region": "CN",
                "year": None,
                "source": row["source"],
                "notes": row["notes"],
            }
        )
    return factors


@dataclass(frozen=True)
class GwpEdition:
    """One edition of a GWP set as shipped in gwp_sets.json, with all its values."""

    gwp_set: str
    version: int
    source: str
    reason: str
    reason_en: str
    values: dict[str, Decimal]


def gwp_editions() -> list[GwpEdition]:
    """Every shipped edition, oldest first; a correction lists only the values it changes and
    inherits the rest from the version before it."""
    data = json.loads((DATA_DIR / "gwp_sets.json").read_text(encoding="utf-8"))
    editions: list[GwpEdition] = []
    latest: dict[str, dict[str, Decimal]] = {}
    for e in sorted(data["editions"], key=lambda e: (e["gwp_set"], e["version"])):
        if "values" in e:
            values = {gas: Decimal(v) for gas, v in e["values"].items()}
        else:
            values = {**latest[e["gwp_set"]], **{gas: Decimal(v) for gas, v in e["changes"].items()}}
        latest[e["gwp_set"]] = values
        editions.append(GwpEdition(e["gwp_set"], e["version"], e["source"], e.get("reason", ""),
                                   e.get("reason_en", ""), values))
    return editions


def gas_names() -> dict[str, str]:
    return {_GAS_BY_FORMULA.get(row["formula"], row["formula"]): row["gas"]
            for row in _rows("gwp_100.csv")}


def reference_gwp() -> dict[str, dict[str, Decimal]]:
    """The values of gwp_100.csv by set and gas (the newest edition of each set must equal it)."""
    values: dict[str, dict[str, Decimal]] = {}
    for row in _rows("gwp_100.csv"):
        gas = _GAS_BY_FORMULA.get(row["formula"], row["formula"])
        for gwp_set in ("AR4", "AR5", "AR6"):
            values.setdefault(gwp_set, {})[gas] = Decimal(row[gwp_set])
    return values


@transaction.atomic
def load_reference_data() -> LoadReport:
    """The upgrade path for reference data: adds missing factors and GWP editions, never
    rewrites one that exists. When a set gets a newer edition, the studies that are not issued
    move to it (`gwp_version_adopt`); issued ones keep the values they were signed with."""
    created = existing = 0
    known = set(EmissionFactor.objects.values_list("code", flat=True))
    for data in reference_factors():
        if data["code"] in known:
            existing += 1
            continue
        factor = EmissionFactor(**data)
        factor.full_clean()
        factor.save()
        created += 1
    gwp_created = gwp_existing = 0
    conflicts: list[str] = []
    new_current: dict[str, GwpSetVersion] = {}
    names = gas_names()
    for edition in gwp_editions():
        version = GwpSetVersion.objects.filter(gwp_set=edition.gwp_set, version=edition.version).first()
        if version is not None:
            gwp_existing += 1
            stored = {v.gas: v.value for v in version.values.all()}
            if stored != edition.values:
                # Never rewritten: studies may have been computed (and signed) with it.
                conflicts.append(f"{version}")
            continue
        version = GwpSetVersion.objects.create(
            gwp_set=edition.gwp_set, version=edition.version, source=edition.source,
            reason=edition.reason, reason_en=edition.reason_en, is_current=False,
        )
        bulk_create_with_history(
            [GwpValue(set_version=version, gas=gas, value=value, name=names.get(gas, ""))
             for gas, value in edition.values.items()],
            GwpValue,
        )
        gwp_created += 1
        newest = GwpSetVersion.objects.filter(gwp_set=edition.gwp_set).order_by("-version").first()
        if newest.pk == version.pk:
            GwpSetVersion.objects.filter(gwp_set=edition.gwp_set).update(is_current=False)
            GwpSetVersion.objects.filter(pk=version.pk).update(is_current=True)
            new_current[version.gwp_set] = version
        # update() and bulk_create send no signal: every report prints the current editions.
        data_version.touch_all()
    moved = 0
    for version in new_current.values():
        version.refresh_from_db()
        moved += len(gwp_version_adopt(version=version))
    return LoadReport(created, existing, gwp_created, gwp_existing, tuple(conflicts), moved)


@transaction.atomic
def gwp_version_adopt(*, version: GwpSetVersion) -> list[Study]:
    """Move every study of `version`'s set that is not frozen to `version`: one history line
    and one StudyGwpChange each. Issued and superseded studies keep their edition."""
    moved = []
    studies = (Study.objects.select_for_update().filter(gwp_set=version.gwp_set)
               .exclude(status__in=FROZEN_STATUSES).exclude(gwp_version=version))
    for study in studies:
        previous = study.gwp_version or GwpSetVersion.objects.filter(
            gwp_set=version.gwp_set, version=1).first()
        study.gwp_version = version
        study._change_reason = version.reason
        study.save(update_fields=["gwp_version", "updated_at"])
        if previous is not None and previous.pk != version.pk:
            StudyGwpChange.objects.create(study=study, from_version=previous, to_version=version)
        moved.append(study)
    return moved
