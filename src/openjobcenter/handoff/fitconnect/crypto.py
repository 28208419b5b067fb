"""Encryption and key checks of the FIT-Connect backend, through ``joserfc`` and
``cryptography`` (no hand-written cryptography).

- ``destination_key``: the destination's public encryption key (a JWK) is usable only for
  wrapping keys with RSA-OAEP-256, is RSA of at least ``min_bits`` and, when the job
  centre configured a trust anchor, its ``x5c`` chain verifies up to that anchor (each
  certificate signed by the next, all valid today, the leaf's key the JWK's key).
- ``encrypt``: JWE compact, ``alg`` RSA-OAEP-256, ``enc`` A256GCM, ``kid`` of the key.
- ``verify_event``: a Security Event Token of the event log (JWS, PS512) against the
  submission service's published keys.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwe, jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

ALG = "RSA-OAEP-256"
ENC = "A256GCM"
EVENT_ALG = "PS512"
JWE_REGISTRY = jwe.JWERegistry(algorithms=[ALG, ENC])
JWS_REGISTRY = jws.JWSRegistry(algorithms=[EVENT_ALG])
_PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----(.+?)-----END CERTIFICATE-----", re.DOTALL)


class KeyRefused(Exception):  # noqa: N818 - a domain outcome; the message is safe to store
    """The destination's key may not be used (names why, no personal data)."""


def _b64int(value: str) -> int:
    return int.from_bytes(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)), "big")


def parse_anchors(pem: str) -> list[x509.Certificate]:
    """Trust anchors from PEM text; line breaks may be lost (a one-line form field)."""
    certs = []
    for body in _PEM_RE.findall(pem or ""):
        der = base64.b64decode("".join(body.split()))
        certs.append(x509.load_der_x509_certificate(der))
    return certs


def destination_key(
    jwk: dict[str, Any], *, anchors: list[x509.Certificate], min_bits: int = 4096
) -> RSAKey:
    if jwk.get("kty") != "RSA":
        raise KeyRefused("key: not RSA")
    if "wrapKey" not in (jwk.get("key_ops") or []):
        raise KeyRefused("key: not for wrapKey")
    if jwk.get("alg") not in (None, ALG):
        raise KeyRefused("key: alg is not RSA-OAEP-256")
    try:
        key = RSAKey.import_key({k: jwk[k] for k in ("kty", "n", "e")})
    except (KeyError, ValueError, JoseError) as exc:
        raise KeyRefused("key: unreadable") from exc
    public = key.public_key
    if not isinstance(public, rsa.RSAPublicKey) or public.key_size < min_bits:
        raise KeyRefused(f"key: shorter than {min_bits} bits")
    if anchors:
        _verify_chain(jwk, public, anchors)
    return key


def _verify_chain(
    jwk: dict[str, Any], public: rsa.RSAPublicKey, anchors: list[x509.Certificate]
) -> None:
    try:
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in jwk.get("x5c") or []]
    except ValueError as exc:
        raise KeyRefused("certificate: unreadable") from exc
    if not chain:
        raise KeyRefused("certificate: none (x5c missing)")
    leaf_key = chain[0].public_key()
    if not isinstance(leaf_key, rsa.RSAPublicKey) or (
        leaf_key.public_numbers() != public.public_numbers()
    ):
        raise KeyRefused("certificate: not the key's certificate")
    now = datetime.now(UTC)
    for cert in chain:
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise KeyRefused("certificate: expired or not yet valid")
    for cert, issuer in itertools.pairwise(chain):
        try:
            cert.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise KeyRefused("certificate: chain broken") from exc
    top = chain[-1]
    for anchor in anchors:
        if top == anchor:
            return
        try:
            top.verify_directly_issued_by(anchor)
        except (ValueError, TypeError, InvalidSignature):
            continue
        if anchor.not_valid_before_utc <= now <= anchor.not_valid_after_utc:
            return
    raise KeyRefused("certificate: not issued under the trust anchor")


def encrypt(key: RSAKey, kid: str, plaintext: bytes, content_type: str) -> str:
    header = {"alg": ALG, "enc": ENC, "kid": kid, "cty": content_type}
    return jwe.encrypt_compact(header, plaintext, key, registry=JWE_REGISTRY)


def verify_event(token: str, keys: dict[str, Any]) -> dict[str, Any]:
    """The claims of a verified event token; ``KeyRefused`` when it does not verify."""
    try:
        keyset = KeySet.import_key_set(keys)  # type: ignore[arg-type]
        obj = jws.deserialize_compact(token, keyset, algorithms=[EVENT_ALG], registry=JWS_REGISTRY)
        claims: dict[str, Any] = json.loads(obj.payload)
    except (JoseError, ValueError) as exc:
        raise KeyRefused("event: signature does not verify") from exc
    return claims
