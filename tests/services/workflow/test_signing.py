"""The issued PDF validates with pyHanko on its own terms: intact, trusted against the demo CA,
certified with "no changes allowed" over the whole file; any changed byte is detected."""

import io

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from footprint.models import Study
from footprint.services.workflow import signing, verification
from tests.workflow_steps import approve


def _demo_ca(pki_dir):
    _type, _headers, der = pem.unarmor((pki_dir / "demo-ca.pem").read_bytes())
    return asn1_x509.Certificate.load(der)


@pytest.fixture
def issued_bytes(issued_seed_study):
    return Study.objects.get(pk=issued_seed_study.pk).issued_pdf.read()


@pytest.fixture
def tiny_issued_bytes(issued_seed_study_tiny):
    """A signed file as issued, of the one-page report: for the checker's verdicts on changed
    files and other CAs, which read the signature, not the pages (and take seconds on the
    full report's objects)."""
    return issued_seed_study_tiny.issued_pdf.read()


def test_pyhanko_validates_the_issued_pdf_against_the_demo_ca(issued_bytes, demo_pki_dir):
    reader = PdfFileReader(io.BytesIO(issued_bytes))
    (embedded,) = reader.embedded_signatures
    status = validate_pdf_signature(embedded, ValidationContext(trust_roots=[_demo_ca(demo_pki_dir)]))
    assert status.intact and status.valid and status.trusted
    assert status.bottom_line
    assert embedded.docmdp_level == MDPPerm.NO_CHANGES  # a certification signature
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert embedded.sig_object["/Filter"] == "/Adobe.PPKLite"
    assert embedded.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"  # PAdES
    assert "演示" in str(embedded.sig_object["/Reason"])  # the demo says so in the reason
    assert str(embedded.sig_object["/Name"]) == "陈静"


def test_a_ca_we_do_not_know_is_not_trusted(tiny_issued_bytes, tmp_path):
    from footprint.services.demo.pki import create_demo_pki

    other = create_demo_pki(pkcs12_path=tmp_path / "other.p12", passphrase="x", body_name="别的机构")
    _type, _headers, der = pem.unarmor(other.ca_path.read_bytes())
    reader = PdfFileReader(io.BytesIO(tiny_issued_bytes))
    status = validate_pdf_signature(
        reader.embedded_signatures[0],
        ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)]),
    )
    assert status.intact and not status.trusted


def test_the_visible_signature_fills_the_box_the_cover_reserves(issued_bytes):
    """The stamp sits where the layout left room: no page text under it, no placeholder left
    on the cover, and the seal and the stamp's text side by side, not over each other."""
    from pypdf import PdfReader

    from tests.reports.pdfcheck import (
        is_dark,
        is_red,
        page_image,
        pdftotext,
        pixels_in,
        placed_text,
        signature_widget_rect,
    )

    reader = PdfReader(io.BytesIO(issued_bytes))
    widgets = [a.get_object() for a in reader.pages[0].get("/Annots", [])]
    sig = next(w for w in widgets if w.get("/FT") == "/Sig")
    appearance = sig["/AP"]["/N"].get_object()
    assert appearance["/Resources"]["/XObject"]  # the seal image (and nested form)

    rect = signature_widget_rect(issued_bytes)
    x1, y1, x2, y2 = rect
    assert x2 - x1 > 200 and y2 - y1 > 80  # the reserved 88 × 34 mm, not a fallback
    runs = placed_text(issued_bytes, 0)
    assert len(runs) > 10
    under = [r.text for r in runs if x1 - 2 <= r.x <= x2 and y1 - 2 <= r.y <= y2 + r.size]
    assert under == []
    assert "认证机构盖章处" not in pdftotext(issued_bytes, first=1, last=1)

    dpi, height = 100, float(reader.pages[0].mediabox.height)
    image = page_image(issued_bytes, 0, dpi=dpi)
    seal = pixels_in(image, rect, dpi=dpi, page_height_pt=height, keep=is_red)
    text = pixels_in(image, rect, dpi=dpi, page_height_pt=height, keep=is_dark)
    assert seal and text
    assert seal[2] < text[0]  # the seal ends left of where the stamp's text begins
    # and no red anywhere else on the cover: the draft's dashed placeholder seal is gone
    whole_page = (0, 0, float(reader.pages[0].mediabox.width), height)
    red = pixels_in(image, whole_page, dpi=dpi, page_height_pt=height, keep=is_red)
    assert red == seal


def test_check_pdf_signature_reports_an_intact_certified_signature(tiny_issued_bytes):
    check = signing.check_pdf_signature(tiny_issued_bytes)
    assert check.ok and check.certified_no_changes and "测试认证机构" in check.signer


