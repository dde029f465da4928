"""Formatting for the web pages: numbers with their precision, status badges, stage names."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from ..choices import Stage
from ..services import formatting as F
from .workflow_tags import status_badge as badge_class

register = template.Library()


# Every number on the web pages goes through services/formatting.py (docs/numbers.md), the
# module the PDF, the check messages, the narrative and the commands use as well.
def kg_text(value) -> str:
    """kgCO₂e with three decimals (the precision of the seed report's tables)."""
    return F.kg(value)


def plain_text(value) -> str:
    """A stored quantity without the column's trailing zeros: 281683.000000 → 281,683."""
    return F.quantity(value)


def pct_text(value, decimals: int = 1) -> str:
    """A display share in percent (already rounded by the calculation): '84.7 %'."""
    if decimals == F.SHARE_DECIMALS:
        return F.share_text(value)
    text = F.fixed(value, decimals)
    return text if text == F.DASH else text + F.PERCENT


def signed_pct_text(fraction) -> str:
    """A deviation given as a fraction (0.0584) as a signed percentage (+5.84 %)."""
    return F.deviation_text(fraction)


def factor_text(factor) -> str:
    """An emission factor's value with its published decimals (0.5500); a factor derived from
    fuel parameters with the value it derives to (3.145), as its detail page prints it."""
    if factor is None:
        return ""
    if getattr(factor, "value", None) is not None:
        return F.factor_value(factor.value, factor.value_decimals)
    from ..services.reference.factors import factor_value as derived_value

    try:
        return F.factor_value(derived_value(factor))
    except (TypeError, ValueError, ArithmeticError, Exception):  # incomplete parameters
        return ""


@register.filter
def kg(value) -> str:
    return kg_text(value)


@register.filter
def plain(value) -> str:
    return plain_text(value)


@register.filter
def pct(value) -> str:
    return pct_text(value)


@register.filter
def signed_kg(value) -> str:
    """A change in kgCO₂e with its sign (+0.123); a change that prints as zero has none."""
    return F.kg(value, signed=True)


@register.filter
def signed_pct(fraction) -> str:
    return signed_pct_text(fraction)


@register.filter
def factor_value(factor) -> str:
    return factor_text(factor)


@register.filter
def factor_note(note: str) -> str:
    """A factor's note; the starter library's in the current language."""
    from ..services.reference.notes import note_text

    return note_text(note)


@register.filter
def stage_label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


@register.simple_tag
def status_badge(study) -> str:
    css = badge_class(study.status)  # the one colour map, shared with the workflow panel
    return format_html('<span class="badge {}">{}</span>', css, study.get_status_display())


@register.filter
def is_staff_role(user) -> bool:
    """Auditors, lead verifiers and administrators (not company contacts)."""
    from ..access import is_staff_role as staff

    return staff(user)


@register.filter
def may_create_study(user) -> bool:
    """Auditors and administrators create and import studies (footprint/access.py)."""
    from ..access import can_create_study

    return can_create_study(user)
