"""The company's evidence for a requested value (an electricity bill, a fuel invoice, a
waybill, a meter photo): stored as the study's EvidenceFile by services/evidence (its limits,
type from the content, SHA-256, nothing kept of a refused upload) and linked to the request
row; when the value is accepted, the file is attached to the activity record it went into."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ...access import can_fill_data_request, can_manage_data_requests
from ...choices import DataRowStatus
from ...models import DataRequest, DataRequestRow, EvidenceFile, User
from ..evidence.storage import evidence_add, evidence_attach


@transaction.atomic
def row_evidence_add(*, row: DataRequestRow, user: User, upload, filename: str = "",
                     description: str = "") -> EvidenceFile:
    """Store a file for the row (the company's contacts while they may fill the request; the
    study's auditors too). Raises ValidationError keyed "file" for a refused file, the freeze
    guard's StudyFrozenError when the study is not a draft."""
    data_request = DataRequest.objects.select_related("study__company").get(pk=row.request_id)
    row = DataRequestRow.objects.get(pk=row.pk)
    if not (can_fill_data_request(user, data_request) or can_manage_data_requests(user, data_request.study)):
        raise PermissionDenied
    if row.status == DataRowStatus.ACCEPTED:
        raise ValidationError({"file": [_("该行数据已接受；证据请在证据文件页添加。")]})
    evidence = evidence_add(
        study=data_request.study, upload=upload, filename=filename, user=user, activity=row.activity,
        description=description or _("数据请求 #%(id)s：%(name)s") % {"id": data_request.pk, "name": row.name})
    row.evidence.add(evidence)
    return evidence


def attach_row_evidence_to_activity(row: DataRequestRow) -> None:
    """Once accepted, the row's files support the activity record the value went into."""
    for evidence in row.evidence.filter(activity__isnull=True):
        evidence_attach(evidence=evidence, activity=row.activity)
