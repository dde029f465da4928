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


# --------------------------------------------------------- what issued studies share
# A company and its products are shared by all the company's studies. The issued report
# printed them (its name, credit code, address; each product's name, model and functional
# unit: the "per functional unit" of every figure), and a study under review was confirmed
# with them: so while any such study uses them they do not change, on any path (forms,
# import, admin). A correction is a revision of the issued study, or a new product code.
class SharedRecordFrozenError(StudyFrozenError):
    """Raised when a company or product that a non-draft study uses would change."""


def _numbers(studies) -> str:
    from django.utils.translation import pgettext

    return pgettext("list separator", "、").join(
        sorted({s.report_number for s in studies})
    )


def studies_holding_company(company) -> list[Study]:
    """The studies of the company that are issued, superseded or under review."""
    if company.pk is None:
        return []
    return list(Study.objects.filter(company=company).exclude(status__in=EDITABLE_STATUSES)
                .order_by("report_number"))


def studies_holding_product(product) -> list[Study]:
    """The studies using the product that are issued, superseded or under review."""
    if product.pk is None:
        return []
    return list(Study.objects.filter(study_products__product=product)
                .exclude(status__in=EDITABLE_STATUSES).distinct().order_by("report_number"))


def company_change_refusal(company) -> str:
    """Why the company's particulars may not change now ("" if they may)."""
    holding = studies_holding_company(company)
    if not holding:
        return ""
    return _("企业“%(company)s”用于已签发或审阅中的报告 %(numbers)s，其信息不能修改："
             "这些报告必须保持签发或确认时的内容。") % {"company": company.name, "numbers": _numbers(holding)}


def product_change_refusal(product) -> str:
    """Why the product may not change now ("" if it may)."""
    holding = studies_holding_product(product)
    if not holding:
        return ""
    return _("产品 %(code)s 用于已签发或审阅中的报告 %(numbers)s，不能修改：这些报告必须保持签发或确认时的内容。"
             "如需更改，请新建产品（新的产品代码）。") % {"code": product.code, "numbers": _numbers(holding)}


def ensure_company_changeable(company) -> None:
    reason = company_change_refusal(company)
    if reason:
        raise SharedRecordFrozenError(reason)


def ensure_product_changeable(product) -> None:
    reason = product_change_refusal(product)
    if reason:
        raise SharedRecordFrozenError(reason)


def study_has_been_sent(study: Study) -> bool:
    """Sent to the company at least once (or a revision of an issued report): from then on
    the study belongs to that company for good."""
    return bool(
        study.sent_to_client_at
        or study.supersedes_id
        or study.transitions.exclude(to_status=StudyStatus.DRAFT).exists()
    )


def company_move_refusal(study: Study, new_company_name: str) -> str:
    """Why the study may not move to another company ("" if it may, or does not move)."""
    if study.company.name == new_company_name or not study_has_been_sent(study):
        return ""
    return _("报告 %(number)s 已发送给企业“%(company)s”审阅，不能改为企业“%(new)s”。"
             "为其他企业编制报告请使用新的报告编号。") % {
        "number": study.report_number, "company": study.company.name, "new": new_company_name}
