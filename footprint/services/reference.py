"""The starter factor library and GWP values shipped with the application.

Source files are copies of the reference facts (`footprint/data/reference/`), each row with its
published source. Loading is idempotent: existing codes are left exactly as they are, so a
factor that a study uses never changes underneath it.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from ..models import EmissionFactor, GwpValue
from .formatting import value_decimals

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "reference"

# gwp_100.csv names gases by formula; the study format names HFC-134a by its trade name.
_GAS_BY_FORMULA = {"CH2FCF3": "HFC-134a"}


@dataclass(frozen=True)
class LoadReport:
    factors_created: int
    factors_existing: int
    gwp_created: int
    gwp_existing: int


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


def reference_gwp() -> list[dict]:
    values = []
    for row in _rows("gwp_100.csv"):
        gas = _GAS_BY_FORMULA.get(row["formula"], row["formula"])
        for gwp_set in ("AR4", "AR5", "AR6"):
            values.append(
                {
                    "gas": gas,
                    "gwp_set": gwp_set,
                    "value": Decimal(row[gwp_set]),
                    "name": row["gas"],
                    "notes": row["notes"],
                }
            )
    return values


@transaction.atomic
def load_reference_data() -> LoadReport:
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
    for data in reference_gwp():
        _, was_created = GwpValue.objects.get_or_create(
            gas=data["gas"], gwp_set=data["gwp_set"], defaults=data
        )
        gwp_created += was_created
        gwp_existing += not was_created
    return LoadReport(created, existing, gwp_created, gwp_existing)
