"""Who may do what: every role and scope rule, in one place.

Views, the API, the admin, template tags and the services ask these plain functions; nothing
else decides a role. Two kinds of answer:

- scope: objects outside a user's scope answer 404 (`get_study_for_user`; the querysets of
  `selectors.studies_visible_to` and friends never return them);
- role: actions outside a role answer 403 (`require`, `get_study_for_edit`).

Whether data may change *now* (draft, under review, issued) is a separate question, answered by
`services/freeze.py`. The rules of independence (ISO/IEC 17029, ISO 14065): the reviewer is
never one of the people whose work is reviewed, so a lead verifier comments, returns, approves
and issues, but never edits a study's data or its team; the auditors who do the work never
approve it.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404

from .choices import DataRequestStatus, Role, StudyStatus
from .models import BackgroundJob, Comment, Company, DataRequest, EvidenceFile, Product, Study
from .selectors import is_staff_role, studies_visible_to

__all__ = [
    "can_assign_lead_under_review", "can_assign_team", "can_change_company", "can_change_product", "can_comment",
    "can_add_evidence", "can_delete_evidence", "can_record_verification", "can_view_evidence",
    "can_create_company", "can_create_study", "can_fill_data_request", "can_invite_contact",
    "can_manage_data_requests", "can_view_data_request", "can_edit_study_data", "can_import",
    "can_manage_factors", "can_manage_pact_grants", "can_resolve_comment", "can_start_revision", "can_view_study",
    "get_study_for_edit", "get_study_for_user", "is_administrator", "is_staff_role",
    "is_study_auditor", "is_study_contact", "is_study_lead_verifier", "require",
    "require_staff", "sees_licensed_factors",
]


_UNDER_REVIEW = frozenset({StudyStatus.CLIENT_REVIEW, StudyStatus.CHANGES_REQUESTED,
                           StudyStatus.CLIENT_CONFIRMED, StudyStatus.TECHNICAL_REVIEW})


# ------------------------------------------------------------------------------- people
def is_administrator(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role == Role.ADMINISTRATOR))


def _is_auditor(user) -> bool:
    return bool(user.is_authenticated and user.role == Role.AUDITOR)


def _assigned_to(user, study: Study) -> bool:
    """Whether the user is one of the study's assigned auditors. A page asks once per panel:
    the auditors are read once per Study instance, into Django's prefetch cache, which
    `study.auditors.add/remove/set()` and `refresh_from_db()` clear."""
    if "auditors" not in getattr(study, "_prefetched_objects_cache", {}):
        prefetch_related_objects([study], "auditors")
    return any(auditor.pk == user.pk for auditor in study.auditors.all())


def is_study_auditor(user, study: Study) -> bool:
    """Auditors assigned to (or who created) the study; administrators may act for them."""
    if is_administrator(user):
        return True
    if not _is_auditor(user):
        return False
    return study.created_by_id == user.pk or _assigned_to(user, study)


def is_study_lead_verifier(user, study: Study) -> bool:
    """The lead verifier of the study (any lead verifier while none is assigned), never one
    of its own auditors nor its creator: the technical review must be independent."""
    if not user.is_authenticated or user.role != Role.LEAD_VERIFIER:
        return False
    if study.lead_verifier_id is not None and study.lead_verifier_id != user.pk:
        return False
    return not (study.created_by_id == user.pk or _assigned_to(user, study))


def is_study_contact(user, study: Study) -> bool:
    return bool(
        user.is_authenticated
        and user.role == Role.COMPANY_CONTACT
        and user.company_id == study.company_id
    )


# ------------------------------------------------------------------------------ studies
def can_view_study(user, study: Study) -> bool:
    return studies_visible_to(user).filter(pk=study.pk).exists()


def can_create_study(user) -> bool:
    """Auditors and administrators: whoever creates a study works on it, so a lead verifier,
    who reviews, does not."""
    return is_administrator(user) or _is_auditor(user)


can_import = can_create_study


def can_edit_study_data(user, study: Study) -> bool:
    """The study's own auditors and administrators. Never a lead verifier, not even an
    unassigned one: a reviewer does not edit what they (or a colleague) review.
    (Whether the study is in draft is services.freeze's question.)"""
    return is_study_auditor(user, study)


def can_assign_team(user, study: Study) -> bool:
    """Who chooses the auditors and the lead verifier: the study's auditors and administrators.
    A lead verifier never assigns (let alone assigns themselves)."""
    return is_study_auditor(user, study)


def can_assign_lead_under_review(user, study: Study) -> bool:
    """An administrator names the lead verifier of a study under review (sent before one was
    chosen) without returning it to draft: the data stays locked, the company's confirmation
    stands. Not once approved: the approval was someone's."""
    return is_administrator(user) and study.status in _UNDER_REVIEW


def can_comment(user, study: Study) -> bool:
    """Anyone who may see a study may comment on it (company contacts included)."""
    return can_view_study(user, study)


def can_resolve_comment(user, comment: Comment) -> bool:
    study = comment.study
    return bool(
        user.is_authenticated
        and (comment.author_id == user.pk
             or is_study_auditor(user, study)
             or is_study_lead_verifier(user, study))
    )


def can_start_revision(user, study: Study) -> bool:
    """The role part of revising an issued study (the status part is the workflow's)."""
    return is_study_auditor(user, study) or is_study_lead_verifier(user, study)


# ------------------------------------------------------------------------------ evidence
def can_view_evidence(user, evidence: EvidenceFile) -> bool:
    """Evidence is seen (listed, downloaded) by whoever may see its study: the certification
    body's people and, once the study was sent to it, the company's contacts. Never another
    company's."""
    return can_view_study(user, evidence.study)


def can_add_evidence(user, study: Study) -> bool:
    """The study's auditors (and administrators) and the company's own contacts who see the
    study: the company supplies its evidence. Never a lead verifier (they review it)."""
    return is_study_auditor(user, study) or (is_study_contact(user, study) and can_view_study(user, study))


def can_delete_evidence(user, evidence: EvidenceFile) -> bool:
    """The study's auditors; a company contact only the files they uploaded themselves."""
    study = evidence.study
    if is_study_auditor(user, study):
        return True
    return bool(evidence.uploaded_by_id == getattr(user, "pk", None)
                and is_study_contact(user, study) and can_view_study(user, study))


def can_record_verification(user, study: Study) -> bool:
    """The verification status of each figure and its data-quality ratings are the auditors'
    judgement (the same people who edit the study's data; never the company's)."""
    return can_edit_study_data(user, study)


# ------------------------------------------------------------------- companies, products
def can_create_company(user) -> bool:
    return is_administrator(user) or _is_auditor(user)


def can_change_company(user, company: Company) -> bool:
    """Administrators, and the auditors assigned to (or who created) a study of the company.
    A company without any study yet belongs to no one's work: any auditor may complete it
    (that is how a new company gets its products before its first study)."""
    if is_administrator(user):
        return True
    if not _is_auditor(user):
        return False
    studies = Study.objects.filter(company=company)
    if not studies.exists():
        return True
    return studies.filter(created_by=user).exists() or studies.filter(auditors=user).exists()


def can_change_product(user, product: Product) -> bool:
    return can_change_company(user, product.company)


def can_manage_factors(user) -> bool:
    """The factor library is the certification body's reference data (new versions, never
    edits of a version in use: services/reference/factors.py)."""
    return is_staff_role(user)


def sees_licensed_factors(user) -> bool:
    """Whether the user may have every field of a factor whose licence forbids redistribution
    (services/reference/licences.py): the certification body holds the licence; its auditors,
    lead verifiers and administrators do, a company's contacts do not."""
    return is_staff_role(user)


def can_import_factors(user) -> bool:
    """Bringing a whole library in (services/reference/library_import.py) is the work of
    auditors and administrators, like importing a study; a lead verifier reviews the factors
    studies use and does not load them."""
    return is_administrator(user) or _is_auditor(user)


# ------------------------------------------------------------------------ for the views
# ------------------------------------------------------------------- PACT data exchange
def can_manage_pact_grants(user, company: Company) -> bool:
    """Which PACT clients may read a company's footprints is the company's decision: its
    contacts grant and revoke (administrators too, for a company without a contact)."""
    if not user.is_authenticated:
        return False
    return is_administrator(user) or (user.role == Role.COMPANY_CONTACT and user.company_id == company.pk)


# ------------------------------------------------------------------------ data requests
def can_manage_data_requests(user, study: Study) -> bool:
    """Who asks the company for data and accepts or rejects what it supplies: the study's
    auditors (and administrators). Never a lead verifier: a reviewer does not decide what
    enters the calculation they review."""
    return is_study_auditor(user, study)


def can_view_data_request(user, data_request: DataRequest) -> bool:
    """The certification body's people see every request; a company's contacts see the
    requests sent to their company (not a draft the auditor is still preparing)."""
    if is_staff_role(user):
        return True
    return bool(
        user.is_authenticated
        and user.role == Role.COMPANY_CONTACT
        and user.company_id == data_request.study.company_id
        and data_request.status != DataRequestStatus.DRAFT
    )


def can_fill_data_request(user, data_request: DataRequest) -> bool:
    """The company's contacts fill a request that was sent (and not closed)."""
    return bool(
        user.is_authenticated
        and user.role == Role.COMPANY_CONTACT
        and user.company_id == data_request.study.company_id
        and data_request.status in (DataRequestStatus.SENT, DataRequestStatus.SUBMITTED)
    )


def can_invite_contact(user, company: Company) -> bool:
    """More people of the company's side are invited by an administrator or by an auditor
    working on one of the company's studies (the same people who may change the company)."""
    return can_change_company(user, company)


def require(allowed: bool) -> None:
    """403 unless allowed."""
    if not allowed:
        raise PermissionDenied


def require_staff(user) -> None:
    """Auditors, lead verifiers and administrators only; company contacts get 403."""
    require(is_staff_role(user))


def get_study_for_user(user, report_number: str) -> Study:
    """The study, if the user may see it; 404 otherwise (never reveal that it exists)."""
    return get_object_or_404(studies_visible_to(user), report_number=report_number)


def can_view_job(user, job) -> bool:
    """A background job is seen by whoever may see its study; a job without a study (an
    import that has not written one yet) by the user who started it and administrators."""
    if not getattr(user, "is_authenticated", False):
        return False
    if job.study_id is not None:
        return studies_visible_to(user).filter(pk=job.study_id).exists()
    return job.user_id == user.pk or is_administrator(user)


def get_job_for_user(user, job_id: int):
    """The job, if the user may see it; 404 otherwise."""
    job = get_object_or_404(BackgroundJob.objects.select_related("study"), pk=job_id)
    if not can_view_job(user, job):
        raise Http404
    return job


def get_study_for_edit(user, report_number: str) -> Study:
    """404 if the user may not see the study, 403 if they may see but not edit its data."""
    study = get_study_for_user(user, report_number)
    require(can_edit_study_data(user, study))
    return study
