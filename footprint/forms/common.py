"""Helpers every form module shares: the crispy layout and the small widgets, and how a
decimal is shown in an input.
"""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms


def plain_decimal(value):
    """281683.000000000 → 281683, so an edit form shows what was typed, not the column's scale."""
    if isinstance(value, Decimal):
        normalized = value.normalize()
        return normalized.quantize(Decimal(1)) if normalized == normalized.to_integral() else normalized
    return value


SMALL = {"class": "form-control form-control-sm"}
SMALL_SELECT = {"class": "form-select form-select-sm"}


def form_helper(*layout, submit: str | None = None) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    if submit:
        helper.add_input(Submit("save", submit))
    return helper


def check_distribution(form: forms.Form, cleaned: dict, value) -> None:
    """The distribution's parameters fit its kind and the entered value (the same checks as the
    file format's, services/interchange/distribution_fields.py)."""
    from ..services.interchange.distribution_fields import PARAMETERS, distribution_problems

    params = {name: cleaned.get(name) for name in PARAMETERS}
    for name, message in distribution_problems(cleaned.get("distribution") or "", params, value).items():
        if name not in form.errors:
            form.add_error(name, message)