@pytest.mark.parametrize("where", [0.3, 0.6, -200])
def test_one_changed_byte_is_rejected(tiny_issued_bytes, where):
    data = bytearray(tiny_issued_bytes)
    index = int(len(data) * where) if isinstance(where, float) else len(data) + where
    data[index] ^= 0x01
    verdict = verification.verify_pdf(bytes(data))
    assert not verdict.hash_matches
    assert not verdict.authentic
    assert not verdict.signature.ok


def test_an_appended_update_breaks_the_no_changes_certification(tiny_issued_bytes):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(tiny_issued_bytes))
    writer.root["/Lang"] = generic.TextStringObject("en")  # an otherwise harmless change
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    check = signing.check_pdf_signature(out.getvalue())
    assert check.present and not check.ok
    assert not check.covers_whole_file or not check.intact


def test_garbage_and_unsigned_files_are_reported_not_raised(db):
    assert not verification.verify_pdf(b"not a pdf at all").is_pdf
    broken = verification.verify_pdf(b"%PDF-1.7\n" + b"\x00" * 5000)
    assert broken.is_pdf and not broken.authentic and broken.signature.error


def test_checking_works_inside_a_running_event_loop(tiny_issued_bytes):
    import asyncio

    async def inside_a_loop():
        return signing.check_pdf_signature(tiny_issued_bytes)

    assert asyncio.run(inside_a_loop()).ok


@pytest.fixture
def local_tsa(signing, settings, monkeypatch, tmp_path):
    from tests.local_tsa import install_local_tsa

    return install_local_tsa(settings, monkeypatch, tmp_path)


def _issue(study, users):
    from footprint.services.workflow import issuing

    approve(study, users)
    return issuing.study_issue(study=study, user=users["lead"])


def _tsa_root(settings):
    from pathlib import Path

    _type, _headers, der = pem.unarmor(Path(settings.SIGNING_TIMESTAMP_ROOTS).read_bytes())
    return asn1_x509.Certificate.load(der)


def test_a_configured_timestamp_server_makes_both_issued_files_pades_b_lta(
        seed_study, demo_users, local_tsa, settings, demo_pki_dir, tiny_issued_report):
    """SIGNING_TIMESTAMP_URL: the signature gets an RFC 3161 timestamp (B-T), the chain and the
    CRLs go into the DSS (B-LT), and a document timestamp follows over the signed file, the
    TSA's own validation data after it (B-LTA). The certification forbidding any change still
    holds: pyHanko counts those updates as long-term maintenance (LTA_UPDATES), not changes.
    The stored SHA-256 is of that final file, in both languages."""
    import hashlib

    from asn1crypto import crl as asn1_crl
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import validate_pdf_timestamp

    study = _issue(seed_study, demo_users)
    assert study.issued_alt_pdf  # the seed study's English is complete: two signed files
    # one TSA client per signed file: it stamps the signature, then the document
    assert local_tsa == ["http://tsa.example/"] * 2
    files = {"zh-hans": study.issued_pdf.read(), "en": study.issued_alt_pdf.read()}
    assert hashlib.sha256(files["zh-hans"]).hexdigest() == study.issued_sha256
    assert hashlib.sha256(files["en"]).hexdigest() == study.issued_alt_sha256
    assert study.issued_snapshot["files"] == {"zh-hans": study.issued_sha256, "en": study.issued_alt_sha256}
    roots = [_demo_ca(demo_pki_dir), _tsa_root(settings)]
    for language, data in files.items():
        reader = PdfFileReader(io.BytesIO(data))
        signature, doc_timestamp = reader.embedded_signatures
        assert signature.sig_object_type == "/Sig" and doc_timestamp.sig_object_type == "/DocTimeStamp"
        crls = [asn1_crl.CertificateList.load(c.get_object().data) for c in reader.root["/DSS"]["/CRLs"]]

        def context(crls=crls):
            return ValidationContext(trust_roots=roots, crls=crls, allow_fetching=False)

        status = validate_pdf_signature(signature, context())
        assert status.intact and status.valid and status.trusted, language
        assert status.timestamp_validity.intact and status.timestamp_validity.trusted
        assert signature.docmdp_level == MDPPerm.NO_CHANGES
        assert status.coverage == SignatureCoverageLevel.ENTIRE_REVISION  # the timestamp follows
        assert status.modification_level == ModificationLevel.LTA_UPDATES and status.docmdp_ok
        assert status.bottom_line
        stamp = validate_pdf_timestamp(doc_timestamp, context())
        assert stamp.intact and stamp.valid and stamp.trusted, language
        # the TSA's certificate is in the DSS, after the document timestamp
        dss_subjects = {asn1_x509.Certificate.load(c.get_object().data).subject.human_friendly
                        for c in reader.root["/DSS"]["/Certs"]}
        assert "Common Name: Test TSA" in dss_subjects

        check = signing.check_pdf_signature(data)
        assert check.level == "B-LTA", check.error
        assert check.ok and check.intact and check.certified_no_changes and not check.error
        assert check.archival_updates_only and not check.covers_whole_file
        assert check.unchanged_since_signing and check.revocation_checked
        assert check.doc_timestamp_time is not None and check.doc_timestamp_trusted
        verdict = verification.verify_pdf(data)
        assert verdict.authentic and verdict.language == language


