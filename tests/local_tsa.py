"""A timestamp authority inside the test process, for SIGNING_TIMESTAMP_URL: pyHanko's dummy
TSA with a key and a certificate of its own, issued by a TSA root of its own (as a real TSA's
is), instead of a server on the network."""

from __future__ import annotations

import datetime as dt
from pathlib import Path


def install_local_tsa(settings, monkeypatch, directory: Path) -> list[str]:
    """Point SIGNING_TIMESTAMP_URL at a local TSA and SIGNING_TIMESTAMP_ROOTS at its root;
    returns the list of URLs the signing step asked for a timestamp (one entry a token)."""
    import pyhanko.sign.timestamps as timestamps
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.keys import load_private_key_from_pemder_data
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    now = dt.datetime.now(dt.UTC)

    def name(common_name):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = (x509.CertificateBuilder().subject_name(name("Test TSA Root")).issuer_name(name("Test TSA Root"))
            .public_key(root_key.public_key()).serial_number(1)
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True, crl_sign=True,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(root_key, hashes.SHA256()))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (x509.CertificateBuilder().subject_name(name("Test TSA")).issuer_name(root.subject)
            .public_key(key.public_key()).serial_number(2)
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
            .sign(root_key, hashes.SHA256()))

    def der(c):
        return asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    tsa = DummyTimeStamper(
        tsa_cert=der(cert),
        tsa_key=load_private_key_from_pemder_data(
            key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()), passphrase=None),
        certs_to_embed=[der(root)],
    )
    requested: list[str] = []
    monkeypatch.setattr(timestamps, "HTTPTimeStamper", lambda url: requested.append(url) or tsa)
    settings.SIGNING_TIMESTAMP_URL = "http://tsa.example/"
    roots = directory / "tsa-roots.pem"
    roots.write_bytes(root.public_bytes(serialization.Encoding.PEM))
    settings.SIGNING_TIMESTAMP_ROOTS = str(roots)
    return requested
