"""Signing issued reports and checking signatures: the only module that uses pyHanko.

An issued report carries one PAdES certification signature (DocMDP "no changes"): any later
change to the file, even a valid incremental update, breaks it. With a TSA configured
(SIGNING_TIMESTAMP_URL) a document timestamp follows the signature (PAdES B-LTA): ISO 32000-2
and PAdES do not count it, nor the validation data added with it, as a change, and neither
does the check below. The visible signature goes in
the box the cover reserves for it (reports/signature_block.py finds it in the layout): the
certification body's seal on the left, its name, the person who issued the report and the
time on the right, side by side so that neither covers the other.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _


# Where the report layer reserved the visible signature (reports/signature_block.py finds it).
@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: a page index and a rectangle in PDF points from the
    bottom-left corner of that page (the coordinates pyHanko's field spec takes)."""

    page: int
    x1: float
    y1: float
    x2: float
    y2: float

    @property
    def rect(self) -> tuple[int, int, int, int]:
        # Whole points, inside the reserved box (pyHanko writes the /Rect as integers).
        import math

        return (math.ceil(self.x1), math.ceil(self.y1), math.floor(self.x2), math.floor(self.y2))

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1


SIGNATURE_FIELD = "CertificationBodySignature"
CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
CJK_FONT_INDEX = 2  # Noto Sans CJK SC inside the collection


class SigningUnavailable(Exception):
    """The signing key cannot be loaded (missing file, wrong passphrase)."""


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko says about the signature of a PDF."""

    present: bool
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the signature is cryptographically sound
    trusted: bool = False  # the signer's certificate chains to our trust roots
    certified_no_changes: bool = False  # certification signature forbidding any change
    covers_whole_file: bool = False  # nothing was appended after signing
    # Appended after signing only what PAdES and ISO 32000-2 do not count as a change (a valid
    # document timestamp and validation data: B-LTA), which the certification allows.
    archival_updates_only: bool = False
    doc_timestamp_time: dt.datetime | None = None  # the latest valid document timestamp
    doc_timestamp_trusted: bool = False  # its TSA chains to SIGNING_TIMESTAMP_ROOTS
    signer: str = ""
    signing_time: dt.datetime | None = None
    error: str = ""
    level: str = ""  # PAdES level: "B-B", "B-B+LT-data", "B-T", "B-LT" or "B-LTA" (pades_level)
    revocation_checked: bool = False  # trusted with the embedded CRLs, no fetching

    @property
    def ok(self) -> bool:
        return (self.present and self.intact and self.valid and self.trusted
                and self.certified_no_changes
                and (self.covers_whole_file or self.archival_updates_only))

    @property
    def level_name(self) -> str:
        """The baseline level's name: long-term data without a timestamp is still B-B."""
        return "B-B" if self.level == "B-B+LT-data" else self.level

    @property
    def level_description(self) -> str:
        """What the level means, in words, for the public verification page."""
        return {
            "B-LTA": _("签名带时间戳，证书链和吊销信息已嵌入文件，并加有文档时间戳，可长期验证"),
            "B-LT": _("签名带时间戳，证书链和吊销信息已嵌入文件"),
            "B-T": _("签名带时间戳，文件中未嵌入证书链和吊销信息"),
            "B-B+LT-data": _("签名未带时间戳，证书链和吊销信息已嵌入文件"),
            "B-B": _("签名未带时间戳，文件中未嵌入证书链和吊销信息"),
        }.get(self.level, "")

    @property
    def unchanged_since_signing(self) -> bool:
        """Nothing was appended after signing that counts as a change."""
        return self.covers_whole_file or self.archival_updates_only


def _outside_event_loop(function, *args, **kwargs):
    """pyHanko's synchronous API calls asyncio.run(), which fails in a thread whose event loop
    is running (an ASGI worker, Playwright's sync API): run it in a fresh thread there."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


# ------------------------------------------------------------------------------ key material
def _load_pkcs12():
    """The configured PKCS#12 file's bytes, once it is known to open with the passphrase."""
    return _opened_pkcs12()[0]


