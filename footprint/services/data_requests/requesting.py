"""A data request's life: the auditor writes and sends it, the company fills and submits it,
the auditor accepts (the value goes into an activity record) or rejects (with a comment) each
row. Every step is a saved row of django-simple-history, so the study's history shows it.

Every write refuses a study that is not a draft (services/freeze.py): an accepted value
changes the calculation, and a study under review or issued must not change under its
reviewer; the company's answers wait for the study to be back in draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ...access import can_fill_data_request, can_manage_data_requests
from ...choices import (
    DATA_ROWS_TO_FILL,
    DataRequestStatus,
    DataRowStatus,
    DataType,
    NoticeKind,
    Stage,
    VerificationStatus,
)
from ...models import (
    ActivityRecord,
    DataRequest,
    DataRequestRow,
    EmissionFactor,
    LifecycleStage,
    Study,
    StudyProduct,
    User,
)
from ..calculation.units import UnitError, UnitSyntaxError, conversion_factor, parse_unit
from ..entry.activities import activity_unit_problem, stage_activities_save
from ..freeze import ensure_study_editable
from . import notices

R = DataRequestStatus
ROW = DataRowStatus
QUANTUM = Decimal("0.000000001")  # ActivityRecord.quantity's decimal places


class RowErrors(ValidationError):
    """Problems with submitted values, by row id: {row_id: [(column, message), …]} where
    column is "quantity", "unit" or "id"."""

    def __init__(self, errors: dict[int, list[tuple[str, str]]]):
        self.row_errors = errors
        super().__init__([f"#{pk}: {m}" for pk, problems in errors.items() for _c, m in problems])


@dataclass(frozen=True)
class RowValue:
    """What the company enters for one row: a quantity in a unit, and a note."""

    row_id: int
    quantity: str | Decimal | float | int | None
    unit: str = ""
    note: str = ""


# ------------------------------------------------------------------------------- checks
def value_unit_problem(unit: str, row_unit: str) -> str | None:
    """Why a value in `unit` cannot answer a row asked in `row_unit` (the same checks as the
    stage editor: the unit grammar, then pint), in the active language; None when it can."""
    unit = (unit or "").strip()
    if not unit:
        return _("必填。")
    try:
        parse_unit(unit)
    except UnitSyntaxError as exc:
        return str(exc)
    except UnitError:
        return _("无法识别的单位 %(unit)s。") % {"unit": unit}
    try:
        conversion_factor(unit, row_unit)
    except UnitError:
        return _("单位 %(unit)s 无法换算为请求的单位 %(expected)s。") % {"unit": unit, "expected": row_unit}
    return None


def parse_quantity_text(value) -> Decimal | None:
    """A submitted quantity: a number ≥ 0 (Decimal), None when blank; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation as exc:
        raise ValueError(_("不是数字。")) from exc
    if not number.is_finite():
        raise ValueError(_("不是数字。"))
    if number < 0:
        raise ValueError(_("活动数据不能为负数。"))
    if abs(number) >= Decimal(10) ** 19:
        raise ValueError(_("数值过大。"))
    return number


def converted_quantity(row: DataRequestRow, unit: str) -> Decimal:
    """The row's submitted quantity in `unit` (the activity record's unit)."""
    factor = Decimal(repr(conversion_factor(row.submitted_unit or row.unit, unit)))
    return (row.quantity * factor).quantize(QUANTUM)


def _ensure_editable(data_request: DataRequest) -> None:
    ensure_study_editable(data_request.study)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def attach_row_evidence_to_activity(row: DataRequestRow) -> None:
    from .evidence import attach_row_evidence_to_activity as attach

    attach(row)


def _locked(data_request: DataRequest) -> DataRequest:
    """The request row locked for this transaction (two people acting at once)."""
    return DataRequest.objects.select_for_update().select_related("study__company").get(pk=data_request.pk)


def _company_contacts(data_request: DataRequest) -> list[User]:
    """The company's contacts to tell; without any, the auditor is told to invite one."""
    recipients = notices.company_side(data_request)
    if not recipients:
        raise ValidationError(_("企业“%(company)s”还没有联系人账户：请先邀请联系人。") % {
            "company": data_request.study.company.name})
    return recipients


