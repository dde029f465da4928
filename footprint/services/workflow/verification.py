"""Checking that a PDF is an authentic issued report, for the public page and `verify_pdf`.

Two independent facts: the file's SHA-256 equals the one recorded when a report was issued
(so it is byte for byte the issued file), and its certification signature is intact, valid
and chains to our CA (so it was not altered, whatever any database says).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from ...choices import FROZEN_STATUSES, StudyStatus
from ...models import Study
from .completeness import language_name
from .issuing import IssuedFile, issued_files, missing_language_reason
from .signing import SignatureCheck, check_pdf_signature


def verification_url(code: str) -> str:
    """The public verify page of an issued report (printed under its QR code, given to PACT)."""
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/verify/{code}/"

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class ProductTotal:
    code: str
    name: str
    functional_unit: str
    total_kgco2e: float


@dataclass(frozen=True)
class PublicFacts:
    """What anyone may learn about an issued report: nothing beyond this."""

    report_number: str
    revision: int
    title: str
    company: str
    products: tuple[ProductTotal, ...]
    issue_date: object
    status: str  # "valid" or "superseded"
    superseded_by: str
    sha256: str
    certification_body: str
    # Every signed file by language (the study's own first), and why the other language has
    # none: (language, reason) or None.
    files: tuple[IssuedFile, ...] = ()
    missing_language: tuple[str, str] | None = None

    @property
    def is_valid(self) -> bool:
        return self.status == "valid"


def issued_study_for_code(code: str) -> Study | None:
    if not code or len(code) > 64:
        return None
    return (
        Study.objects.select_related("company")
        .filter(verification_code=code, status__in=FROZEN_STATUSES)
        .first()
    )


def public_facts(study: Study) -> PublicFacts:
    """What the issued report said, from the snapshot taken when it was signed: never the
    live rows (a company renamed later must not appear next to a genuine PDF). Only the
    status (valid / superseded) and the hash are read from the study row; the row's own
    fields stand in for what a snapshot of an older release lacks."""
    from datetime import date

    from django.conf import settings

    snapshot = study.issued_snapshot or {}
    document = snapshot.get("document") or {}
    products = tuple(
        ProductTotal(p["code"], p["name"], p["functional_unit"], p["total_kgco2e"])
        for p in (snapshot.get("results") or {}).get("products", [])
    )
    successor = Study.objects.filter(supersedes=study, status__in=FROZEN_STATUSES).first()
    issue_date = document.get("issue_date")
    return PublicFacts(
        report_number=document.get("report_number") or study.report_number,
        revision=document.get("revision", 0) if document else study.revision,
        title=document.get("title") or study.title,
        company=(document.get("company") or {}).get("name") or study.company.name,
        products=products,
        issue_date=date.fromisoformat(issue_date) if issue_date else study.issue_date,
        status="superseded" if study.status == StudyStatus.SUPERSEDED else "valid",
        superseded_by=successor.report_number if successor else "",
        sha256=study.issued_sha256,
        certification_body=(snapshot.get("certification_body") or document.get("certification_body")
                            or study.certification_body or settings.CERTIFICATION_BODY_NAME),
        files=tuple(issued_files(study)),
        missing_language=missing_language_reason(study),
    )


@dataclass(frozen=True)
class Verdict:
    sha256: str
    is_pdf: bool
    matched: Study | None  # the issued study whose stored file has this exact hash
    expected: Study | None = None  # the study the user asked about (verification page)
    signature: SignatureCheck = field(default_factory=lambda: SignatureCheck(present=False))

    @property
    def language(self) -> str:
        """The report language of the issued file this one is ("" when it is none)."""
        if self.matched is None:
            return ""
        for file in issued_files(self.matched):
            if file.sha256 == self.sha256:
                return file.language
        return ""

    @property
    def language_label(self) -> str:
        """That language by its own name ("中文", "English")."""
        from .issuing import LANGUAGE_NAMES

        return LANGUAGE_NAMES.get(self.language, self.language)

    @property
    def hash_matches(self) -> bool:
        if self.matched is None:
            return False
        return self.expected is None or self.matched.pk == self.expected.pk

    @property
    def authentic(self) -> bool:
        """Byte for byte the issued file, and its signature intact."""
        return self.hash_matches and self.signature.intact and self.signature.valid

    @property
    def summary(self) -> str:
        if not self.is_pdf:
            return _("这不是 PDF 文件。")
        if self.authentic:
            return _("真实有效：该文件是报告 %(number)s 签发的%(language)s版，与签发记录完全一致，数字签名完好。") % {
                "number": self.matched.report_number, "language": language_name(self.language),
            }
        if self.hash_matches:
            return _("该文件与签发记录一致，但数字签名未能通过验证。")
        if self.expected is not None and self.matched is not None:
            return _("该文件是报告 %(other)s 的签发文件，不是报告 %(number)s 的。") % {
                "other": self.matched.report_number, "number": self.expected.report_number,
            }
        if self.signature.present and self.signature.intact and self.signature.trusted:
            return _("不是签发的文件，不能作为依据：该文件带有本机构的有效签名，但与签发记录中的文件不一致，"
                     "签发后被修改或被替换过。请以验证页面上列出的签发内容为准，或向认证机构索取签发文件。")
        return _("不是签发的原始文件：文件已被修改，或并非本机构签发。")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_pdf(data: bytes, *, expected: Study | None = None) -> Verdict:
    digest = sha256_hex(data)
    # Real PDFs may have a little junk before the header; readers accept up to 1 KiB.
    is_pdf = PDF_MAGIC in data[:1024]
    if not is_pdf:
        return Verdict(sha256=digest, is_pdf=False, matched=None, expected=expected)
    matched = (
        Study.objects.select_related("company")
        .filter(Q(issued_sha256=digest) | Q(issued_alt_sha256=digest), status__in=FROZEN_STATUSES)
        .first()
    )
    return Verdict(
        sha256=digest, is_pdf=True, matched=matched, expected=expected,
        signature=check_pdf_signature(data),
    )