def _opened_pkcs12():
    """The PKCS#12 file's bytes and its CA certificates, opened once per version of the file:
    opening one costs a key derivation (tens of ms), and signing and every check of a file on
    the verify page ask for it. A replaced file (another size or modification time) or another
    path or passphrase is opened afresh."""
    path = Path(settings.SIGNING_PKCS12_PATH)
    if not path.is_file():
        raise SigningUnavailable(
            _("找不到签名证书文件 %(path)s。演示环境请运行 python manage.py create_demo_pki；"
              "正式环境请在 SIGNING_PKCS12_PATH 中配置认证机构的 PKCS#12 文件。") % {"path": path}
        )
    stat = path.stat()
    try:
        return _open_pkcs12(str(path), stat.st_mtime_ns, stat.st_size, settings.SIGNING_PKCS12_PASSPHRASE)
    except ValueError as exc:
        raise SigningUnavailable(
            _("无法打开签名证书文件 %(path)s：口令（SIGNING_PKCS12_PASSPHRASE）不正确或文件已损坏。")
            % {"path": path}
        ) from exc


@lru_cache(maxsize=4)
def _open_pkcs12(path: str, _mtime_ns: int, _size: int, passphrase: str) -> tuple[bytes, tuple]:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding, pkcs12

    data = Path(path).read_bytes()
    _key, _cert, others = pkcs12.load_key_and_certificates(data, passphrase.encode())
    return data, tuple(asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in others)


def load_signer():
    """pyHanko's signer for the configured PKCS#12 file, made once per version of the file:
    keyed by the bytes `_opened_pkcs12` keeps per version (the same object each time, so its
    hash is computed once), not by another read and stat. Unpacking the key costs a key
    derivation; a SimpleSigner keeps only the key and certificates, and signing does not
    change it."""
    return _signer(_load_pkcs12(), settings.SIGNING_PKCS12_PASSPHRASE)


@lru_cache(maxsize=4)
def _signer(data: bytes, passphrase: str):
    from pyhanko.sign import signers

    loaded = signers.SimpleSigner.load_pkcs12_data(data, other_certs=[], passphrase=passphrase.encode())
    return _key_keeping_signer_class()(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry,
    )


@lru_cache(maxsize=1)
def _key_keeping_signer_class():
    """pyHanko's SimpleSigner with its private key parsed once.

    SimpleSigner parses the key from DER on every signature, and `cryptography` checks an RSA
    key's consistency each time it parses one (~40 ms of CPU; a PDF is signed twice, once to
    size the signature's space), so a report's signing spent more time reading the key than
    signing. The signer is kept per version of the PKCS#12 file (`_signer`), so its key is parsed
    and checked once per process. Only PKCS#1 v1.5 RSA, the mechanism pyHanko picks for an RSA
    key, is signed here; any other (PSS, EC) goes to pyHanko as before. Defined on first use
    because pyHanko is imported only to sign or verify."""
    from functools import cached_property

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeyKeepingSigner(signers.SimpleSigner):
        @cached_property
        def _private_key(self):
            return serialization.load_der_private_key(self.signing_key.dump(), password=None)

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            try:
                algorithm = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            except ValueError:  # a mechanism asn1crypto names no algorithm for: pyHanko's own path
                algorithm = None
            if algorithm != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            return self._private_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    return KeyKeepingSigner


def trust_roots() -> list:
    """The CA certificates that come with the signing key: signatures must chain to them."""
    try:
        return list(_opened_pkcs12()[1])
    except SigningUnavailable:
        return []


def revocation_lists() -> list:
    """The CA's CRLs to embed: SIGNING_CRL_PATH, by default the demo CA's CRL beside the
    PKCS#12 file (services/demo/pki.py). Missing files are no error: the signature is then
    embedded with the chain only, unless fetching is allowed (SIGNING_FETCH_REVOCATION)."""
    from asn1crypto import crl as asn1_crl

    configured = settings.SIGNING_CRL_PATH
    path = Path(configured) if configured else Path(settings.SIGNING_PKCS12_PATH).with_name("demo-ca.crl")
    if not path.is_file():
        return []
    return [asn1_crl.CertificateList.load(path.read_bytes())]


