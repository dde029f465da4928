"""Issuing a study: render the final report, sign it, store it with its SHA-256 and a
snapshot of what it was computed from, freeze the study; and serving the signed file back
byte for byte.

The slow part (rendering and signing, seconds) runs without any lock or open transaction;
only the final step locks the study, checks that it is still approved and unchanged, writes
the signed file, verifies it and saves the row. So:

- a worker killed mid-issue leaves the study approved: nothing was saved yet (at most the
  signed file of that attempt, which the retry of the same job replaces);
- a second issue of the same study (a redelivered task, a retry) finds it issued under the
  lock and changes nothing;
- a failed transaction removes the file it wrote, and the file is read back and compared
  with its SHA-256 before the row says "issued".

The report is issued in the study's language and, in the same step, in its other language
when that wording is complete (English for a Chinese study: every passage and short text the
English report prints has its translation, `completeness.translation_missing`): two files
signed together, each with its own SHA-256, one verification code and one snapshot that
records both hashes. When the English wording is incomplete only the study's language is
issued and the snapshot says why (`files_absent`). Studies issued before keep their one file.

`study_issue` does it all in the calling process (the API, `load_demo`, tests); the web page
queues it as a job (issue_jobs.py).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ...choices import StudyStatus
from ...models import (
    Study,
    StudyTransition,
)
from ..calculation.study import StudyResult, calculate_study, result_to_dict
from ..facts.reading import certification_body, study_facts
from ..jobs import queue_notice
from ..report_prose.translation import SOURCE_LANGUAGE
from ..report_size import ReportTooLarge
from ..results import study_calculation_input
from .transitions import (
    ACTIONS,
    WorkflowError,
    attribute_to,
    check_action,
    locked_study,
    record_transition,
)

S = StudyStatus
logger = logging.getLogger(__name__)


def new_verification_code() -> str:
    """Unguessable: 144 random bits, URL-safe."""
    return secrets.token_urlsafe(18)


def _signature_reason(study: Study) -> str:
    reason = _("%(body)s 批准签发产品碳足迹报告 %(number)s") % {
        "body": settings.CERTIFICATION_BODY_NAME, "number": study.report_number,
    }
    if settings.SIGNING_IS_DEMO:
        reason += " — " + _("演示签名：使用演示 CA 签发的证书，不具法律效力 (DEMO signature, demo CA)")
    return reason


def issue_snapshot(study: Study, *, result: StudyResult | None = None) -> dict:
    """Everything the issued report was computed from and what it said: the pcf-study/1
    document (data and every factor version), the GWP values and the results."""
    from ...selectors import gwp_values, gwp_version_of
    from ..interchange.exporting import facts_to_document

    facts = study_facts(study)  # one read for the document, the factors and the result
    if result is None:
        result = calculate_study(study_calculation_input(study, facts=facts))
    version = gwp_version_of(study)
    document = facts_to_document(facts)
    factor_keys = sorted(facts.factors)  # "code@version" of every factor the rows use
    return {
        "format": "pcf-issued-snapshot/1",
        "report_number": study.report_number,
        "document": document,
        "factor_versions": factor_keys,
        "gwp": {"set": study.gwp_set, "version": version.version if version else None,
                "source": version.source if version else "", "values": gwp_values(version)},
        "results": result_to_dict(result),
        "evidence": evidence_snapshot(study),
    }


def evidence_snapshot(study: Study) -> list[dict]:
    """Every evidence file of the study as issued: what it is, its SHA-256 (the file itself
    stays in storage, frozen with the study: services/freeze.py refuses changes) and the
    activity it supports (docs/evidence.md)."""
    from ...selectors import study_evidence

    rows = []
    for e in study_evidence(study):
        activity = None
        if e.activity is not None:
            stage = e.activity.stage
            activity = {"product": stage.study_product.product.code, "stage": stage.stage,
                        "name": e.activity.name, "id": e.activity_id}
        rows.append({"id": e.pk, "name": e.original_name, "kind": e.kind, "size": e.size,
                     "sha256": e.sha256, "activity": activity,
                     "uploaded_by": e.uploaded_by.display_name if e.uploaded_by else "",
                     "uploaded_at": e.uploaded_at.isoformat()})
    return rows


def _render_final_report(study: Study, *, issued_by: str, language: str):
    """The issued report's PDF and where its cover reserves the signature (an IssuedRendering),
    from the report layer (settings.REPORT_RENDERER): the report layer is built on the
    services, so they name it by setting, not by import."""
    return import_string(settings.REPORT_RENDERER)(study, issued_by=issued_by, language=language)


def other_language(study: Study) -> str:
    """The report language a study is issued in besides its own: English for a Chinese study,
    Chinese (the language its text is entered in) for an English one."""
    return "en" if study.language == SOURCE_LANGUAGE else SOURCE_LANGUAGE


def untranslated_count(study: Study, language: str) -> int:
    """How many texts of the study's own a report in `language` would print untranslated
    (0: the wording is complete; the source language always is)."""
    from .completeness import translation_gaps_count

    if language == SOURCE_LANGUAGE:
        return 0
    return translation_gaps_count(study, language)


@dataclass
class PreparedIssue:
    """A signed report not yet recorded: the study as it was read, and what issuing sets.
    `alt_signed` is the report signed in the other language (None when its wording is
    incomplete)."""

    study: Study
    signed: bytes
    snapshot: dict
    updated_at: object
    alt_language: str = ""
    alt_signed: bytes | None = None


class StudyChangedWhileIssuing(Exception):
    """The study changed between rendering and recording: render again."""


def issue_prepare(*, study: Study, user, on_signing=None) -> PreparedIssue:
    """Render and sign the final report of an approved study; writes nothing."""
    from ...selectors import gwp_version_of
    from .signing import SigningUnavailable, sign_pdf

    study = Study.objects.select_related("company").get(pk=study.pk)
    if study.status != S.APPROVED:
        raise WorkflowError(
            _("报告 %(number)s 处于“%(status)s”状态，不能执行“%(action)s”。")
            % {"number": study.report_number, "status": study.get_status_display(),
               "action": ACTIONS["issue"].label})
    updated_at = study.updated_at
    now = timezone.now()
    study.issued_at = now
    study.issue_date = timezone.localdate(now)
    study.verification_code = study.verification_code or new_verification_code()
    if study.gwp_version_id is None:
        # Issued means pinned: the edition it is signed with, whatever comes later.
        study.gwp_version = gwp_version_of(study)
    alt_language = other_language(study)
    untranslated = untranslated_count(study, alt_language)
    languages = [study.language] + ([alt_language] if not untranslated else [])
    renderings = {}
    for language in languages:
        try:
            with translation.override(language):
                renderings[language] = _render_final_report(study, issued_by=user.display_name,
                                                             language=language)
        except ReportTooLarge as exc:
            raise WorkflowError(str(exc)) from exc
    if on_signing is not None:
        on_signing()
    signed = {}
    for language, rendering in renderings.items():
        with translation.override(language):  # the signature's reason in the file's language
            reason = _signature_reason(study)
        try:
            signed[language] = sign_pdf(rendering.pdf, box=rendering.signature_box,
                                        signer_name=user.display_name, reason=reason,
                                        location=settings.SIGNING_LOCATION, language=language)
        except SigningUnavailable:
            raise
        except Exception as exc:  # pyHanko, the timestamp server: say so, change nothing
            logger.exception("signing %s (%s) failed", study.report_number, language)
            raise WorkflowError(_("签名失败，报告未签发：%(error)s") % {"error": exc}) from exc
    with translation.override(study.language):
        snapshot = issue_snapshot(study)
    snapshot["issued_at"] = now.isoformat()
    snapshot["issued_by"] = user.display_name
    # The body the report names, as printed (the verification page shows it).
    snapshot["certification_body"] = certification_body(study, study.language)
    # Every issued file by language, and why a language has none.
    snapshot["files"] = {language: hashlib.sha256(data).hexdigest() for language, data in signed.items()}
    if untranslated:
        snapshot["files_absent"] = {alt_language: {"untranslated": untranslated}}
    return PreparedIssue(study=study, signed=signed[study.language], snapshot=snapshot,
                         updated_at=updated_at, alt_language=alt_language,
                         alt_signed=signed.get(alt_language))


def _same_data(locked: Study, prepared: PreparedIssue) -> bool:
    """Nothing the report printed changed since it was rendered (`locked` carries the
    issue's own fields already, as the rendered copy did)."""
    if locked.updated_at != prepared.updated_at:
        return False
    now = issue_snapshot(locked)
    return ((now["document"], now["results"], now["evidence"])
            == (prepared.snapshot["document"], prepared.snapshot["results"], prepared.snapshot.get("evidence")))


def _write_verified(study: Study, field: str, name: str, data: bytes, sha256: str) -> str:
    """Store a signed file in the FileField `field` under `name` (replacing a killed attempt's)
    and read it back."""
    file = getattr(study, field)
    storage = file.storage
    full_name = file.field.generate_filename(study, name)
    if storage.exists(full_name):
        storage.delete(full_name)
    file.save(name, ContentFile(data), save=False)
    with storage.open(file.name, "rb") as handle:
        if hashlib.sha256(handle.read()).hexdigest() != sha256:
            storage.delete(file.name)
            raise OSError(_("签发文件写入后校验失败，报告未签发。"))
    return file.name


def _alt_file_name(name: str, language: str) -> str:
    """`202508175GHG.pdf` -> `202508175GHG_en.pdf`."""
    stem = name[:-4] if name.endswith(".pdf") else name
    return f"{stem}_{language}.pdf"


def issue_commit(prepared: PreparedIssue, *, user, comment: str = "", file_name: str = "") -> Study:
    """Record a prepared issue: lock, re-check, write the file, save. Returns the study; if it
    was issued meanwhile (a second click, a redelivered task), returns it unchanged."""
    action = ACTIONS["issue"]
    with transaction.atomic():
        study = locked_study(prepared.study)
        if study.status == S.ISSUED and study.issued_sha256:
            return study
        # Role and status again (a lead verifier removed, a study sent back meanwhile); the
        # blockers were checked when the job was queued and rendering found none new.
        if not action.allowed(user, study) or study.status not in action.sources:
            check_action(action, study, user)
        p = prepared.study
        study.issued_at, study.issue_date = p.issued_at, p.issue_date
        study.verification_code, study.gwp_version = p.verification_code, p.gwp_version
        if not _same_data(study, prepared):
            raise StudyChangedWhileIssuing(study.report_number)
        study.issued_sha256 = hashlib.sha256(prepared.signed).hexdigest()
        study.issued_snapshot = prepared.snapshot
        study.status = S.ISSUED
        name = file_name or f"{study.report_number}.pdf"
        # The files are written before the row: if anything below fails, remove them again.
        stored = [_write_verified(study, "issued_pdf", name, prepared.signed, study.issued_sha256)]
        try:
            if prepared.alt_signed is not None:
                study.issued_alt_language = prepared.alt_language
                study.issued_alt_sha256 = hashlib.sha256(prepared.alt_signed).hexdigest()
                stored.append(_write_verified(study, "issued_alt_pdf", _alt_file_name(name, prepared.alt_language),
                                              prepared.alt_signed, study.issued_alt_sha256))
            study.full_clean()
            attribute_to(study, user)
            study.save()
            transition = record_transition(study, from_status=S.APPROVED, to_status=S.ISSUED, user=user,
                                          comment=comment)
            superseded = _supersede_previous(study, user=user)
            from ..pact.events import study_issued

            study_issued(study)  # PACT footprint ids, Published events to granted clients
        except Exception:
            for stored_name in stored:
                study.issued_pdf.storage.delete(stored_name)
            raise
        transaction.on_commit(lambda: queue_notice(transition))
        if superseded is not None:
            transaction.on_commit(lambda: queue_notice(superseded))
    return study


def study_issue(*, study: Study, user, comment: str = "") -> Study:
    """Render the final PDF, sign it, store it with its SHA-256 and a snapshot of the data,
    and freeze the study, in the calling process. A revision's issue supersedes the study it
    revises."""
    with transaction.atomic():
        check_action(ACTIONS["issue"], locked_study(study), user)
    for attempt in range(2):
        prepared = issue_prepare(study=study, user=user)
        try:
            return issue_commit(prepared, user=user, comment=comment)
        except StudyChangedWhileIssuing:
            if attempt:
                raise WorkflowError(
                    _("报告 %(number)s 在签发过程中被修改，请重新签发。") % {"number": study.report_number}
                ) from None
    raise AssertionError("unreachable")


def _supersede_previous(study: Study, *, user) -> StudyTransition | None:
    if study.supersedes_id is None:
        return None
    previous = Study.objects.select_for_update().get(pk=study.supersedes_id)
    if previous.status != S.ISSUED:
        return None
    previous.status = S.SUPERSEDED
    attribute_to(previous, user)
    previous.save(update_fields=["status"])
    return record_transition(
        previous, from_status=S.ISSUED, to_status=S.SUPERSEDED, user=user,
        comment=_("被修订版 %(number)s 替代。") % {"number": study.report_number},
    )


# -------------------------------------------------------------------------- issued files
class IssuedFileMissing(Exception):
    """The stored signed PDF is missing or no longer matches its recorded SHA-256."""


@dataclass(frozen=True)
class IssuedFile:
    """One signed file of an issued study: its report language and recorded SHA-256."""

    language: str
    sha256: str
    primary: bool  # the study's own language (Study.issued_pdf)

    @property
    def label(self) -> str:
        """The language by its own name ("中文", "English"), as the download buttons show it."""
        return LANGUAGE_NAMES.get(self.language, self.language)


# Each report language by its own name: a reader finds their language whatever the page's.
LANGUAGE_NAMES = {"zh-hans": "中文", "en": "English"}


def issued_files(study: Study) -> list[IssuedFile]:
    """The signed files of an issued study, its own language first (none before issuing)."""
    files = []
    if study.issued_sha256:
        files.append(IssuedFile(study.language, study.issued_sha256, primary=True))
    if study.issued_alt_sha256 and study.issued_alt_language:
        files.append(IssuedFile(study.issued_alt_language, study.issued_alt_sha256, primary=False))
    return files


def issued_file(study: Study, language: str | None) -> IssuedFile | None:
    """The signed file of `language` (None: the study's own), or None if none was issued."""
    language = language or study.language
    return next((f for f in issued_files(study) if f.language == language), None)


def missing_language_reason(study: Study) -> tuple[str, str] | None:
    """For an issued study with one file: the other language and why it has no signed file,
    in words (None when both were issued, or before issuing)."""
    from .completeness import language_name

    if not study.issued_sha256 or study.issued_alt_sha256:
        return None
    language = other_language(study)
    absent = ((study.issued_snapshot or {}).get("files_absent") or {}).get(language) or {}
    names = {"missing": language_name(language), "issued": language_name(study.language)}
    n = absent.get("untranslated")
    if n:
        reason = ngettext(
            "没有签发%(missing)s版：签发时还有 %(n)s 处文字没有%(missing)s译文，因此只签发了%(issued)s版。",
            "没有签发%(missing)s版：签发时还有 %(n)s 处文字没有%(missing)s译文，因此只签发了%(issued)s版。", n,
        ) % {**names, "n": n}
    else:  # issued before the two languages were signed together
        reason = _("没有签发%(missing)s版：该报告签发时只签发了%(issued)s版。") % names
    return language, reason


def issued_pdf_bytes(study: Study, language: str | None = None) -> bytes:
    """A signed PDF exactly as issued (the study's language unless `language` names the other
    issued one); refuses to return a file whose hash changed."""
    file = issued_file(study, language)
    field = None if file is None else (study.issued_pdf if file.primary else study.issued_alt_pdf)
    if file is None or not field:
        raise IssuedFileMissing(_("报告 %(number)s 没有签发的 PDF。") % {"number": study.report_number})
    with field.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != file.sha256:
        raise IssuedFileMissing(
            _("报告 %(number)s 的签发文件与记录的 SHA-256 不符，已拒绝提供。") % {"number": study.report_number}
        )
    return data
