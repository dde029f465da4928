"""Physical units: the one place where quantities change unit (pint).

An activity is `quantity [activity unit]`; a factor is `value [mass of gas / activity unit]`.
Their product must be a mass; the multiplier that turns it into kilograms depends only on the
two unit strings, so it is computed once per pair and cached (pint parsing is slow).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pint

# One registry for the process: pint quantities from different registries cannot be mixed.
ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
# Spellings met in Chinese ledgers and reports (the seed prints "kwh").
ureg.define("kwh = kilowatt_hour")
ureg.define("mwh = megawatt_hour")
ureg.define("tkm = tonne * kilometer")

_CO2_PER_C = 44.0 / 12.0  # molar mass ratio CO2/C: one tonne of carbon oxidises to 44/12 t CO2


class UnitError(ValueError):
    """A unit string is unknown, or two units cannot be combined as required."""


@lru_cache(maxsize=1024)
def parse_unit(unit: str) -> pint.Unit:
    """Parse a unit string; raise UnitError with the offending text when pint does not know it."""
    text = (unit or "").strip()
    if not text:
        raise UnitError("empty unit")
    try:
        parsed = ureg.parse_units(text)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, AttributeError,
            TypeError, ValueError, AssertionError) as exc:
        raise UnitError(f"unknown unit: {text}") from exc
    return parsed


def is_valid_unit(unit: str) -> bool:
    try:
        parse_unit(unit)
    except UnitError:
        return False
    return True


@lru_cache(maxsize=4096)
def emission_multiplier(activity_unit: str, factor_unit: str) -> float:
    """Kilograms of gas per (1 activity_unit × 1 factor_unit).

    `kWh` with `kg/kWh` → 1.0; `MWh` with `kg/kWh` → 1000.0; `t` with `kg/kg` → 1000.0.
    Raises UnitError when the product is not a mass (e.g. `kg` with `kg/kWh`).
    """
    product = (1 * parse_unit(activity_unit)) * (1 * parse_unit(factor_unit))
    if product.dimensionality != ureg.kilogram.dimensionality:
        raise UnitError(f"{activity_unit} × {factor_unit} is not a mass")
    return float(product.to(ureg.kilogram).magnitude)


def activity_unit_of(factor_unit: str) -> str:
    """The activity unit a factor expects, for display: 'kg/kWh' → 'kWh'."""
    numerator, slash, denominator = factor_unit.partition("/")
    if slash and denominator.strip():
        return denominator.strip().removeprefix("(").removesuffix(")")
    return f"{(ureg.kilogram / parse_unit(factor_unit)):~P}"


@lru_cache(maxsize=256)
def fuel_factor_value(ncv: str, carbon_content: str, oxidation_rate: float, factor_unit: str) -> float:
    """CO2 factor of a fuel: NCV × carbon content per unit heat × oxidation rate × 44/12,
    expressed in `factor_unit` (e.g. 43.330 GJ/t × 20.20 t/TJ × 0.98 × 44/12 = 3.1451 kg/kg)."""
    try:
        ncv_q = ureg.Quantity(ncv)
        carbon_q = ureg.Quantity(carbon_content)
    except (pint.errors.UndefinedUnitError, pint.errors.DefinitionSyntaxError, ValueError,
            AttributeError, TypeError, AssertionError) as exc:
        raise UnitError(f"cannot read fuel derivation {ncv!r} / {carbon_content!r}") from exc
    co2 = ncv_q * carbon_q * float(oxidation_rate) * _CO2_PER_C
    target = parse_unit(factor_unit)
    try:
        value = float(co2.to(target).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(f"{ncv} × {carbon_content} cannot be expressed in {factor_unit}") from exc
    if not math.isfinite(value):
        raise UnitError("derived factor is not finite")
    return value


def conversion_factor(from_unit: str, to_unit: str) -> float:
    """How many `to_unit` one `from_unit` is (both the same dimension)."""
    try:
        return float((1 * parse_unit(from_unit)).to(parse_unit(to_unit)).magnitude)
    except pint.errors.DimensionalityError as exc:
        raise UnitError(f"{from_unit} cannot become {to_unit}") from exc


# ------------------------------------------------------------- units printed in reports
# Reports print "kgCO₂e/台", "tCO₂e/件", "kgCO₂ eq", "kgCO2/kWh": a mass, the gas, and per what.
_GAS_WORD = re.compile(r"\s*CO[2₂]\s*(?:-?\s*e\s*q?\.?)?", re.IGNORECASE)
_MASS_TO_KG = {"g": 0.001, "kg": 1.0, "t": 1000.0, "kt": 1e6, "Mt": 1e9}
_PRINTED_TOTAL = re.compile(r"^\s*(?P<mass>g|kg|t|kt|Mt)\s*CO[2₂]", re.IGNORECASE)


def printed_total_unit(unit: str) -> tuple[float, str]:
    """Kilograms per printed mass unit and the "per" part of a printed total's unit:
    'kgCO₂e/台' → (1.0, '台'); 'tCO₂e/件' → (1000.0, '件'). UnitError if it is not a CO₂ mass."""
    match = _PRINTED_TOTAL.match(unit or "")
    if not match:
        raise UnitError(f"not a CO2 mass: {unit}")
    mass = match.group("mass")
    kg = _MASS_TO_KG.get(mass) or _MASS_TO_KG.get(mass.lower()) or _MASS_TO_KG[mass.capitalize()]
    _head, _slash, per = _GAS_WORD.sub("", unit, count=1).partition("/")
    return kg, per.strip()


def printed_factor_unit(unit: str) -> str:
    """A printed factor unit without its gas: 'kgCO₂/kWh' → 'kg/kWh' (pint does not know CO₂)."""
    return _GAS_WORD.sub("", unit or "", count=1).strip()


def ncv_per_activity_unit(ncv: str, factor_unit: str) -> float:
    """A fuel's net calorific value in MJ per activity unit of `factor_unit`:
    '43.330 GJ/t' with 'kg/kg' → 43.33 (MJ per kg)."""
    try:
        heat = ureg.Quantity(ncv) * (1 * ureg.kilogram / parse_unit(factor_unit))
        return float(heat.to(ureg.megajoule).magnitude)
    except (pint.errors.PintError, ValueError, AttributeError, TypeError, AssertionError) as exc:
        raise UnitError(f"cannot express {ncv} per activity unit of {factor_unit}") from exc
