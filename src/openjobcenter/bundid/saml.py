"""pysaml2's service-provider configuration for one job centre, built from its
``BundIDSettings`` (no protocol code here: djangosaml2 and pysaml2 do the SAML).

pysaml2 hands keys to ``xmlsec1`` as files: the job centre's key and certificate are
written to a private folder under the system's temporary directory, named by the hash of
their content (a cache that any node can rebuild from the database, never state).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import saml2
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.urls import reverse
from saml2.config import SPConfig
from saml2.saml import NAMEID_FORMAT_PERSISTENT

if TYPE_CHECKING:
    from openjobcenter.bundid.models import BundIDSettings
    from openjobcenter.tenants.models import Jobcenter


class NotConfiguredError(Exception):
    """The job centre offers no BundID login (switched off or no metadata)."""


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


def operator_key_pair() -> tuple[str, str] | None:
    """The operator's key pair from BUNDID_SP_KEY_FILE / BUNDID_SP_CERT_FILE, if set."""
    key_file = settings.BUNDID_SP_KEY_FILE
    cert_file = settings.BUNDID_SP_CERT_FILE
    if not key_file or not cert_file:
        return None
    return Path(key_file).read_text(), Path(cert_file).read_text()


def _file(content: str, suffix: str) -> str:
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


def sp_entity_id(jobcenter: Jobcenter, config: BundIDSettings) -> str:
    return config.sp_entity_id or settings.SITE_URL + reverse(
        "tenant:bundid_metadata", kwargs={"jc": jobcenter.slug}
    )


def acs_url(jobcenter: Jobcenter) -> str:
    return settings.SITE_URL + reverse("tenant:bundid_acs", kwargs={"jc": jobcenter.slug})


def slo_url(jobcenter: Jobcenter) -> str:
    return settings.SITE_URL + reverse("tenant:bundid_slo", kwargs={"jc": jobcenter.slug})


def sp_config(jobcenter: Jobcenter, config: BundIDSettings, *, with_idp: bool = True) -> SPConfig:
    """The SPConfig of ``jobcenter``; ``NotConfiguredError`` when it has no IdP metadata."""
    if with_idp and not (config.enabled and config.idp_metadata_xml.strip()):
        raise NotConfiguredError
    key_pem, cert_pem = config.sp_key_pem, config.sp_cert_pem
    key_file, cert_file = _file(key_pem, ".key"), _file(cert_pem, ".crt")
    data: dict[str, Any] = {
        "entityid": sp_entity_id(jobcenter, config),
        "xmlsec_binary": shutil.which("xmlsec1"),
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.BUNDID_CLOCK_SKEW,
        "key_file": key_file,
        "cert_file": cert_file,
        "encryption_keypairs": [{"key_file": key_file, "cert_file": cert_file}],
        "service": {
            "sp": {
                "name": f"Jobcenter {jobcenter.name}",
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
                "allow_unsolicited": False,
                "authn_requests_signed": True,
                "want_assertions_signed": True,
                "want_response_signed": False,
                "only_use_keys_in_metadata": True,
                "logout_requests_signed": True,
                "logout_responses_signed": True,
                "endpoints": {
                    "assertion_consumer_service": [(acs_url(jobcenter), saml2.BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (slo_url(jobcenter), saml2.BINDING_HTTP_REDIRECT),
                        (slo_url(jobcenter), saml2.BINDING_HTTP_POST),
                    ],
                },
            }
        },
    }
    if with_idp:
        data["metadata"] = {"inline": [config.idp_metadata_xml]}
    conf = SPConfig()
    conf.load(data)
    # The IdP's LogoutRequests must be signed: pysaml2 reads this switch (named for the
    # IdP's AuthnRequests) for every request it parses, so an unsigned or badly signed
    # LogoutRequest is refused before anything ends.
    conf.setattr("idp", "want_authn_requests_signed", True)
    return conf
