"""Helpers every form module shares: the crispy layout and the small widgets, and how a
decimal is shown in an input.
"""

from __future__ import annotations

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit


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
