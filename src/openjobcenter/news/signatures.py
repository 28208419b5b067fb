"""HTTP Signatures (draft-cavage-http-signatures-12, ``rsa-sha256``) as Mastodon speaks
them: the signed headers are ``(request-target) host date digest``; ``Digest`` is
``SHA-256=<base64>`` of the body (RFC 3230)."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime, parsedate_to_datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


class SignatureError(ValueError):
    """The request's signature is missing, malformed, stale or wrong."""


def new_key_pair() -> tuple[str, str]:
    """(public PEM, private PEM) of a new 2048-bit RSA key."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    public = (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return public, private


def digest(body: bytes) -> str:
    return "SHA-256=" + base64.b64encode(hashlib.sha256(body).digest()).decode()


def http_date(when: datetime) -> str:
    return format_datetime(when, usegmt=True)


def _signing_string(headers: list[str], method: str, path: str, values: dict[str, str]) -> bytes:
    lines = []
    for name in headers:
        if name == "(request-target)":
            lines.append(f"(request-target): {method.lower()} {path}")
        else:
            lines.append(f"{name}: {values[name]}")
    return "\n".join(lines).encode()


def sign(*, private_pem: str, key_id: str, method: str, path: str, headers: dict[str, str]) -> str:
    """The ``Signature`` header over ``headers`` (lower-case names: host, date[, digest])."""
    names = ["(request-target)", *headers]
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        msg = "the job centre's key is not an RSA key"
        raise TypeError(msg)
    signature = key.sign(
        _signing_string(names, method, path, headers), padding.PKCS1v15(), hashes.SHA256()
    )
    return (
        f'keyId="{key_id}",algorithm="rsa-sha256",headers="{" ".join(names)}",'
        f'signature="{base64.b64encode(signature).decode()}"'
    )


_PARAM = re.compile(r'(\w+)="([^"]*)"')


@dataclass(frozen=True)
class ParsedSignature:
    key_id: str
    headers: list[str]
    signature: bytes


def parse(header: str) -> ParsedSignature:
    params = dict(_PARAM.findall(header))
    if "keyId" not in params or "signature" not in params:
        raise SignatureError("signature header without keyId or signature")
    algorithm = params.get("algorithm", "rsa-sha256")
    if algorithm not in ("rsa-sha256", "hs2019"):
        raise SignatureError(f"algorithm {algorithm!r} not supported")
    try:
        raw = base64.b64decode(params["signature"], validate=True)
    except ValueError:
        raise SignatureError("signature not base64") from None
    names = params.get("headers", "date").lower().split()
    return ParsedSignature(params["keyId"], names, raw)


def check_date(value: str, *, now: datetime, window_s: int) -> None:
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        raise SignatureError("Date header unreadable") from None
    if when.tzinfo is None or abs((now - when).total_seconds()) > window_s:
        raise SignatureError("Date outside the accepted window")


def verify(
    *,
    parsed: ParsedSignature,
    public_pem: str,
    method: str,
    path: str,
    headers: dict[str, str],
    required: tuple[str, ...],
) -> None:
    """Raises ``SignatureError`` unless ``parsed`` signs ``required`` headers (and
    whatever else it names) with ``public_pem``'s key."""
    missing = [name for name in required if name not in parsed.headers]
    if missing:
        raise SignatureError(f"signature does not cover {', '.join(missing)}")
    values: dict[str, str] = {}
    for name in parsed.headers:
        if name == "(request-target)":
            continue
        if name not in headers:
            raise SignatureError(f"signed header {name} missing")
        values[name] = headers[name]
    key = serialization.load_pem_public_key(public_pem.encode())
    if not isinstance(key, rsa.RSAPublicKey):
        raise SignatureError("not an RSA key")
    try:
        key.verify(
            parsed.signature,
            _signing_string(parsed.headers, method, path, values),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature:
        raise SignatureError("signature does not verify") from None
