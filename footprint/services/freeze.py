"""Issued studies are frozen: one guard that every write path calls."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..models import Study


class StudyFrozenError(Exception):
    """Raised when something tries to change an issued (or superseded) study."""


def ensure_study_editable(study: Study) -> None:
    if study.is_frozen:
        raise StudyFrozenError(
            _("报告 %(number)s 已签发，数据已冻结，不能修改。如需更正，请创建修订版。")
            % {"number": study.report_number}
        )
