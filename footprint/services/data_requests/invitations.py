"""More people of the company's side: an auditor of one of the company's studies (or an
administrator) invites a contact by e-mail; the contact chooses a password through Django's
password-reset token (one use, expires with PASSWORD_RESET_TIMEOUT) and then sees only their
company, like every company contact (selectors.py)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from ...access import can_invite_contact
from ...choices import Role
from ...models import Company, User


def invitation_link(user: User) -> str:
    """The set-password link of the invitation (Django's password-reset confirm page)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


@transaction.atomic
def invite_contact(*, company: Company, invited_by: User, username: str, email: str,
                   name: str = "") -> tuple[User, str]:
    """A new contact of the company, without a password yet, and the link that sets it (also
    e-mailed). Returns (user, link)."""
    if not can_invite_contact(invited_by, company):
        raise PermissionDenied
    username, email = (username or "").strip(), (email or "").strip()
    if not email:
        raise ValidationError({"email": _("必填。")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("用户名 %(name)s 已被使用。") % {"name": username}})
    user = User(username=username, email=email, first_name=(name or "").strip(),
                role=Role.COMPANY_CONTACT, company=company)
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user, _send(user, company, invited_by)


def invitation_resend(*, user: User, invited_by: User) -> str:
    """A new set-password link for a contact who has not set a password yet (the first one
    expired or got lost); the earlier link stops working once a password is set."""
    company = user.company
    if company is None or user.role != Role.COMPANY_CONTACT or not can_invite_contact(invited_by, company):
        raise PermissionDenied
    if user.has_usable_password():
        raise ValidationError(_("%(name)s 已设置密码，不需要再次邀请。") % {"name": user.display_name})
    return _send(user, company, invited_by)


def _send(user: User, company: Company, invited_by: User) -> str:
    username, email = user.username, user.email
    link = invitation_link(user)
    inviter = invited_by.display_name
    body = "\n".join([
        _("%(inviter)s 邀请您作为“%(company)s”的联系人使用产品碳足迹核查系统。") % {
            "inviter": inviter, "company": company.name},
        _("用户名：%(username)s") % {"username": username},
        _("请通过以下链接设置密码（链接只能使用一次）：%(link)s") % {"link": link},
    ])
    transaction.on_commit(lambda: send_mail(
        str(_("[碳足迹] 邀请：%(company)s") % {"company": company.name}), body,
        settings.DEFAULT_FROM_EMAIL, [email], fail_silently=True))
    return link
