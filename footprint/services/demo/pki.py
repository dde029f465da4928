"""The demo public-key infrastructure: a demo CA, a signer certificate for the certification
body in a PKCS#12 file, and a demo seal image.

A real deployment gets its PKCS#12 file from a real CA and never runs this. Everything created
here says "演示 / DEMO" in its names so that no one mistakes a demo signature for a real one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_FILE = "demo-ca.pem"
# The demo CA's certificate revocation list (DER) and its key (encrypted with the signer's
# passphrase) to issue the next one: the signing step embeds the CRL in the signed PDF, so the
# signature stays verifiable offline after the signer's certificate has expired (PAdES B-LT).
CRL_FILE = "demo-ca.crl"
CA_KEY_FILE = "demo-ca-key.pem"
CRL_VALIDITY = dt.timedelta(days=365)
CRL_RENEW_BEFORE = dt.timedelta(days=30)
SEAL_FILE = "seal.png"
# Fonts of fonts-noto-cjk: the seal's characters are drawn with the Simplified Chinese face.
CJK_FONT_BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"


@dataclass(frozen=True)
class DemoPki:
    pkcs12_path: Path
    ca_path: Path
    seal_path: Path
    created: bool


def _name(common_name: str, organisation: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _key_usage(**flags: bool) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{n: flags.get(n, False) for n in names})


def _pkcs12_is_usable(path: Path, passphrase: str) -> bool:
    try:
        key, cert, _others = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase.encode())
    except (OSError, ValueError):
        return False
    return key is not None and cert is not None


def create_demo_pki(
    *, pkcs12_path: Path, passphrase: str, body_name: str, seal_path: Path | None = None,
    force: bool = False,
) -> DemoPki:
    """Create the demo CA, the signer's PKCS#12 file and the seal image; idempotent: an
    existing PKCS#12 file that opens with `passphrase` is kept (unless `force`)."""
    pkcs12_path = Path(pkcs12_path)
    ca_path = pkcs12_path.with_name(CA_FILE)
    seal_path = Path(seal_path) if seal_path else pkcs12_path.with_name(SEAL_FILE)
    if not force and ca_path.exists() and _pkcs12_is_usable(pkcs12_path, passphrase):
        if not seal_path.exists():
            draw_demo_seal(seal_path, body_name)
        renew_demo_crl(pkcs12_path, passphrase)
        return DemoPki(pkcs12_path, ca_path, seal_path, created=False)

    pkcs12_path.parent.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = _name("演示 CA（仅供演示）/ Demo CA, not for production", f"{body_name}（演示）")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{body_name} 报告签发（演示）", f"{body_name}（演示）"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # non-repudiation (content_commitment) is what PDF validators expect of a signer
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"pcf-signer", key, cert, [ca_cert],
        serialization.BestAvailableEncryption(passphrase.encode()),
    )
    pkcs12_path.write_bytes(data)
    pkcs12_path.chmod(0o600)
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    key_path = pkcs12_path.with_name(CA_KEY_FILE)
    key_path.write_bytes(ca_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase.encode())))
    key_path.chmod(0o600)
    write_demo_crl(pkcs12_path.with_name(CRL_FILE), ca_cert, ca_key)
    draw_demo_seal(seal_path, body_name)
    return DemoPki(pkcs12_path, ca_path, seal_path, created=True)


def write_demo_crl(path: Path, ca_cert: x509.Certificate, ca_key) -> Path:
    """An empty CRL of the demo CA (nothing revoked), valid for CRL_VALIDITY."""
    now = dt.datetime.now(dt.UTC)
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + CRL_VALIDITY)
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                       critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    path.write_bytes(crl.public_bytes(serialization.Encoding.DER))
    return path


def renew_demo_crl(pkcs12_path: Path, passphrase: str) -> Path | None:
    """Issue the next CRL when it is missing or about to expire (the CA key is kept for it);
    None for a PKI created before CRLs were (no CA key: `create_demo_pki --force` replaces it)."""
    crl_path = pkcs12_path.with_name(CRL_FILE)
    key_path = pkcs12_path.with_name(CA_KEY_FILE)
    if crl_path.exists():
        crl = x509.load_der_x509_crl(crl_path.read_bytes())
        if crl.next_update_utc and crl.next_update_utc - dt.datetime.now(dt.UTC) > CRL_RENEW_BEFORE:
            return crl_path
    if not key_path.exists():
        return None
    ca_key = serialization.load_pem_private_key(key_path.read_bytes(), passphrase.encode())
    ca_cert = x509.load_pem_x509_certificate(pkcs12_path.with_name(CA_FILE).read_bytes())
    return write_demo_crl(crl_path, ca_cert, ca_key)


def draw_demo_seal(path: Path, body_name: str) -> Path:
    """A round red seal with a star and the body's name, as a transparent PNG (Pillow)."""
    from PIL import Image, ImageDraw, ImageFont

    size = 480
    red = (200, 16, 46, 255)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((12, 12, size - 12, size - 12), outline=red, width=16)
    try:
        # index 2 of the collection is Noto Sans CJK SC
        big = ImageFont.truetype(CJK_FONT_BOLD, 130, index=2)
        small = ImageFont.truetype(CJK_FONT_BOLD, 40, index=2)
        name_font = ImageFont.truetype(
            CJK_FONT_BOLD, max(16, min(40, 340 // max(len(body_name), 1))), index=2
        )
    except OSError:
        big = small = name_font = ImageFont.load_default()
    draw.text((size / 2, size / 2 - 30), "★", fill=red, anchor="mm", font=big)
    draw.text((size / 2, size / 2 + 80), body_name, fill=red, anchor="mm", font=name_font)
    draw.text((size / 2, size / 2 + 140), "演示专用 DEMO", fill=red, anchor="mm", font=small)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path
