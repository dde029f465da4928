"""Who is told what waits for them about a data request: an in-app notice (the inbox) and an
e-mail, for requested, submitted, accepted, rejected and overdue.

The notice rows are written in the transaction of the step; the e-mails leave once it commits,
from a worker when the queue is up (tasks.send_data_request_notices), inline otherwise. A
notice is rendered in its reader's language when read (`notice_text`), the e-mail in the
study's language.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ...choices import DATA_ROWS_TO_FILL, DataRequestStatus, NoticeKind, Role
from ...models import DataRequest, Notice, User

logger = logging.getLogger(__name__)


def company_side(data_request: DataRequest) -> list[User]:
    """The company's active contacts."""
    return list(User.objects.filter(role=Role.COMPANY_CONTACT, company_id=data_request.study.company_id,
                                    is_active=True).order_by("pk"))


def auditor_side(data_request: DataRequest) -> list[User]:
    """The request's author and the study's auditors."""
    study = data_request.study
    who = (Q(pk__in=study.auditors.values("pk")) | Q(pk=study.created_by_id)
           | Q(pk=data_request.created_by_id))
    return list(User.objects.filter(who, is_active=True).distinct().order_by("pk"))


def notify(kind: str, data_request: DataRequest, recipients: Iterable[User], *, actor: User | None = None,
           count: int = 0, comment: str = "") -> list[Notice]:
    """Write one notice per recipient (never to the actor) and e-mail them after commit."""
    notices = [
        Notice(recipient=person, kind=kind, data_request=data_request, actor=actor, count=count,
               comment=comment)
        for person in {p.pk: p for p in recipients}.values()
        if actor is None or person.pk != actor.pk
    ]
    notices = Notice.objects.bulk_create(notices)
    ids = [n.pk for n in notices]
    if ids:
        transaction.on_commit(lambda: queue_notice_emails(ids))
    return notices


def queue_notice_emails(notice_ids: list[int]) -> None:
    from kombu.exceptions import OperationalError as BrokerUnavailable

    from ...tasks import send_data_request_notices

    try:
        send_data_request_notices.delay(notice_ids)
    except BrokerUnavailable:
        logger.warning("data request notices %s e-mailed inline: the queue is down", notice_ids)
        send_notice_emails(notice_ids)


def notice_link(notice: Notice) -> str:
    request = notice.data_request
    if request is None:
        return "/inbox/"
    return f"/studies/{request.study.report_number}/requests/{request.pk}/"


def notice_text(notice: Notice) -> str:
    """What the notice says, in the active language."""
    request = notice.data_request
    params = {
        "number": request.study.report_number if request else "",
        "title": request.title if request else "",
        "due": request.due_date.isoformat() if request else "",
        "company": request.study.company.name if request else "",
        "n": notice.count,
        "who": notice.actor.display_name if notice.actor else _("系统"),
    }
    if notice.kind == NoticeKind.REQUESTED:
        text = _("%(who)s 请贵公司为报告 %(number)s 提供数据：“%(title)s”，截止日期 %(due)s。") % params
    elif notice.kind == NoticeKind.SUBMITTED:
        text = ngettext("%(company)s 为“%(title)s”（%(number)s）提交了 %(n)s 项数据，等待核查。",
                        "%(company)s 为“%(title)s”（%(number)s）提交了 %(n)s 项数据，等待核查。",
                        notice.count) % params
    elif notice.kind == NoticeKind.ACCEPTED:
        text = ngettext("%(who)s 接受了“%(title)s”（%(number)s）中的 %(n)s 项数据。",
                        "%(who)s 接受了“%(title)s”（%(number)s）中的 %(n)s 项数据。",
                        notice.count) % params
    elif notice.kind == NoticeKind.REJECTED:
        text = ngettext("%(who)s 退回了“%(title)s”（%(number)s）中的 %(n)s 项数据，请更正后重新提交。",
                        "%(who)s 退回了“%(title)s”（%(number)s）中的 %(n)s 项数据，请更正后重新提交。",
                        notice.count) % params
    elif notice.kind == NoticeKind.DUE_DATE_CHANGED:
        text = _("%(who)s 将数据请求“%(title)s”（%(number)s）的截止日期改为 %(due)s。") % params
    else:
        text = _("数据请求“%(title)s”（%(number)s）已过截止日期 %(due)s，仍有数据未提交。") % params
    if notice.comment:
        text += " " + _("意见：%(comment)s") % {"comment": notice.comment}
    return text


def send_notice_emails(notice_ids: list[int]) -> int:
    """E-mail the notices to their readers, each once (a task run twice sends nothing more);
    returns how many messages were sent."""
    sent = 0
    base = settings.PUBLIC_BASE_URL.rstrip("/")
    for notice in Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True).select_related(
            "recipient", "actor", "data_request__study__company"):
        # claimed first: a second worker running the same task finds nothing left to send
        if not Notice.objects.filter(pk=notice.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()):
            continue
        if not notice.recipient.email or not notice.recipient.is_active:
            continue
        study = notice.data_request.study if notice.data_request else None
        with translation.override(study.language if study else settings.LANGUAGE_CODE):
            subject = _("[碳足迹] %(number)s：%(kind)s") % {
                "number": study.report_number if study else "", "kind": NoticeKind(notice.kind).label}
            body = "\n".join([notice_text(notice), _("查看：%(link)s") % {"link": base + notice_link(notice)}])
        sent += send_mail(str(subject), body, settings.DEFAULT_FROM_EMAIL, [notice.recipient.email],
                          fail_silently=True)
    return sent


def notify_overdue_requests(*, today=None) -> int:
    """Tell both sides about every sent request past its due date that still has rows to
    fill, once per due date. Returns how many requests were overdue. Called daily by the
    `notify_overdue_requests` command or the Celery task of the same name."""
    today = today or timezone.localdate()
    count = 0
    with transaction.atomic():
        overdue = (DataRequest.objects.select_for_update()
                   .filter(status=DataRequestStatus.SENT, due_date__lt=today)
                   .exclude(overdue_notified_on__gte=today))
        for data_request in overdue.select_related("study__company"):
            if data_request.overdue_notified_on and data_request.overdue_notified_on >= data_request.due_date:
                continue  # already told for this due date
            pending = data_request.rows.filter(status__in=DATA_ROWS_TO_FILL).count()
            if not pending:
                continue
            notify(NoticeKind.OVERDUE, data_request, [*company_side(data_request), *auditor_side(data_request)],
                   count=pending)
            DataRequest.objects.filter(pk=data_request.pk).update(overdue_notified_on=today)
            count += 1
    return count