# ------------------------------------------------------------------ the auditor's side
@transaction.atomic
def data_request_create(*, study: Study, user: User, title: str, due_date: dt.date,
                        message: str = "") -> DataRequest:
    _require(can_manage_data_requests(user, study))
    ensure_study_editable(study)
    data_request = DataRequest(study=study, title=(title or "").strip(), due_date=due_date,
                               message=(message or "").strip(), created_by=user)
    data_request.full_clean()
    data_request.save()
    return data_request


@transaction.atomic
def data_request_add_row(*, data_request: DataRequest, user: User, study_product: StudyProduct, stage: str,
                         name: str, unit: str, expected_evidence: str = "", hint: str = "",
                         factor: EmissionFactor | None = None,
                         activity: ActivityRecord | None = None) -> DataRequestRow:
    """One more row to fill. With `activity`, an accepted value updates that record (its unit
    is the row's); with `factor`, it becomes a new record with that factor."""
    data_request = _locked(data_request)
    _require(can_manage_data_requests(user, data_request.study))
    _ensure_editable(data_request)
    if data_request.status == R.CLOSED:
        raise ValidationError(_("数据请求已关闭。"))
    if study_product.study_id != data_request.study_id:
        raise ValidationError({"study_product": _("产品不属于该报告。")})
    if stage not in Stage.values:
        raise ValidationError({"stage": _("无效的生命周期阶段。")})
    unit = (unit or "").strip()
    if activity is not None:
        if activity.stage.study_product_id != study_product.pk or activity.stage.stage != stage:
            raise ValidationError({"activity": _("活动数据不属于所选产品和阶段。")})
        unit = unit or activity.unit
        problem = value_unit_problem(unit, activity.unit)
        factor = factor or activity.factor
    else:
        problem = activity_unit_problem(unit, factor)
    if problem:
        raise ValidationError({"unit": problem})
    row = DataRequestRow(
        request=data_request, study_product=study_product, stage=stage, name=(name or "").strip(),
        unit=unit, expected_evidence=(expected_evidence or "").strip(), hint=(hint or "").strip(),
        factor=factor, activity=activity,
        position=(data_request.rows.count()),
    )
    row.full_clean()
    row.save()
    if data_request.status == R.SUBMITTED:  # a new row to fill: back to the company
        data_request.status = R.SENT
        data_request.save(update_fields=["status"])
    return row


@transaction.atomic
def data_request_remove_row(*, row: DataRequestRow, user: User) -> None:
    data_request = _locked(row.request)
    _require(can_manage_data_requests(user, data_request.study))
    _ensure_editable(data_request)
    if row.status == ROW.ACCEPTED:
        raise ValidationError(_("已接受的数据不能删除；请在阶段编辑页修改活动数据。"))
    row.delete()


@transaction.atomic
def data_request_send(*, data_request: DataRequest, user: User) -> DataRequest:
    """Draft → sent: the company's contacts are told (inbox and e-mail)."""
    data_request = _locked(data_request)
    _require(can_manage_data_requests(user, data_request.study))
    _ensure_editable(data_request)
    if data_request.status != R.DRAFT:
        raise ValidationError(_("数据请求已发送。"))
    if not data_request.rows.exists():
        raise ValidationError(_("请先添加要填写的活动数据行。"))
    recipients = _company_contacts(data_request)
    data_request.status = R.SENT
    data_request.sent_at = timezone.now()
    data_request.save(update_fields=["status", "sent_at"])
    notices.notify(NoticeKind.REQUESTED, data_request, recipients, actor=user,
                   count=data_request.rows.count())
    return data_request


@transaction.atomic
def data_request_remind(*, data_request: DataRequest, user: User) -> int:
    """Tell the company's contacts again what is left to fill (rows added since sending, or
    rows returned to them); how many rows that is."""
    data_request = _locked(data_request)
    _require(can_manage_data_requests(user, data_request.study))
    _ensure_editable(data_request)
    if data_request.status != R.SENT:
        raise ValidationError(_("只有已发送、等待企业填写的数据请求可以再次通知。"))
    to_fill = data_request.rows.filter(status__in=DATA_ROWS_TO_FILL).count()
    if not to_fill:
        raise ValidationError(_("没有待企业填写的数据。"))
    recipients = _company_contacts(data_request)
    notices.notify(NoticeKind.REQUESTED, data_request, recipients, actor=user, count=to_fill)
    return to_fill