def timestamp_roots() -> list:
    """The configured TSA's root certificates (SIGNING_TIMESTAMP_ROOTS, PEM)."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509

    if not settings.SIGNING_TIMESTAMP_ROOTS:
        return []
    data = Path(settings.SIGNING_TIMESTAMP_ROOTS).read_bytes()
    return [asn1_x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True)]


def _validation_context():
    from pyhanko_certvalidator import ValidationContext

    return ValidationContext(
        trust_roots=trust_roots() + timestamp_roots(), crls=revocation_lists(),
        allow_fetching=bool(getattr(settings, "SIGNING_FETCH_REVOCATION", False)),
    )


def signing_available() -> tuple[bool, str]:
    try:
        _load_pkcs12()
    except SigningUnavailable as exc:
        return False, str(exc)
    return True, ""


# ---------------------------------------------------------------------------------- signing
@lru_cache(maxsize=32)
def _font_subset(text: str) -> bytes:
    """The Simplified Chinese face of Noto Sans CJK, cut down to the characters of `text`.

    pyHanko embeds OpenType fonts but cannot open a font collection (.ttc), and the full face
    is 16 MB; a subset of a few dozen glyphs keeps signing fast and the file small. With
    SIGNING_FONT_CACHE_DIR, a subset made once is read back by every later process."""
    import hashlib
    import os

    folder = settings.SIGNING_FONT_CACHE_DIR
    if not folder:
        return _make_font_subset(text)
    face = Path(CJK_FONT)
    stat = face.stat()
    key = hashlib.sha256(f"{face}|{stat.st_size}|{stat.st_mtime_ns}|{CJK_FONT_INDEX}|{text}".encode())
    path = Path(folder) / f"{key.hexdigest()}.otf"
    try:
        return path.read_bytes()
    except OSError:
        pass
    data = _make_font_subset(text)
    try:  # a cache that cannot be written is no error: the next process makes its own
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.part")
        partial.write_bytes(data)
        partial.replace(path)  # atomic: a reader never sees half a font
    except OSError:
        pass
    return data


def _make_font_subset(text: str) -> bytes:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    face = TTFont(CJK_FONT, fontNumber=CJK_FONT_INDEX)
    options = subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(face)
    out = io.BytesIO()
    face.save(out)
    return out.getvalue()


def _stamp_style(text: str, *, width: float, height: float):
    from pyhanko.pdf_utils.font.api import FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    # Digits and punctuation always included: the cache key then only changes with names.
    font_bytes = _font_subset("".join(sorted(set(text) | set("0123456789:-+()UTC "))))

    class SubsetFont(FontEngineFactory):
        def create_font_engine(self, writer, obj_stream=None):
            return GlyphAccumulator(
                writer=writer, font_handle=io.BytesIO(font_bytes), font_size=STAMP_FONT_SIZE,
                obj_stream=obj_stream,
            )

    from pyhanko.pdf_utils.layout import AxisAlignment, Margins, SimpleBoxLayoutRule

    background = None
    seal = Path(settings.SIGNING_SEAL_IMAGE) if settings.SIGNING_SEAL_IMAGE else None
    if seal and seal.is_file():
        from PIL import Image
        from pyhanko.pdf_utils.images import PdfImage

        background = PdfImage(Image.open(seal), writer=None)
    seal_side, text_left = stamp_columns(width=width, height=height, with_seal=background is not None)
    return TextStampStyle(
        stamp_text=text,
        text_box_style=TextBoxStyle(font=SubsetFont(), font_size=STAMP_FONT_SIZE,
                                    leading=STAMP_FONT_SIZE + 3),
        # the seal: a square at the left edge, as tall as the box
        background=background,
        background_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=0, right=int(max(width - seal_side, 0)), top=0, bottom=0)),
        background_opacity=1,
        # the text: right of the seal, shrunk to fit what is left of the box
        inner_content_layout=SimpleBoxLayoutRule(
            x_align=AxisAlignment.ALIGN_MIN, y_align=AxisAlignment.ALIGN_MID,
            margins=Margins(left=int(text_left), right=0, top=0, bottom=0)),
        border_width=0,
    )


STAMP_FONT_SIZE = 8
STAMP_GAP = 6  # points between the seal and the text


def stamp_columns(*, width: float, height: float, with_seal: bool) -> tuple[float, float]:
    """The seal's side and where the text starts, in points from the box's left edge: the seal
    is a square as tall as the box (at most half its width), the text begins after a gap."""
    if not with_seal:
        return 0.0, 0.0
    side = min(height, width / 2)
    return side, side + STAMP_GAP


def stamp_text(*, signer_name: str, signed_at: dt.datetime, language: str = "zh-hans") -> str:
    """The visible stamp's lines; the certification body is named in the report's language."""
    local = timezone.localtime(signed_at)
    body = settings.CERTIFICATION_BODY_NAME
    if language == "en" and settings.CERTIFICATION_BODY_NAME_EN:
        body = settings.CERTIFICATION_BODY_NAME_EN
    lines = [
        body,
        f"签发人 Signed by: {signer_name}",
        f"时间 Date: {local:%Y-%m-%d %H:%M} (UTC{local:%z})",
    ]
    if settings.SIGNING_IS_DEMO:
        lines.append("演示签名，不具法律效力 DEMO ONLY")
    return "\n".join(lines)


def sign_pdf(pdf: bytes, *, box: SignatureBox, signer_name: str, reason: str,
             location: str = "", language: str = "zh-hans") -> bytes:
    """Certify `pdf` (PAdES, DocMDP no changes) with the configured key; the visible signature
    fills `box` (the place the cover reserves). When SIGNING_TIMESTAMP_URL is set: an RFC 3161
    timestamp on the signature, then a document timestamp over the signed file (B-LTA);
    without it the file is B-B with the long-term data (no timestamp, so not B-LT)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.signers.pdf_signer import DSSContentSettings, SigDSSPlacementPreference

    signer = load_signer()
    timestamper = None
    if settings.SIGNING_TIMESTAMP_URL:
        from pyhanko.sign.timestamps import HTTPTimeStamper

        timestamper = HTTPTimeStamper(settings.SIGNING_TIMESTAMP_URL)
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location or None,
        name=signer_name,
        # PAdES B-LT: the chain and the CA's revocation data go into the document security
        # store of the signature's own revision, so the file stays one revision ("no changes"
        # certification over the whole file) and verifiable offline after the key expires.
        embed_validation_info=True,
        validation_context=_validation_context(),
        dss_settings=DSSContentSettings(
            placement=SigDSSPlacementPreference.TOGETHER_WITH_SIGNATURE, include_vri=False),
    )
    text = stamp_text(signer_name=signer_name, signed_at=timezone.now(), language=language)
    pdf_signer = signers.PdfSigner(
        meta,
        signer,
        timestamper=timestamper,
        stamp_style=_stamp_style(text, width=box.rect[2] - box.rect[0], height=box.rect[3] - box.rect[1]),
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=box.page, box=box.rect),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    _prepare_info_for_signing(writer)
    signed = _outside_event_loop(pdf_signer.sign_pdf, writer).getvalue()
    if timestamper is None:
        return signed
    return _add_document_timestamp(signed, timestamper)


