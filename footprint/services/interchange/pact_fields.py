"""PACT particulars of a product in `pcf-study/1` (optional keys, docs/study-format.md): read,
checked and written in one place for the JSON document, the workbook and the export.

What a PACT ProductFootprint requires and the calculation does not yield (docs/pact.md), named
like the StudyProduct fields so that a workbook column carries each. Empty means unknown; a
document without them reads as before.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

# key → (integer digits and decimals the column has room for, maximum)
PACT_PRODUCT_FIELDS: dict[str, tuple[int, int, Decimal | None]] = {
    "mass_per_unit_kg": (12, 6, None),
    "fossil_carbon_kg": (12, 6, None),
    "biogenic_carbon_kg": (12, 6, None),
    "exempted_emissions_pct": (4, 3, Decimal(100)),
}
PACT_PRODUCT_COLUMNS = tuple(PACT_PRODUCT_FIELDS)


def read_pact_fields(v, obj: dict, path: tuple) -> dict[str, Decimal | None]:
    """The PACT keys of a product object, checked by the format's reader `v`
    (interchange/validation.py's validator)."""
    out: dict[str, Decimal | None] = {}
    for name, (digits, decimals, maximum) in PACT_PRODUCT_FIELDS.items():
        number = v.number(obj, name, path, minimum=0, maximum=maximum, integer_digits=digits)
        # more decimals than the column keeps would be rounded away silently on saving
        if number is not None and number.normalize().as_tuple().exponent < -decimals:
            v.problem((*path, name), _("最多保留 %(n)s 位小数。") % {"n": decimals})
            number = None
        out[name] = number
    return out


def write_pact_fields(entry: dict, study_product) -> None:
    """Add the known PACT particulars of a StudyProduct to its export entry."""
    from .writing import plain_number

    for name in PACT_PRODUCT_COLUMNS:
        value = getattr(study_product, name)
        if value is not None:
            entry[name] = plain_number(value)
