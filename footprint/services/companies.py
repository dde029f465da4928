"""Companies and their products, created and edited from the web application."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from ..models import Company, Product, Study
from .freeze import ensure_study_editable

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
    # Issued reports keep what they printed (their PDF and snapshot), so a company may change
    # its address or contact after a report was issued.
    for name, value in fields.items():
        if name in COMPANY_FIELDS:
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
    """Edit a product. Refused while an issued study uses it: its name, code and functional
    unit are part of the issued figures (kgCO₂e per functional unit)."""
    for study in Study.objects.filter(study_products__product=product).distinct():
        ensure_study_editable(study)
    for name, value in fields.items():
        if name in PRODUCT_FIELDS:
            setattr(product, name, value)
    product.full_clean()
    product.save()
    return product