@transaction.atomic
def data_request_set_due_date(*, data_request: DataRequest, user: User, due_date: dt.date) -> DataRequest:
    """A new due date (not before today). Once the request is sent, the company's contacts are
    told, and the overdue notice may go again for the new date."""
    data_request = _locked(data_request)
    _require(can_manage_data_requests(user, data_request.study))
    _ensure_editable(data_request)
    if data_request.status == R.CLOSED:
        raise ValidationError(_("数据请求已关闭。"))
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": _("截止日期不能早于今天。")})
    if due_date == data_request.due_date:
        return data_request
    data_request.due_date = due_date
    data_request.overdue_notified_on = None
    data_request.save(update_fields=["due_date", "overdue_notified_on"])
    if data_request.status != R.DRAFT:
        notices.notify(NoticeKind.DUE_DATE_CHANGED, data_request, notices.company_side(data_request),
                       actor=user)
    return data_request


@transaction.atomic
def data_request_accept(*, data_request: DataRequest, user: User, row_ids: list[int] | None = None,
                        verified_against_evidence: bool = False) -> list[DataRequestRow]:
    """Accept submitted values (the given rows, or every submitted row): each goes into its
    activity record (updated, or created with the row's factor) and the calculation, with the
    row's evidence files. `verified_against_evidence`: the auditor checked each value against
    its file, so a record whose row has a file is marked verified against it (the first one)."""
    data_request = _locked(data_request)
    _require(can_manage_data_requests(user, data_request.study))
    _ensure_editable(data_request)
    rows = data_request.rows.select_related("study_product", "factor", "activity__stage", "activity__factor") \
        .filter(status=ROW.SUBMITTED)
    if row_ids is not None:
        rows = rows.filter(pk__in=row_ids)
    rows = list(rows)
    if not rows:
        raise ValidationError(_("没有待核查的数据。"))
    missing = [r for r in rows if r.activity_id is None and r.factor_id is None]
    if missing:
        raise ValidationError(_("以下数据行还没有排放因子，不能接受：%(rows)s。请先为其选择因子。") % {
            "rows": "、".join(r.name for r in missing)})
    now = timezone.now()
    stages = {(s.study_product_id, s.stage): s for s in LifecycleStage.objects.filter(
        study_product_id__in={r.study_product_id for r in rows})}
    for row in rows:
        stage = stages.get((row.study_product_id, row.stage))
        if stage is None:
            stage = LifecycleStage.objects.create(study_product=row.study_product, stage=row.stage)
            stages[(row.study_product_id, row.stage)] = stage
        note = _("数据请求 #%(id)s，%(who)s 提供") % {"id": data_request.pk,
                                                  "who": row.supplied_by.display_name if row.supplied_by else ""}
        if row.activity is not None:
            record = row.activity
            record.quantity = converted_quantity(row, record.unit)
            record.data_type = DataType.PRIMARY
            stage_activities_save(stage=record.stage, changed=[record])
        else:
            record = ActivityRecord(name=row.name, unit=row.unit, factor=row.factor,
                                    quantity=converted_quantity(row, row.unit),
                                    data_type=DataType.PRIMARY, source=note[:300])
            stage_activities_save(stage=stage, new=[record])
        row.activity = record
        attach_row_evidence_to_activity(row)
        first_file = row.evidence.order_by("uploaded_at", "id").first() if verified_against_evidence else None
        if first_file is not None:
            record.verification = VerificationStatus.VERIFIED
            record.verified_evidence = first_file
            stage_activities_save(stage=record.stage, changed=[record])
        row.status = ROW.ACCEPTED
        row.rejection_comment = ""
        row.reviewed_by = user
        row.reviewed_at = now
        row.save()
    if not data_request.rows.exclude(status=ROW.ACCEPTED).exists():
        data_request.status = R.CLOSED
        data_request.closed_at = now
        data_request.save(update_fields=["status", "closed_at"])
    notices.notify(NoticeKind.ACCEPTED, data_request, notices.company_side(data_request), actor=user,
                   count=len(rows))
    return rows


