"""PACT particulars of a product in `pcf-study/1` (optional keys, docs/study-format.md): read,
checked and written in one place for the JSON document, the workbook and the export.

What a PACT ProductFootprint requires and the calculation does not yield (docs/pact.md), named
like the StudyProduct fields so that a workbook column carries each. Empty means unknown; a
document without them reads as before.
"""

from __future__ import annotations

from decimal import Decimal

# key → (integer digits and decimals the column has room for, maximum)
PACT_PRODUCT_FIELDS: dict[str, tuple[int, int, Decimal | None]] = {
    "mass_per_unit_kg": (12, 6, None),
    "fossil_carbon_kg": (12, 6, None),
    "biogenic_carbon_kg": (12, 6, None),
    "exempted_emissions_pct": (4, 3, Decimal(100)),
}
PACT_PRODUCT_COLUMNS = tuple(PACT_PRODUCT_FIELDS)


def too_many_decimals(number: Decimal | None, decimals: int) -> bool:
    """More decimals than the column keeps: they would be rounded away silently on saving.
    (The fields are read from their description in interchange/validation.py.)"""
    return number is not None and number.normalize().as_tuple().exponent < -decimals


def write_pact_fields(entry: dict, study_product) -> None:
    """Add the known PACT particulars of a StudyProduct to its export entry."""
    from .writing import plain_number

    for name in PACT_PRODUCT_COLUMNS:
        value = getattr(study_product, name)
        if value is not None:
            entry[name] = plain_number(value)
