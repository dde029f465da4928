"""Formatting for the web pages: numbers with their precision, status badges, stage names."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html

from ..choices import Stage, StudyStatus

register = template.Library()

_BADGE = {
    StudyStatus.DRAFT: "text-bg-secondary",
    StudyStatus.CLIENT_REVIEW: "text-bg-info",
    StudyStatus.CHANGES_REQUESTED: "text-bg-warning",
    StudyStatus.CLIENT_CONFIRMED: "text-bg-primary",
    StudyStatus.TECHNICAL_REVIEW: "text-bg-info",
    StudyStatus.APPROVED: "text-bg-success",
    StudyStatus.ISSUED: "text-bg-success",
    StudyStatus.SUPERSEDED: "text-bg-dark",
}


def kg_text(value) -> str:
    """kgCO₂e are shown with three decimals (the precision of the seed report's tables)."""
    if value is None or value == "":
        return "—"
    return f"{float(value):,.3f}"


def plain_text(value) -> str:
    """A stored quantity without the column's trailing zeros: 281683.000000 → 281,683."""
    if value is None or value == "":
        return "—"
    number = Decimal(str(value)).normalize()
    if number == number.to_integral():
        return f"{number.quantize(Decimal(1)):,}"
    return f"{number:,f}"


def pct_text(value, decimals: int = 1) -> str:
    if value is None:
        return "—"
    return f"{float(value):.{decimals}f} %"


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
    if value is None or value == "":
        return "—"
    number = float(value)
    if abs(number) < 0.0005:
        return f"{0:.3f}"
    return f"{number:+,.3f}"


@register.filter
def signed_pct(fraction) -> str:
    """A deviation given as a fraction (0.0584) shown as a signed percentage (+5.84 %)."""
    if fraction is None:
        return "—"
    return f"{float(fraction) * 100:+.2f} %"


@register.filter
def stage_label(stage: str) -> str:
    try:
        return str(Stage(stage).label)
    except ValueError:
        return stage


@register.simple_tag
def status_badge(study) -> str:
    css = _BADGE.get(study.status, "text-bg-secondary")
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
