"""Which studies may be changed: one guard that every write path calls.

Issued (and superseded) studies are frozen for good. A study under review is locked too: what
the company confirmed and the lead verifier approved must be exactly what gets signed, so data
can only change in a draft (the workflow sends a study back to draft for corrections).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..choices import FROZEN_STATUSES, StudyStatus
from ..models import Study

EDITABLE_STATUSES: frozenset[str] = frozenset({StudyStatus.DRAFT})


class StudyFrozenError(Exception):
    """Raised when something tries to change an issued (or superseded) study."""


class StudyLockedError(StudyFrozenError):
    """Raised when something tries to change a study that is under review."""


def study_is_editable(study: Study) -> bool:
    return study.status in EDITABLE_STATUSES


def ensure_study_editable(study: Study) -> None:
    if study.status in FROZEN_STATUSES:
        raise StudyFrozenError(
            _("报告 %(number)s 已签发，数据已冻结，不能修改。如需更正，请创建修订版。")
            % {"number": study.report_number}
        )
    if study.status not in EDITABLE_STATUSES:
        raise StudyLockedError(
            _("报告 %(number)s 处于“%(status)s”状态，数据已锁定。如需修改，请先将报告退回草稿。")
            % {"number": study.report_number, "status": study.get_status_display()}
        )
