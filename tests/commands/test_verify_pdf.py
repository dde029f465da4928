"""`verify_pdf FILE` prints the verdict and exits non-zero for tampered or unknown files.

The verdict reads the hash, the signature and the snapshot, not the pages:
issued_seed_study_tiny (signed for real, in both languages) will do.
"""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from footprint.models import Study
from tests.workflow_steps import approve


def test_it_accepts_the_issued_file(issued_seed_study_tiny, tmp_path, capsys):
    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    path = tmp_path / "report.pdf"
    path.write_bytes(study.issued_pdf.read())
    call_command("verify_pdf", str(path))
    out = capsys.readouterr().out
    # one verdict in plain words on the first line, then the level and the details
    first, *rest = out.splitlines()
    assert first.startswith("AUTHENTIC: 真实有效") and "NOT AUTHENTIC" not in out
    assert "intact=" not in out and "valid=" not in out
    assert "PAdES level:   B-B+LT-data (chain and CRL embedded" in out
    assert "revocation checked offline:    yes" in out
    assert "unchanged since signing:       yes\n" in out and "document timestamp:" not in out
    assert study.issued_sha256 in out
    assert "202508175GHG" in out and "status:        valid" in out
    assert "212.852" in out


def test_it_rejects_a_one_byte_change(issued_seed_study_tiny, tmp_path, capsys):
    data = bytearray(Study.objects.get(pk=issued_seed_study_tiny.pk).issued_pdf.read())
    data[len(data) // 2] ^= 0x01
    path = tmp_path / "tampered.pdf"
    path.write_bytes(bytes(data))
    with pytest.raises(CommandError, match="NOT AUTHENTIC"):
        call_command("verify_pdf", str(path))
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("NOT AUTHENTIC: ")
    assert "issued file:   no" in out


def test_it_rejects_an_unknown_file(db, tmp_path):
    path = tmp_path / "other.pdf"
    path.write_bytes(b"%PDF-1.4\n%%EOF\n")
    with pytest.raises(CommandError):
        call_command("verify_pdf", str(path))


def test_create_demo_pki_is_idempotent(settings, tmp_path, capsys):
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "pki" / "signer.p12")
    settings.SIGNING_SEAL_IMAGE = str(tmp_path / "pki" / "seal.png")
    call_command("create_demo_pki")
    first = (tmp_path / "pki" / "signer.p12").read_bytes()
    call_command("create_demo_pki")
    assert (tmp_path / "pki" / "signer.p12").read_bytes() == first
    assert "already present" in capsys.readouterr().out
    assert (tmp_path / "pki" / "demo-ca.pem").exists() and (tmp_path / "pki" / "seal.png").exists()
    # the demo CA publishes a CRL (nothing revoked), signed by the CA
    from cryptography import x509

    crl = x509.load_der_x509_crl((tmp_path / "pki" / "demo-ca.crl").read_bytes())
    ca = x509.load_pem_x509_certificate((tmp_path / "pki" / "demo-ca.pem").read_bytes())
    assert crl.issuer == ca.subject and crl.is_signature_valid(ca.public_key())
    assert len(list(crl)) == 0


def test_create_demo_pki_refuses_outside_the_demo(settings, tmp_path):
    settings.SIGNING_IS_DEMO = False
    settings.SIGNING_PKCS12_PATH = str(tmp_path / "signer.p12")
    with pytest.raises(CommandError):
        call_command("create_demo_pki")


def test_load_demo_issues_demo_2_through_the_workflow_once(db, signing, capsys, tiny_issued_report):
    # the workflow and its idempotence, not the report's pages: the one-page report will do
    call_command("load_demo")
    study = Study.objects.get(report_number="DEMO-2")
    assert study.status == "issued" and study.issued_sha256
    users = [t.user.username for t in study.transitions.all()]
    assert users == ["auditor", "client2", "auditor", "lead", "lead"]
    digest = study.issued_sha256
    call_command("load_demo")  # idempotent: nothing re-issued
    study.refresh_from_db()
    assert study.issued_sha256 == digest and study.transitions.count() == 5


def test_it_accepts_the_english_file_and_names_its_language(issued_seed_study_tiny, tmp_path, capsys):
    from footprint.services.workflow.issuing import issued_pdf_bytes

    study = Study.objects.get(pk=issued_seed_study_tiny.pk)
    path = tmp_path / "report-en.pdf"
    path.write_bytes(issued_pdf_bytes(study, "en"))
    call_command("verify_pdf", str(path))
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("AUTHENTIC: 真实有效") and "英文版" in out.splitlines()[0]
    assert "language:      en (English)" in out
    assert f"issued zh-hans: {study.issued_sha256}" in out and f"issued en:      {study.issued_alt_sha256}" in out


def test_it_names_pades_b_lta_for_a_file_issued_with_a_timestamp_server(
        seed_study, demo_users, signing, settings, monkeypatch, tmp_path, capsys, tiny_issued_report):
    from footprint.services.workflow import issuing
    from tests.local_tsa import install_local_tsa

    install_local_tsa(settings, monkeypatch, tmp_path)
    u = demo_users
    approve(seed_study, u)
    study = issuing.study_issue(study=seed_study, user=u["lead"])
    path = tmp_path / "report.pdf"
    path.write_bytes(study.issued_pdf.read())
    call_command("verify_pdf", str(path))
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("AUTHENTIC: ")
    assert "PAdES level:   B-LTA (timestamped; chain and CRL embedded; document timestamp" in out
    assert "certified, no changes allowed: yes" in out
    assert "unchanged since signing:       yes (only a document timestamp and validation data appended" in out
    assert "document timestamp:            20" in out and "(TSA trusted: yes)" in out
