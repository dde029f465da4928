"""Companies and their products, created and edited from the web application."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..models import Company, Product
from .freeze import ensure_company_changeable, ensure_product_changeable

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
    # Compare with the stored row: a bound ModelForm has already copied its data onto `company`.
    stored = Company.objects.get(pk=company.pk)
    changes = {k: v for k, v in fields.items() if k in COMPANY_FIELDS and getattr(stored, k) != v}
    if not changes:
        return company
    ensure_company_changeable(stored)
    for name, value in changes.items():
        setattr(company, name, value)
    company.full_clean()
    company.save()
    return company


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
    stored = Product.objects.get(pk=product.pk)  # not the form's copy (see company_update)
    changes = {k: v for k, v in fields.items() if k in PRODUCT_FIELDS and getattr(stored, k) != v}
    if not changes:
        return product
    ensure_product_changeable(stored)
    for name, value in changes.items():
        setattr(product, name, value)
    product.full_clean()
    product.save()
    return product