DOCUMENT_TIMESTAMP_FIELD = "DocumentTimestamp"


def _add_document_timestamp(signed: bytes, timestamper) -> bytes:
    """PAdES B-LTA: a document timestamp over the signed file, its signature's validation data
    included, then the TSA's own chain and revocation data in the DSS after it. Both are
    incremental updates that ISO 32000-2 and PAdES do not count as changes, so the "no
    changes" certification still holds (pyHanko's difference analysis: LTA_UPDATES); later,
    before the TSA's key expires, another document timestamp can extend the file's life."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.signers.pdf_signer import TimestampDSSContentSettings

    writer = IncrementalPdfFileWriter(io.BytesIO(signed), strict=False)
    stamper = signers.PdfTimeStamper(timestamper, field_name=DOCUMENT_TIMESTAMP_FIELD)
    out = _outside_event_loop(
        stamper.timestamp_pdf, writer, "sha256", validation_context=_validation_context(),
        dss_settings=TimestampDSSContentSettings(include_vri=False),
    )
    return out.getvalue()


def _prepare_info_for_signing(writer) -> None:
    """Make the Info dictionary agree with the XMP pyHanko writes when it signs (PDF/A asks
    that they agree): pyHanko sets XMP pdf:Producer to itself and xmp:ModifyDate to the
    signing time, but in Info only appends itself to /Producer and updates /ModDate only if
    present. So: the same /Producer, and a /ModDate for it to update."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

    info_ref = writer.trailer.raw_get("/Info") if "/Info" in writer.trailer else None
    if info_ref is None:
        return
    info = info_ref.get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    if "/ModDate" not in info and "/CreationDate" in info:
        info["/ModDate"] = info["/CreationDate"]
    writer.mark_update(info_ref)


