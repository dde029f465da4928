"""How large a study a report is rendered for (settings.REPORT_MAX_ACTIVITIES): checked
before anything is rendered, by the report layer and by the issuing step that asks for it."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from ..models import ActivityRecord, Study


class ReportTooLarge(Exception):
    """The study has more activity records than a report is rendered for (REPORT_MAX_ACTIVITIES)."""


def check_report_size(study: Study) -> None:
    """Refuse, in one COUNT query and before anything is rendered, a study whose report would
    take longer than a request may (a 100,000-record study's PDF timed out the worker)."""
    limit = settings.REPORT_MAX_ACTIVITIES
    count = ActivityRecord.objects.filter(stage__study_product__study=study).count()
    if count > limit:
        raise ReportTooLarge(_(
            "报告 %(number)s 有 %(count)s 条活动数据，超过报告生成的上限 %(limit)s 条，无法生成报告。"
            "请合并活动数据，或请管理员调整 REPORT_MAX_ACTIVITIES。"
        ) % {"number": study.report_number, "count": f"{count:,}", "limit": f"{limit:,}"})
