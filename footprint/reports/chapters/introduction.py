"""Chapter 1: what a product carbon footprint is, by which standards."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import Report


def chapter1(r: Report) -> dict:
    r.outline.section("ch1", "1", _("产品碳足迹（CFP）介绍"))
    return {"standards": list(r.i.study.standards)}
