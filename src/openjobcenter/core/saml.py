"""SAML 2.0 parts shared by the two service providers of the platform: the staff login
through a municipality's IdP (``identity/``) and the customers' BundID (``bundid/``).
No protocol code here: pysaml2 builds, signs and checks every message; this module
holds what both would otherwise repeat (the service-provider configuration, key files
for ``xmlsec1``, the reachability probe, and single logout: the signed LogoutRequest to
the IdP and the checks on the IdP's own LogoutRequest).

pysaml2 hands keys to ``xmlsec1`` as files: they are written to a private folder under
the system's temporary directory, named by the hash of their content (a cache that any
node can rebuild from the database, never state)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import saml2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.decorators import decorator_from_middleware
from djangosaml2.middleware import SamlSessionMiddleware
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.ident import code, decode
from saml2.s_utils import status_message_factory, success_status_factory
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NameID
from saml2.samlp import STATUS_UNKNOWN_PRINCIPAL, LogoutRequest
from saml2.xmldsig import SIG_RSA_SHA256

if TYPE_CHECKING:
    from django.contrib.sessions.backends.base import SessionBase

PROBE_TIMEOUT = 3.0

# djangosaml2's own session beside the platform's, for the requests a browser has
# outstanding at an IdP: its cookie (``ojc_saml``, SameSite=None and Secure in production)
# goes with the IdP's cross-site POST to our ACS; the platform's session cookie
# (SameSite=Lax) does not.
_saml_session = decorator_from_middleware(SamlSessionMiddleware)


def saml_session(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view with djangosaml2's session as ``request.saml_session``, saved after."""
    return cast("Callable[..., HttpResponse]", _saml_session(view))


def saml_store(request: HttpRequest) -> SessionBase:
    """djangosaml2's session of this request (views decorated with ``saml_session``)."""
    store: SessionBase = request.saml_session  # type: ignore[attr-defined]
    return store