def test_a_change_after_the_document_timestamp_is_still_a_change(
        seed_study, demo_users, local_tsa, tiny_issued_report):
    """Only a document timestamp and validation data pass as "no change": any other update
    appended to a B-LTA file breaks the certification; a document timestamp that no longer
    matches its bytes makes the file neither intact nor B-LTA."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    data = _issue(seed_study, demo_users).issued_pdf.read()
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    check = signing.check_pdf_signature(out.getvalue())
    assert check.present and check.intact and check.trusted
    assert not check.ok and not check.unchanged_since_signing

    # one hex digit of the document timestamp's token, in the TSA's signature at its end
    doc_timestamp = PdfFileReader(io.BytesIO(data)).embedded_signatures[1]
    token = doc_timestamp.sig_object["/Contents"].rstrip(b"\0")
    at = doc_timestamp.byte_range[1] + 1 + 2 * (len(token) - 8)  # after the "<"
    tampered = bytearray(data)
    tampered[at] = ord("1") if tampered[at] == ord("0") else ord("0")
    check = signing.check_pdf_signature(bytes(tampered))
    assert check.intact  # the signature's own bytes are untouched
    assert not check.ok and check.level == "B-LT" and "文档时间戳" in check.error


def test_the_signature_carries_its_chain_and_the_ca_revocation_list(tiny_issued_bytes, demo_pki_dir):
    """PAdES long-term data in the signature's own revision: the DSS holds the certificates and
    the demo CA's CRL, and the signature validates from them alone even when revocation data
    is required (no fetching); without that CRL the same check fails."""
    from asn1crypto import crl as asn1_crl

    reader = PdfFileReader(io.BytesIO(tiny_issued_bytes))
    dss = reader.root["/DSS"]
    assert len(dss["/Certs"]) >= 2
    crls = [asn1_crl.CertificateList.load(c.get_object().data) for c in dss["/CRLs"]]
    ca = _demo_ca(demo_pki_dir)
    assert [c.issuer for c in crls] == [ca.subject]
    (embedded,) = reader.embedded_signatures

    def check(with_crls):
        context = ValidationContext(trust_roots=[ca], crls=with_crls, allow_fetching=False,
                                    revocation_mode="require")
        return validate_pdf_signature(embedded, context)

    assert check(crls).trusted and check(crls).coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert not check([]).trusted
    result = signing.check_pdf_signature(tiny_issued_bytes)
    assert result.ok and result.revocation_checked and result.level == "B-B+LT-data"


def test_pades_levels_are_named_for_what_the_file_holds():
    level = signing.pades_level
    assert level(timestamped=True, has_dss=True, doc_timestamp=False) == "B-LT"
    assert level(timestamped=True, has_dss=True, doc_timestamp=True) == "B-LTA"
    assert level(timestamped=True, has_dss=False, doc_timestamp=False) == "B-T"
    assert level(timestamped=False, has_dss=True, doc_timestamp=False) == "B-B+LT-data"
    assert level(timestamped=False, has_dss=False, doc_timestamp=False) == "B-B"


def test_info_and_xmp_metadata_agree_after_signing(issued_bytes):
    """PDF/A validators compare the Info dictionary with the XMP packet: same producer, and the
    modification date pyHanko writes into XMP is in Info too."""
    import datetime as dt
    import re

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(issued_bytes))
    info = reader.metadata
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()

    def xmp_field(tag):
        m = re.search(rf"<{tag}>(.*?)</{tag}>|{tag}=\"([^\"]*)\"", xmp)
        return m.group(1) or m.group(2)

    assert str(info["/Producer"]) == xmp_field("pdf:Producer")
    assert info.modification_date == dt.datetime.fromisoformat(xmp_field("xmp:ModifyDate"))
    assert xmp_field("pdfaid:part") == "3"


def test_the_stamp_names_the_certification_body_in_the_file_s_language(settings):
    import datetime as dt

    settings.CERTIFICATION_BODY_NAME = "示例认证有限公司"
    settings.CERTIFICATION_BODY_NAME_EN = "Example Certification Ltd."
    at = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)
    zh = signing.stamp_text(signer_name="陈静", signed_at=at, language="zh-hans")
    en = signing.stamp_text(signer_name="陈静", signed_at=at, language="en")
    assert zh.splitlines()[0] == "示例认证有限公司"
    assert en.splitlines()[0] == "Example Certification Ltd."
    assert "示例认证" not in en
    # without an English name the English file keeps the Chinese one rather than print nothing
    settings.CERTIFICATION_BODY_NAME_EN = ""
    assert signing.stamp_text(signer_name="陈静", signed_at=at, language="en").splitlines()[0] == "示例认证有限公司"


def test_the_key_file_is_opened_once_per_version_and_a_replaced_one_is_read_again(
        settings, demo_pki_dir, tmp_path, monkeypatch):
    """The PKCS#12 file is opened (a key derivation) once, not for every signature and every
    check on the verify page; a wrong passphrase is still refused, and a file replaced in place
    (a new key and CA) is read afresh, never served from memory."""
    import shutil

    from cryptography.hazmat.primitives.serialization import pkcs12

    from footprint.services.demo.pki import create_demo_pki
    from tests.conftest import PKI_PASSPHRASE

    opened = []
    real = pkcs12.load_key_and_certificates
    monkeypatch.setattr(pkcs12, "load_key_and_certificates",
                        lambda *a, **k: opened.append(1) or real(*a, **k))
    path = tmp_path / "signer.p12"
    shutil.copy(demo_pki_dir / "signer.p12", path)
    settings.SIGNING_PKCS12_PATH, settings.SIGNING_PKCS12_PASSPHRASE = str(path), PKI_PASSPHRASE
    first = _roots()
    assert first and _roots() == first and signing.signing_available() == (True, "")
    assert len(opened) == 1

    settings.SIGNING_PKCS12_PASSPHRASE = "not-the-passphrase"
    available, reason = signing.signing_available()
    assert not available and "SIGNING_PKCS12_PASSPHRASE" in reason
    assert signing.trust_roots() == []

    other = tmp_path / "other"
    other.mkdir()
    create_demo_pki(pkcs12_path=other / "signer.p12", passphrase=PKI_PASSPHRASE,
                    body_name="另一机构", seal_path=other / "seal.png")
    settings.SIGNING_PKCS12_PASSPHRASE = PKI_PASSPHRASE
    assert _roots() == first  # the first file, still opened once
    shutil.copy(other / "signer.p12", path)  # replaced in place: same path and passphrase, new CA
    assert _roots() and _roots() != first


def _roots():
    return [c.dump() for c in signing.trust_roots()]


def test_the_signing_key_is_parsed_once_and_signs_as_pyhanko_would(demo_pki_dir, monkeypatch):
    """pyHanko's SimpleSigner parses (and `cryptography` checks) the private key on every
    signature, two per PDF; ours parses it once per signer and its PKCS#1 v1.5 signatures are
    byte for byte pyHanko's (the scheme is deterministic)."""
    from cryptography.hazmat.primitives import serialization
    from pyhanko.sign import signers

    from tests.conftest import PKI_PASSPHRASE

    data = (demo_pki_dir / "signer.p12").read_bytes()
    ours = signing._signer.__wrapped__(data, PKI_PASSPHRASE)  # a fresh one, nothing parsed yet
    theirs = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=PKI_PASSPHRASE.encode())

    parsed = []
    real = serialization.load_der_private_key
    monkeypatch.setattr(serialization, "load_der_private_key",
                        lambda *a, **k: parsed.append(1) or real(*a, **k))
    for message in (b"first", b"second", b"third"):
        assert ours.sign_raw(message, "sha256") == theirs.sign_raw(message, "sha256")
    assert len(parsed) == 1 + 3  # ours once, pyHanko's once per signature
    assert ours.signing_cert.dump() == theirs.signing_cert.dump()


