"""Who is told about a transition, and the e-mail that tells them (sent once the
transaction that made the transition commits).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from ...choices import Role, StudyStatus
from ...models import (
    StudyTransition,
    User,
)

S = StudyStatus


def recipients(transition: StudyTransition) -> list[User]:
    """Who is told about a transition: the other side of the step."""
    study = transition.study
    to = transition.to_status
    contacts = Q(role=Role.COMPANY_CONTACT, company_id=study.company_id)
    auditors = Q(pk__in=study.auditors.values("pk")) | Q(pk=study.created_by_id)
    leads = Q(pk=study.lead_verifier_id) if study.lead_verifier_id else Q(role=Role.LEAD_VERIFIER)
    if to in (S.CLIENT_REVIEW,):
        who = contacts
    elif to in (S.CHANGES_REQUESTED, S.CLIENT_CONFIRMED, S.APPROVED, S.SUPERSEDED):
        who = auditors
    elif to == S.TECHNICAL_REVIEW:
        who = leads
    elif to == S.ISSUED:
        who = contacts | auditors
    elif to == S.DRAFT:
        # back to draft: the auditors; the contacts too if it had been sent to them
        who = auditors | (contacts if study.sent_to_client_at else Q(pk__in=[]))
    else:
        who = Q(pk__in=[])
    users = User.objects.filter(who, is_active=True).exclude(email="")
    if transition.user_id:
        users = users.exclude(pk=transition.user_id)
    return list(users.distinct())


def notify(transition: StudyTransition) -> int:
    """E-mail the people concerned; returns how many messages were sent."""
    study = transition.study
    people = recipients(transition)
    if not people:
        return 0
    with translation.override(study.language):
        link = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/studies/{study.report_number}/workflow/"
        subject = _("[碳足迹] %(number)s：%(status)s") % {
            "number": study.report_number,
            "status": StudyStatus(transition.to_status).label,
        }
        who = transition.user.display_name if transition.user else _("系统")
        body = [
            _("报告：%(number)s %(title)s") % {"number": study.report_number, "title": study.title},
            _("企业：%(company)s") % {"company": study.company.name},
            _("状态：%(from)s → %(to)s") % {
                "from": StudyStatus(transition.from_status).label,
                "to": StudyStatus(transition.to_status).label,
            },
            _("操作人：%(user)s") % {"user": who},
        ]
        if transition.comment:
            body.append(_("说明：%(comment)s") % {"comment": transition.comment})
        body.append(_("查看：%(link)s") % {"link": link})
        sent = 0
        for person in people:
            sent += send_mail(str(subject), "\n".join(str(line) for line in body),
                              settings.DEFAULT_FROM_EMAIL, [person.email], fail_silently=True)
    return sent