@transaction.atomic
def data_request_reject(*, row: DataRequestRow, user: User, comment: str) -> DataRequestRow:
    """Send one submitted value back to the company with the reason."""
    data_request = _locked(row.request)
    _require(can_manage_data_requests(user, data_request.study))
    _ensure_editable(data_request)
    row = DataRequestRow.objects.select_for_update().get(pk=row.pk, request=data_request)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("请说明退回的原因。")})
    if row.status != ROW.SUBMITTED:
        raise ValidationError(_("只能退回已提交、待核查的数据。"))
    row.status = ROW.REJECTED
    row.rejection_comment = comment
    row.reviewed_by = user
    row.reviewed_at = timezone.now()
    row.save()
    if data_request.status != R.SENT:
        data_request.status = R.SENT
        data_request.save(update_fields=["status"])
    notices.notify(NoticeKind.REJECTED, data_request, notices.company_side(data_request), actor=user,
                   count=1, comment=f"{row.name}: {comment}")
    return row


# -------------------------------------------------------------------- the company's side
def check_values(data_request: DataRequest,
                 values: list[RowValue]) -> tuple[dict, dict[int, list[tuple[str, str]]]]:
    """The submitted values that are fine ({row id: (quantity, unit, note)}) and the problems
    by row id ([(column, message)]). Blank quantities are left out (the row stays to fill)."""
    rows = {r.pk: r for r in data_request.rows.all()}
    clean, errors = {}, {}
    for value in values:
        row = rows.get(value.row_id)
        if row is None:
            errors.setdefault(value.row_id, []).append(("id", _("该行不属于此数据请求。")))
            continue
        try:
            quantity = parse_quantity_text(value.quantity)
        except ValueError as exc:
            errors.setdefault(row.pk, []).append(("quantity", str(exc)))
            continue
        if quantity is None:
            continue
        if row.status not in DATA_ROWS_TO_FILL:
            if row.quantity == quantity and (value.unit or row.unit).strip() == (row.submitted_unit or row.unit):
                continue  # the same value again (a workbook filled from a later download)
            errors.setdefault(row.pk, []).append(("quantity", _("该行的状态是“%(status)s”，不能再修改。") % {
                "status": row.get_status_display()}))
            continue
        unit = (value.unit or "").strip() or row.unit
        problem = value_unit_problem(unit, row.unit)
        if problem:
            errors.setdefault(row.pk, []).append(("unit", problem))
            continue
        clean[row.pk] = (quantity, unit, (value.note or "").strip())
    return clean, errors


@transaction.atomic
def data_request_submit(*, data_request: DataRequest, user: User, values: list[RowValue]) -> list[DataRequestRow]:
    """The company submits values, all or nothing (RowErrors names each row's problem).
    The rows wait for the auditor; the auditors are told."""
    data_request = _locked(data_request)
    _require(can_fill_data_request(user, data_request))
    _ensure_editable(data_request)
    clean, errors = check_values(data_request, values)
    if errors:
        raise RowErrors(errors)
    if not clean:
        raise ValidationError(_("没有填写任何数据。"))
    now = timezone.now()
    rows = list(data_request.rows.select_for_update().filter(pk__in=clean))
    for row in rows:
        row.quantity, row.submitted_unit, row.note = clean[row.pk]
        row.status = ROW.SUBMITTED
        row.supplied_by = user
        row.submitted_at = now
        row.full_clean()
        row.save()
    if not data_request.rows.filter(status__in=DATA_ROWS_TO_FILL).exists():
        data_request.status = R.SUBMITTED
        data_request.submitted_at = now
        data_request.save(update_fields=["status", "submitted_at"])
    notices.notify(NoticeKind.SUBMITTED, data_request, notices.auditor_side(data_request), actor=user,
                   count=len(rows))
    return rows