# ------------------------------------------------------------------ the stamp's font subsets
def test_a_stamp_font_subset_is_made_once_and_read_back_by_later_processes(settings, tmp_path, monkeypatch):
    from fontTools.ttLib import TTFont

    settings.SIGNING_FONT_CACHE_DIR = str(tmp_path / "fonts")
    signing._font_subset.cache_clear()
    made = signing._font_subset("签发人 Signed by 0123456789")
    [kept] = (tmp_path / "fonts").iterdir()
    assert kept.read_bytes() == made
    cmap = TTFont(io.BytesIO(made)).getBestCmap()
    assert {ord("签"), ord("S")} <= set(cmap) and ord("审") not in cmap
    # Another process (an empty in-process cache) reads it back instead of cutting the face.
    signing._font_subset.cache_clear()
    monkeypatch.setattr(signing, "_make_font_subset", lambda text: pytest.fail("cut again"))
    assert signing._font_subset("签发人 Signed by 0123456789") == made
    signing._font_subset.cache_clear()


def test_a_font_cache_that_cannot_be_written_is_no_error(settings, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.SIGNING_FONT_CACHE_DIR = str(blocked / "fonts")
    signing._font_subset.cache_clear()
    assert signing._font_subset("签发人").startswith(b"OTTO")  # CFF-flavoured OpenType
    signing._font_subset.cache_clear()