# ------------------------------------------------------------------------------- validation
def check_pdf_signature(data: bytes) -> SignatureCheck:
    """Validate the certification signature of a PDF against our trust roots, offline, and
    the document timestamps that follow it (B-LTA).

    Never raises for bad input: a file pyHanko cannot read is reported with `error`."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except Exception as exc:  # hostile or broken files: pyHanko raises many kinds of errors
        return SignatureCheck(present=False, error=_("无法读取 PDF：%(error)s") % {"error": _short(exc)})
    # A document timestamp is a signature field too (/DocTimeStamp): it is checked as the
    # archive timestamp it is, never as a second signature of unknown origin.
    regular = [s for s in signatures if s.sig_object_type != "/DocTimeStamp"]
    if not regular:
        return SignatureCheck(present=False, error=_("文件中没有数字签名。"))
    embedded = regular[0]
    embedded_crls, has_dss = _long_term_data(reader)
    roots = trust_roots() + timestamp_roots()

    def context():
        # Offline, on the revocation data the file carries (B-LT): the answer does not depend
        # on any server being reachable, today or in ten years. A revoked certificate fails.
        return ValidationContext(trust_roots=roots, crls=embedded_crls, allow_fetching=False)

    try:
        status = _outside_event_loop(validate_pdf_signature, embedded, context())
    except Exception as exc:  # includes SignatureValidationError
        return SignatureCheck(present=True, error=_("签名无法验证：%(error)s") % {"error": _short(exc)})
    archive = _check_document_timestamps(
        [s for s in signatures if s.sig_object_type == "/DocTimeStamp"
         and s.signed_revision > embedded.signed_revision], context)
    try:
        signer = embedded.signer_cert.subject.human_friendly
    except Exception:
        signer = ""
    covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    # pyHanko's difference analysis of everything appended after the signature: LTA_UPDATES
    # means only document timestamps and DSS updates, which a "no changes" certification
    # allows (ISO 32000-2, 12.8.2.2.2); anything else is a change.
    archival_updates_only = (
        not covers_whole_file and archive.all_valid and archive.latest is not None
        and status.coverage == SignatureCoverageLevel.ENTIRE_REVISION
        and status.modification_level == ModificationLevel.LTA_UPDATES and bool(status.docmdp_ok)
    )
    return SignatureCheck(
        present=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        certified_no_changes=embedded.docmdp_level == MDPPerm.NO_CHANGES,
        covers_whole_file=covers_whole_file,
        archival_updates_only=archival_updates_only,
        doc_timestamp_time=archive.latest.timestamp if archive.latest else None,
        doc_timestamp_trusted=bool(archive.latest and archive.latest.trusted),
        signer=signer,
        signing_time=status.signer_reported_dt,
        level=pades_level(timestamped=status.timestamp_validity is not None, has_dss=has_dss,
                          doc_timestamp=archive.all_valid and archive.latest is not None),
        revocation_checked=bool(embedded_crls) and bool(status.trusted),
        error=archive.error,
    )


@dataclass(frozen=True)
class _DocumentTimestamps:
    latest: object | None  # pyHanko's DocumentTimestampStatus of the last one
    all_valid: bool  # every document timestamp after the signature is intact and valid
    error: str = ""


def _check_document_timestamps(timestamps: list, context) -> _DocumentTimestamps:
    """Validate the document timestamps that follow the signature (pyHanko: intact, valid)."""
    from pyhanko.sign.validation import validate_pdf_timestamp

    latest = None
    for timestamp in timestamps:
        try:
            status = _outside_event_loop(validate_pdf_timestamp, timestamp, context())
        except Exception as exc:
            return _DocumentTimestamps(None, False, _("文档时间戳无法验证：%(error)s") % {"error": _short(exc)})
        if not (status.intact and status.valid):
            return _DocumentTimestamps(None, False, _("文档时间戳已被破坏或无效。"))
        latest = status
    return _DocumentTimestamps(latest, True)


def _long_term_data(reader) -> tuple[list, bool]:
    """The CRLs of the document security store, and whether it holds certificates and
    revocation data."""
    from asn1crypto import crl as asn1_crl

    try:
        dss = reader.root.get("/DSS")
        if dss is None:
            return [], False
        dss = dss.get_object()
        crls = [asn1_crl.CertificateList.load(ref.get_object().data) for ref in dss.get("/CRLs", ())]
        has_dss = bool(dss.get("/Certs")) and bool(crls or dss.get("/OCSPs"))
    except Exception:  # a malformed DSS counts as no long-term data, not as a crash
        return [], False
    return crls, has_dss


def pades_level(*, timestamped: bool, has_dss: bool, doc_timestamp: bool) -> str:
    """The PAdES baseline level (ETSI EN 319 142-1) the file reaches: B-LTA needs a valid
    document timestamp after a timestamped signature with its validation data in the DSS.
    Validation data without a signature timestamp is not B-LT: it is said as such."""
    if timestamped and has_dss:
        return "B-LTA" if doc_timestamp else "B-LT"
    if timestamped:
        return "B-T"
    return "B-B+LT-data" if has_dss else "B-B"


def _short(exc: Exception) -> str:
    text = str(exc) or exc.__class__.__name__
    return text[:200]