def new_key_pair(common_name: str) -> tuple[str, str]:
    """A fresh RSA key (PEM, PKCS#8) and a self-signed certificate for it, 10 years."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64] or "openjobcenter")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem, cert.public_bytes(serialization.Encoding.PEM).decode()


def key_file(content: str, suffix: str) -> str:
    """The path of a private file holding ``content`` (a key or certificate)."""
    folder = Path(tempfile.gettempdir()) / f"ojc-bundid-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / (hashlib.sha256(content.encode()).hexdigest()[:32] + suffix)
    if not path.exists():
        tmp = path.with_suffix(".tmp" + str(os.getpid()))
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(content)
        tmp.replace(path)
    return str(path)


def sp_config(
    *,
    entity_id: str,
    name: str,
    key_pem: str,
    cert_pem: str,
    acs_url: str,
    slo_url: str,
    idp_metadata_xml: str | None,
) -> SPConfig:
    """pysaml2's configuration of one of our service providers: signed AuthnRequests
    and logout messages, signed assertions required, keys only from the IdP's metadata,
    no unsolicited responses, the single logout service at ``slo_url`` (HTTP-Redirect
    and HTTP-POST). ``idp_metadata_xml`` None: without an IdP (for our own metadata)."""
    key_path, cert_path = key_file(key_pem, ".key"), key_file(cert_pem, ".crt")
    data: dict[str, Any] = {
        "entityid": entity_id,
        "xmlsec_binary": shutil.which("xmlsec1"),
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.BUNDID_CLOCK_SKEW,
        "key_file": key_path,
        "cert_file": cert_path,
        "encryption_keypairs": [{"key_file": key_path, "cert_file": cert_path}],
        "service": {
            "sp": {
                "name": name,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "only_use_keys_in_metadata": True,
                "logout_requests_signed": True,
                "logout_responses_signed": True,
                "endpoints": {
                    "assertion_consumer_service": [(acs_url, saml2.BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (slo_url, saml2.BINDING_HTTP_REDIRECT),
                        (slo_url, saml2.BINDING_HTTP_POST),
                    ],
                },
            }
        },
    }
    if idp_metadata_xml is not None:
        data["metadata"] = {"inline": [idp_metadata_xml]}
    conf = SPConfig()
    conf.load(data)
    # The IdP's LogoutRequests must be signed: pysaml2 reads this switch (named for the
    # IdP's AuthnRequests) for every request it parses, so an unsigned or badly signed
    # LogoutRequest is refused before anything ends.
    conf.setattr("idp", "want_authn_requests_signed", True)
    return conf


def idp_reachable(conf: SPConfig) -> bool:
    """Whether the identity provider's SSO address answers a TCP connect: the person is
    told at once that the login is down instead of being sent to a dead page."""
    idps = list(conf.metadata.identity_providers())
    if not idps:
        return False
    try:
        location = conf.metadata.single_sign_on_service(idps[0], saml2.BINDING_HTTP_REDIRECT)[0]
    except (IndexError, KeyError):
        return False
    parts = urlsplit(location["location"])
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=PROBE_TIMEOUT):
            return True
    except OSError:
        return False


# --- Single logout -----------------------------------------------------------------------


def encode_name_id(name_id: NameID | None) -> str:
    """A NameID as text for a session (pysaml2's own coding)."""
    return code(name_id) if name_id is not None else ""


def decode_name_id(text: str) -> NameID | None:
    try:
        return decode(text) if text else None
    except (ValueError, KeyError):
        return None


def single_logout_service(client: Saml2Client, idp_entity_id: str) -> str | None:
    """The IdP's single logout service (HTTP-Redirect binding) in its metadata, or None
    when the metadata names none (then the logout is local only)."""
    try:
        services = client.metadata.single_logout_service(
            idp_entity_id, saml2.BINDING_HTTP_REDIRECT, "idpsso"
        )
        return str(services[0]["location"])
    except (IndexError, KeyError, TypeError, AttributeError):
        return None


def single_logout_origin(client: Saml2Client, idp_entity_id: str) -> str | None:
    """The origin (scheme://host:port) of the IdP's single logout service, for the CSP
    ``form-action`` of a logout page whose form's answer leads there (browsers apply
    ``form-action`` to the redirects after a form's post too); None as above, or for an
    address that is not http(s)."""
    location = single_logout_service(client, idp_entity_id)
    parts = urlsplit(location or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


def logout_request_location(
    client: Saml2Client, *, idp_entity_id: str, name_id: NameID, session_index: str = ""
) -> str | None:
    """The IdP address (HTTP-Redirect binding) that carries our signed LogoutRequest
    for ``name_id``; None when the IdP's metadata names no single logout service for
    that binding (then the logout is local only)."""
    destination = single_logout_service(client, idp_entity_id)
    if destination is None:
        return None
    request_id, request = client.create_logout_request(
        destination,
        idp_entity_id,
        name_id=name_id,
        session_indexes=[session_index] if session_index else None,
        sign=False,
    )
    http_info = client.apply_binding(
        saml2.BINDING_HTTP_REDIRECT,
        str(request),
        destination,
        request_id,
        sign=True,
        sigalg=SIG_RSA_SHA256,
    )
    location: str = dict(http_info["headers"])["Location"]
    return location


class LogoutRefused(Exception):  # noqa: N818 - a refusal, not a crash
    """An IdP-initiated LogoutRequest that does not verify; ``reason`` for the audit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def logout_args(data: Mapping[str, Any]) -> dict[str, Any]:
    """The HTTP-Redirect binding's signature parts of a request's query."""
    return {
        "relay_state": data.get("RelayState"),
        "sigalg": data.get("SigAlg"),
        "signature": data.get("Signature"),
    }


def read_logout_request(
    client: Saml2Client, data: Mapping[str, Any], binding: str, *, issuer: str
) -> LogoutRequest:
    """The IdP's LogoutRequest, when signed by the key in the configured metadata (pysaml2
    checks it: ``sp_config`` demands signed requests) and issued by ``issuer``; else
    ``LogoutRefused`` and nothing may end."""
    raw = data.get("SAMLRequest")
    if not raw:
        raise LogoutRefused("no message")
    try:
        parsed = client.parse_logout_request(str(raw), binding, **logout_args(data))
    except Exception as exc:  # pysaml2 raises many kinds; each is a refusal
        raise LogoutRefused(f"signature:{type(exc).__name__}") from exc
    if parsed is None or parsed.message is None:
        raise LogoutRefused("invalid")
    message: LogoutRequest = parsed.message
    if str(getattr(message.issuer, "text", "") or "") != issuer:
        raise LogoutRefused("issuer")
    if message.name_id is None or not (message.name_id.text or "").strip():
        raise LogoutRefused("no name id")
    return message


def logout_answer(
    client: Saml2Client,
    message: LogoutRequest,
    data: Mapping[str, Any],
    binding: str,
    *,
    ended: bool,
) -> HttpResponse:
    """Our signed LogoutResponse to the IdP's request: success when ``ended``, else
    "unknown principal" (nobody of that name had a session here)."""
    status = (
        success_status_factory()
        if ended
        else status_message_factory("Unknown principal", STATUS_UNKNOWN_PRINCIPAL)
    )
    relay_state = str(data.get("RelayState") or "")
    for response_binding in (saml2.BINDING_HTTP_REDIRECT, saml2.BINDING_HTTP_POST):
        try:
            response = client.create_logout_response(
                message,
                bindings=[response_binding],
                status=status,
                sign=response_binding != saml2.BINDING_HTTP_REDIRECT,
                sign_alg=SIG_RSA_SHA256,
            )
            rinfo = client.response_args(message, [response_binding])
        except Exception:  # noqa: S112 - that binding is not offered: the next
            continue
        http_info = client.apply_binding(
            rinfo["binding"],
            response,
            rinfo["destination"],
            relay_state,
            response=True,
            sign=response_binding == saml2.BINDING_HTTP_REDIRECT,
            sigalg=SIG_RSA_SHA256,
        )
        if http_info.get("method") == "POST" and "data" in http_info:
            return HttpResponse(http_info["data"])
        return HttpResponseRedirect(dict(http_info["headers"])["Location"])
    return HttpResponse(status=204)


def authn_request_location(
    client: Saml2Client, *, idp_entity_id: str, relay_state: str = "", **kwargs: Any
) -> tuple[str, str]:
    """Our signed AuthnRequest over HTTP-Redirect: its id (to wait for the answer) and
    the IdP address that carries it. ``kwargs`` go to pysaml2 (e.g. the requested
    authentication context)."""
    request_id, info = client.prepare_for_authenticate(
        entityid=idp_entity_id,
        relay_state=relay_state,
        binding=saml2.BINDING_HTTP_REDIRECT,
        sign=True,
        sigalg=SIG_RSA_SHA256,
        **kwargs,
    )
    return str(request_id), str(dict(info["headers"])["Location"])
