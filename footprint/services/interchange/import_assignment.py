"""Import a study and name who works on it, in one transaction.

A pcf-study/1 file carries no people of this installation (its auditors and lead verifier are
user accounts here), and often no certification body. The import preview asks for them, so an
imported study does not reach the company without a lead verifier (services/readiness.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ...choices import Role
from ...models import Study, User
from ..entry.team import TeamMemberInput, study_team_update
from .document import Document
from .importing import import_study
from .reading import read_file


def import_file_with_people(name: str, content: bytes, *, replace: bool, user,
                            auditors: Iterable[User], lead_verifier: User | None,
                            certification_body: str) -> Study:
    """`import_document_with_people` for an uploaded .json or .xlsx file."""
    return import_document_with_people(
        read_file(name, content), replace=replace, user=user, auditors=auditors,
        lead_verifier=lead_verifier, certification_body=certification_body)


@transaction.atomic
def import_document_with_people(doc: Document, *, replace: bool, user,
                                auditors: Iterable[User], lead_verifier: User | None,
                                certification_body: str) -> Study:
    """`import_study`, then the auditors, lead verifier and certification body (an empty body
    keeps the file's). Raises what either raises (ValidationError keyed "auditors",
    "lead_verifier" for a choice services/team refuses) and writes nothing then. The web
    preview, the API and `manage.py import_study` all name people through here."""
    study = import_study(doc, replace=replace, user=user)
    chosen = list(auditors)
    if getattr(user, "role", None) == Role.AUDITOR and all(a.pk != user.pk for a in chosen):
        chosen.append(user)  # whoever imports a study works on it (services/importing.py)
    members = [TeamMemberInput(pk=m.pk, name=m.name, organisation=m.organisation,
                               certificate_number=m.certificate_number, role=m.role)
               for m in study.team.all()]
    return study_team_update(
        study=study, auditors=chosen, lead_verifier=lead_verifier,
        certification_body=certification_body.strip() or study.certification_body,
        members=members,
    )
