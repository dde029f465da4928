"""Studies built in the web application: the study itself, its products and narrative."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ...choices import NARRATIVE_SECTIONS, STAGE_ORDER, Role
from ...models import Company, LifecycleStage, Product, Study, StudyProduct
from ...selectors import current_gwp_version
from ..freeze import company_move_refusal, ensure_company_changeable, ensure_study_editable
from ..report_prose.translation import TRANSLATION_LANGUAGES, normalise, with_language

STUDY_FIELDS = (
    "report_number", "title", "language", "standards", "period_start", "period_end", "gwp_set",
    "boundary", "certification_body",
)


@transaction.atomic
def study_create(*, user, company: Company, fields: dict[str, Any]) -> Study:
    """Create a draft study; an auditor who creates it is assigned to it."""
    study = Study(
        company=company,
        created_by=user if user is not None and user.pk else None,
        **{k: v for k, v in fields.items() if k in STUDY_FIELDS},
    )
    study.gwp_version = current_gwp_version(study.gwp_set)
    study.full_clean()
    study.save()
    if user is not None and getattr(user, "role", None) == Role.AUDITOR:
        study.auditors.add(user)
    return study


@transaction.atomic
def study_update(*, study: Study, fields: dict[str, Any], company: Company | None = None) -> Study:
    """Edit a study's scope. The report number is its identity (URLs, files, the issued PDF's
    verification code) and does not change here; the company only while no product is in."""
    ensure_study_editable(study)
    if company is not None and company.pk != study.company_id:
        moved = company_move_refusal(study, company.name)
        if moved:
            raise ValidationError({"company": moved})
        if study.study_products.exists():
            raise ValidationError({"company": _("报告已有产品，不能更换企业。")})
        study.company = company
    for name, value in fields.items():
        if name in STUDY_FIELDS and name != "report_number":
            setattr(study, name, value)
    if study.gwp_version is None or study.gwp_version.gwp_set != study.gwp_set:
        # Another IPCC set: its current edition.
        study.gwp_version = current_gwp_version(study.gwp_set)
    study.full_clean()
    study.save()
    return study


@transaction.atomic
def study_product_add(*, study: Study, product: Product, annual_output: Decimal) -> StudyProduct:
    """Add a product of the study's company, with its six (empty) lifecycle stages."""
    ensure_study_editable(study)
    if product.company_id != study.company_id:
        raise ValidationError({"product": _("只能添加本报告企业的产品。")})
    if StudyProduct.objects.filter(study=study, product=product).exists():
        raise ValidationError({"product": _("该产品已在报告中。")})
    position = (StudyProduct.objects.filter(study=study).aggregate(m=Max("position"))["m"] or 0) + 1
    study_product = StudyProduct(
        study=study, product=product, annual_output=annual_output, position=position
    )
    study_product.full_clean()
    study_product.save()
    for stage in STAGE_ORDER:
        LifecycleStage.objects.create(study_product=study_product, stage=stage)
    study.save(update_fields=["updated_at"])
    return study_product


@transaction.atomic
def study_product_update(*, study_product: StudyProduct, annual_output: Decimal) -> StudyProduct:
    ensure_study_editable(study_product.study)
    study_product.annual_output = annual_output
    study_product.full_clean()
    study_product.save()
    study_product.study.save(update_fields=["updated_at"])
    return study_product


@transaction.atomic
def study_product_remove(*, study_product: StudyProduct) -> None:
    """Remove a product from a study, with its stages and activity records."""
    study = study_product.study
    ensure_study_editable(study)
    study_product.delete()
    study.save(update_fields=["updated_at"])


@transaction.atomic
def study_narrative_update(
    *, study: Study, fields: dict[str, str], company_overview: str | None = None
) -> Study:
    """Save the narrative sections; an empty section means "use the default paragraph"."""
    ensure_study_editable(study)
    for key in NARRATIVE_SECTIONS:
        if key in fields:
            setattr(study, key, (fields[key] or "").strip())
    study.full_clean()
    study.save()
    if company_overview is not None and company_overview.strip() != study.company.overview:
        # The overview is the company's, shared with its other studies (issued ones too).
        company = study.company
        ensure_company_changeable(company)
        company.overview = company_overview.strip()
        company.full_clean()
        company.save()
    return study


def study_translations_update(*, study: Study, language: str, texts: dict[str, str],
                              terms: dict[str, str]) -> Study:
    """Save the study's own text in `language` (the English report's wording); empty
    entries are dropped, so the report prints the text as entered there."""
    ensure_study_editable(study)
    if language not in TRANSLATION_LANGUAGES:
        raise ValidationError(_("不支持的报告语言：%(language)s。") % {"language": language})
    study.translations = with_language(study.translations, language, normalise(texts, terms))
    study.full_clean()
    study.save(update_fields=["translations", "updated_at"])
    return study
