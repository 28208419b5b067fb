"""Test certificates made with ``cryptography``: a self-signed CA (our stand-in for
Apple's WWDR) and a pass certificate signed by it, as PKCS #12 with a password."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASS_TYPE = "pass.de.openjobcenter.test"
TEAM = "TEAM123456"
PASSWORD = "geheim-123"


@dataclass(frozen=True)
class PKI:
    ca: x509.Certificate
    leaf: x509.Certificate
    p12: bytes
    ca_pem: bytes


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def make_pki(*, days_valid: int = 365, expired: bool = False) -> PKI:
    now = datetime.now(UTC)
    ca_key = _key()
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test WWDR CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=400))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    leaf_key = _key()
    leaf_name = x509.Name(
        [
            x509.NameAttribute(NameOID.USER_ID, PASS_TYPE),
            x509.NameAttribute(NameOID.COMMON_NAME, f"Pass Type ID: {PASS_TYPE}"),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, TEAM),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Jobcenter Test"),
        ]
    )
    if expired:
        start, end = now - timedelta(days=30), now - timedelta(days=1)
    else:
        start, end = now - timedelta(days=1), now + timedelta(days=days_valid)
    leaf = (
        x509.CertificateBuilder()
        .subject_name(leaf_name)
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"pass",
        leaf_key,
        leaf,
        [ca],
        serialization.BestAvailableEncryption(PASSWORD.encode()),
    )
    return PKI(ca, leaf, p12, ca.public_bytes(serialization.Encoding.PEM))
