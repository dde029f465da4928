"""Report panel on the study page: downloads (zh/en), HTML preview and the completeness check,
each missing element linked to the page where it is filled in.

The tag only presents: the view builds the panel's data once (views/panels.py)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.inclusion_tag("footprint/report/_panel.html", takes_context=True)
def report_panel(context, panel: dict):
    """`panel`: views.panels.report_panel(...) — study, missing, items (m, url), issued."""
    return {**panel, "user": context.get("user"), "request": context.get("request")}
