"""A user's own particulars: the name, organisation and certificate number that the
verification team of a report copies (services/team.member_from_user)."""

from __future__ import annotations

from django.db import transaction

from ...models import User


@transaction.atomic
def user_profile_update(
    *, user: User, name: str, email: str, organisation: str = "", certificate_number: str = ""
) -> User:
    """Save what a user says about themselves. The name is kept whole in `first_name`:
    Chinese names are written family name first, which first/last fields would reverse."""
    user.first_name = name.strip()
    user.last_name = ""
    user.email = email.strip()
    user.organisation = organisation.strip()
    user.certificate_number = certificate_number.strip()
    user.full_clean()
    user.save()
    return user
