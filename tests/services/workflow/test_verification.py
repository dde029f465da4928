"""Whether a PDF is an authentic issued report (footprint/services/workflow/verification.py).

The signature itself is pyHanko's (tests/services/workflow/test_signing.py signs and checks real
files); here the verdict is built from its answer, and the hash match from the database."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import translation

from footprint.choices import StudyStatus
from footprint.models import Study
from footprint.services.workflow.signing import SignatureCheck
from footprint.services.workflow.verification import (
    Verdict,
    issued_study_for_code,
    public_facts,
    sha256_hex,
    verify_pdf,
)

pytestmark = pytest.mark.django_db

SEED, DEMO2 = "202508175GHG", "DEMO-2"
GOOD = SignatureCheck(present=True, intact=True, valid=True, trusted=True)
# A minimal file that starts like a PDF: no signature in it.
PDF = b"\n\n%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def _issue(number: str, data: bytes, status=StudyStatus.ISSUED, **fields) -> Study:
    Study.objects.filter(report_number=number).update(
        status=status, issued_sha256=sha256_hex(data), verification_code=f"code-{number}", **fields)
    return Study.objects.get(report_number=number)


def test_sha256_hex_is_the_plain_digest():
    assert sha256_hex(b"abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_a_file_that_is_not_a_pdf_is_said_so_and_never_matched(demo):
    _issue(SEED, b"not a pdf")
    verdict = verify_pdf(b"not a pdf")
    assert not verdict.is_pdf and verdict.matched is None and not verdict.authentic
    with translation.override("zh-hans"):
        assert verdict.summary == "这不是 PDF 文件。"
    # the header may follow a little junk, but not more than 1 KiB of it
    assert verify_pdf(b" " * 1000 + PDF).is_pdf
    assert not verify_pdf(b" " * 1024 + PDF).is_pdf


def test_the_hash_matches_only_an_issued_or_superseded_study(demo):
    seed = _issue(SEED, PDF)
    verdict = verify_pdf(PDF)
    assert verdict.sha256 == hashlib.sha256(PDF).hexdigest()
    assert verdict.matched == seed and verdict.hash_matches
    assert not verdict.signature.present and not verdict.authentic  # unsigned: never authentic
    with translation.override("zh-hans"):
        assert verdict.summary == "该文件与签发记录一致，但数字签名未能通过验证。"
    Study.objects.filter(pk=seed.pk).update(status=StudyStatus.SUPERSEDED)
    assert verify_pdf(PDF).matched == seed
    # a draft that happens to carry the hash is not an issued report
    Study.objects.filter(pk=seed.pk).update(status=StudyStatus.DRAFT)
    assert verify_pdf(PDF).matched is None


@pytest.mark.parametrize(("matched", "expected", "signature", "summary"), [
    (SEED, None, GOOD, f"真实有效：该文件是报告 {SEED} 签发的中文版，与签发记录完全一致，数字签名完好。"),
    (SEED, SEED, GOOD, f"真实有效：该文件是报告 {SEED} 签发的中文版，与签发记录完全一致，数字签名完好。"),
    (SEED, DEMO2, GOOD, f"该文件是报告 {SEED} 的签发文件，不是报告 {DEMO2} 的。"),
    (SEED, None, SignatureCheck(present=True, intact=False, valid=True, trusted=True),
     "该文件与签发记录一致，但数字签名未能通过验证。"),
    (None, None, GOOD, "不是签发的文件，不能作为依据：该文件带有本机构的有效签名，但与签发记录中的文件不一致，"
                       "签发后被修改或被替换过。请以验证页面上列出的签发内容为准，或向认证机构索取签发文件。"),
    (None, None, SignatureCheck(present=True, intact=True, valid=True, trusted=False),
     "不是签发的原始文件：文件已被修改，或并非本机构签发。"),
    (None, None, SignatureCheck(present=False), "不是签发的原始文件：文件已被修改，或并非本机构签发。"),
])
def test_the_verdict_says_exactly_what_was_found(demo, matched, expected, signature, summary):
    if matched:  # the file's hash is the one recorded for the study's (Chinese) file
        Study.objects.filter(report_number=matched).update(issued_sha256="0" * 64)
    studies = {s.report_number: s for s in Study.objects.all()}
    verdict = Verdict(sha256="0" * 64, is_pdf=True, matched=studies.get(matched),
                      expected=studies.get(expected), signature=signature)
    assert verdict.authentic is summary.startswith("真实有效")
    with translation.override("zh-hans"):
        assert verdict.summary == summary


def test_a_verification_code_finds_only_an_issued_study(demo):
    _issue(SEED, PDF)
    assert issued_study_for_code(f"code-{SEED}").report_number == SEED
    assert issued_study_for_code("") is None
    assert issued_study_for_code("x" * 65) is None  # never a query for an overlong code
    Study.objects.filter(report_number=SEED).update(status=StudyStatus.APPROVED)
    assert issued_study_for_code(f"code-{SEED}") is None


def test_public_facts_come_from_the_snapshot_not_the_live_rows(demo):
    snapshot = {
        "document": {"report_number": SEED, "revision": 1, "title": "As issued",
                     "company": {"name": "Issued Name Co."}, "issue_date": "2025-04-03",
                     "certification_body": "CB as issued"},
        "results": {"products": [{"code": "LV", "name": "低压", "functional_unit": "1 台",
                                  "total_kgco2e": 212.852456}]},
    }
    seed = _issue(SEED, PDF, issued_snapshot=snapshot)
    seed.company.name = "Renamed Later Ltd."
    seed.company.save()
    facts = public_facts(Study.objects.get(pk=seed.pk))
    assert (facts.title, facts.company, facts.revision) == ("As issued", "Issued Name Co.", 1)
    assert str(facts.issue_date) == "2025-04-03" and facts.certification_body == "CB as issued"
    assert [(p.code, p.total_kgco2e) for p in facts.products] == [("LV", 212.852456)]
    assert facts.is_valid and facts.superseded_by == "" and facts.sha256 == sha256_hex(PDF)


def test_a_superseded_report_names_its_issued_successor(demo):
    seed = _issue(SEED, PDF, status=StudyStatus.SUPERSEDED)
    Study.objects.filter(report_number=DEMO2).update(supersedes=seed, status=StudyStatus.ISSUED)
    facts = public_facts(Study.objects.get(pk=seed.pk))
    assert facts.status == "superseded" and not facts.is_valid and facts.superseded_by == DEMO2
    # without a snapshot (an older release), the row stands in
    assert facts.report_number == SEED and facts.company == seed.company.name and facts.products == ()
