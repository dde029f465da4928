"""Companies and their products, created and edited from the web application."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ...models import Company, Product
from ..freeze import ensure_company_changeable, ensure_product_changeable

COMPANY_FIELDS = (
    "name", "credit_code", "address", "legal_representative", "contact_name", "contact_phone",
    "overview",
)
PRODUCT_FIELDS = ("code", "name", "model", "functional_unit", "description", "energy_using")


@transaction.atomic
def company_create(*, fields: dict[str, Any]) -> Company:
    company = Company(**{k: v for k, v in fields.items() if k in COMPANY_FIELDS})
    company.full_clean()
    company.save()
    return company


@transaction.atomic
def company_update(*, company: Company, fields: dict[str, Any]) -> Company:
    """Edit a company. Refused (naming them) while an issued study or one under review uses
    it: the report printed its particulars, and the study page, exports and history show them."""
    return _update_shared(company, fields, COMPANY_FIELDS, ensure_company_changeable)


@transaction.atomic
def product_create(*, company: Company, fields: dict[str, Any]) -> Product:
    product = Product(company=company, **{k: v for k, v in fields.items() if k in PRODUCT_FIELDS})
    product.full_clean()
    product.save()
    return product


@transaction.atomic
def product_update(*, product: Product, fields: dict[str, Any]) -> Product:
    """Edit a product. Refused (naming them) while an issued study or one under review uses
    it: its name, code and functional unit are part of the issued figures (kgCO₂e per
    functional unit)."""
    return _update_shared(product, fields, PRODUCT_FIELDS, ensure_product_changeable)


def _update_shared(record, fields: dict[str, Any], allowed, ensure_changeable):
    """Apply the changed `allowed` fields to a company or product that studies share, after
    `ensure_changeable` said it may change. Changes are found against the stored row: a bound
    ModelForm has already copied its data onto `record`."""
    stored = type(record).objects.get(pk=record.pk)
    changes = {k: v for k, v in fields.items() if k in allowed and getattr(stored, k) != v}
    if not changes:
        return record
    ensure_changeable(stored)
    for name, value in changes.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    return record
