"""Issued in both languages: when the study's English wording is complete, issuing signs an
English file alongside the Chinese one in the same step (its own SHA-256, the same
verification code), both recorded in the snapshot; when it is incomplete only Chinese is
issued and the record says why. Real files, parsed back."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from footprint.models import Study
from footprint.services.workflow import issuing
from footprint.services.workflow.signing import check_pdf_signature
from footprint.services.workflow.verification import public_facts, verification_url, verify_pdf
from tests.reports.pdfcheck import pdftotext
from tests.workflow_steps import approve

pytestmark = [pytest.mark.django_db, pytest.mark.pdf]


def _files(study: Study) -> tuple[bytes, bytes]:
    return issuing.issued_pdf_bytes(study), issuing.issued_pdf_bytes(study, "en")


def test_a_study_with_complete_english_is_issued_in_both_languages(issued_seed_study):
    study = Study.objects.get(pk=issued_seed_study.pk)
    zh, en = _files(study)
    assert study.language == "zh-hans" and study.issued_alt_language == "en"
    assert zh != en
    assert hashlib.sha256(zh).hexdigest() == study.issued_sha256
    assert hashlib.sha256(en).hexdigest() == study.issued_alt_sha256
    # The snapshot records both hashes, by language.
    assert study.issued_snapshot["files"] == {"zh-hans": study.issued_sha256, "en": study.issued_alt_sha256}
    assert "files_absent" not in study.issued_snapshot
    assert [(f.language, f.label, f.primary) for f in issuing.issued_files(study)] == [
        ("zh-hans", "中文", True), ("en", "English", False)]
    assert issuing.missing_language_reason(study) is None
    # Each is a certified, intact signature of our CA.
    assert check_pdf_signature(zh).ok and check_pdf_signature(en).ok
    # The English one is the English report; both print the same verification address.
    cover_zh, cover_en = pdftotext(zh, first=1, last=1), pdftotext(en, first=1, last=1)
    assert "Product Carbon Footprint Report" in cover_en and "产品碳足迹报告" not in cover_en
    assert "产品碳足迹" in cover_zh
    url = verification_url(study.verification_code)
    assert url in cover_zh.replace("\n", "") and url in cover_en.replace("\n", "")
    # Files kept under their own names.
    assert study.issued_alt_pdf.name.endswith(f"{study.report_number}_en.pdf")
    assert default_storage.exists(study.issued_alt_pdf.name)


def test_the_english_file_is_verified_as_an_issued_file_of_that_study_and_says_its_language(
        issued_seed_study):
    study = Study.objects.get(pk=issued_seed_study.pk)
    zh, en = _files(study)
    verdict = verify_pdf(en, expected=study)
    assert verdict.authentic and verdict.matched == study and verdict.language == "en"
    assert verdict.language_label == "English"
    with translation.override("zh-hans"):
        assert verdict.summary == (f"真实有效：该文件是报告 {study.report_number} 签发的英文版，"
                                   "与签发记录完全一致，数字签名完好。")
    with translation.override("en"):
        assert "English" in verdict.summary and study.report_number in verdict.summary
    assert verify_pdf(zh).language == "zh-hans"
    # The English file of another study is not this one's.
    other = Study.objects.get(report_number="DEMO-2")
    wrong = verify_pdf(en, expected=other)
    assert not wrong.hash_matches and not wrong.authentic and wrong.matched == study
    # One changed byte: no longer the issued English file.
    tampered = bytearray(en)
    tampered[len(tampered) // 2] ^= 0x01
    changed = verify_pdf(bytes(tampered))
    assert changed.matched is None and changed.language == "" and not changed.authentic
    # The public facts list both files.
    facts = public_facts(study)
    assert [(f.language, f.sha256) for f in facts.files] == [
        ("zh-hans", study.issued_sha256), ("en", study.issued_alt_sha256)]
    assert facts.missing_language is None


@pytest.fixture
def issued_without_english(seed_study, demo_users, signing, tiny_issued_report):
    """The seed study with the English of two texts its report prints removed, then issued
    (the one-page report: what is checked is which files were signed, not their pages)."""
    from footprint.services.facts.reading import study_facts
    from footprint.services.report_prose.translation import needs_translation, report_terms

    terms = dict(seed_study.translations["en"]["terms"])
    printed = [t for t in report_terms(study_facts(seed_study)) if needs_translation(t) and t in terms]
    for source in printed[:2]:
        del terms[source]
    seed_study.translations = {"en": {**seed_study.translations["en"], "terms": terms}}
    seed_study.save()
    approve(seed_study, demo_users)
    return issuing.study_issue(study=seed_study, user=demo_users["lead"])


def test_incomplete_english_issues_only_chinese_and_says_why(issued_without_english):
    study = Study.objects.get(pk=issued_without_english.pk)
    assert study.status == "issued" and study.issued_sha256
    assert not study.issued_alt_sha256 and not study.issued_alt_pdf and not study.issued_alt_language
    assert study.issued_snapshot["files"] == {"zh-hans": study.issued_sha256}
    assert study.issued_snapshot["files_absent"] == {"en": {"untranslated": 2}}
    assert [f.language for f in issuing.issued_files(study)] == ["zh-hans"]
    with pytest.raises(issuing.IssuedFileMissing):
        issuing.issued_pdf_bytes(study, "en")
    with translation.override("zh-hans"):
        assert issuing.missing_language_reason(study) == (
            "en", "没有签发英文版：签发时还有 2 处文字没有英文译文，因此只签发了中文版。")
    with translation.override("en"):
        _language, reason = issuing.missing_language_reason(study)
        assert "2" in reason and "English" in reason
    # Only one file was written.
    assert default_storage.listdir("issued")[1] == [f"{study.report_number}.pdf"]
    assert public_facts(study).missing_language[0] == "en"


def test_a_study_issued_before_both_languages_keeps_its_one_file(issued_seed_study):
    """Backward compatible: the row of a study issued by an earlier release has one file and
    a snapshot without `files`."""
    study = Study.objects.get(pk=issued_seed_study.pk)
    snapshot = {k: v for k, v in study.issued_snapshot.items() if k not in ("files", "files_absent")}
    Study.objects.filter(pk=study.pk).update(issued_alt_language="", issued_alt_pdf="", issued_alt_sha256="",
                                             issued_snapshot=snapshot)
    study.refresh_from_db()
    zh = issuing.issued_pdf_bytes(study)
    assert [f.language for f in issuing.issued_files(study)] == ["zh-hans"]
    with translation.override("zh-hans"):
        assert issuing.missing_language_reason(study) == ("en", "没有签发英文版：该报告签发时只签发了中文版。")
    verdict = verify_pdf(zh, expected=study)
    assert verdict.authentic and verdict.language == "zh-hans"


def test_a_failure_after_writing_removes_both_files(seed_study, demo_users, signing, monkeypatch,
                                                   tiny_issued_report):
    approve(seed_study, demo_users)

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(issuing, "record_transition", fail)
    with pytest.raises(RuntimeError):
        issuing.study_issue(study=seed_study, user=demo_users["lead"])
    study = Study.objects.get(pk=seed_study.pk)
    assert study.status == "approved" and not study.issued_sha256 and not study.issued_alt_sha256
    assert not default_storage.exists("issued") or default_storage.listdir("issued")[1] == []
