"""The job-centre admin's wallet configuration: the Apple pass certificate (PKCS #12 with
password; the private key sealed at rest with the documents' keys) and the Google Wallet
issuer. A refused upload stores nothing."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.cards.models import WalletSettings
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

MAX_UPLOAD = 64 * 1024
EXPIRY_WARNING = timedelta(days=30)


@dataclass(frozen=True)
class ParsedCertificate:
    certificate: x509.Certificate
    key_pem: str
    extra: tuple[x509.Certificate, ...]


def parse_pkcs12(data: bytes, password: str) -> ParsedCertificate:
    """The certificate and key of a PKCS #12 file, or a ValidationError that says in
    German what is wrong (wrong file, wrong password, no key, expired)."""
    if not data or len(data) > MAX_UPLOAD:
        raise ValidationError(
            {"certificate": _("Bitte wählen Sie eine Zertifikatsdatei (.p12) aus.")}
        )
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password.encode() or None)
    except ValueError as exc:
        wrong_password = "password" in str(exc).lower() or "mac" in str(exc).lower()
        if wrong_password:
            raise ValidationError(
                {"password": _("Das Passwort passt nicht zu dieser Zertifikatsdatei.")}
            ) from None
        raise ValidationError(
            {
                "certificate": _(
                    "Diese Datei ist kein Zertifikat im Format PKCS #12 (.p12). Bitte "
                    "exportieren Sie das Pass-Zertifikat mit privatem Schlüssel als .p12-Datei."
                )
            }
        ) from None
    except Exception:
        raise ValidationError(
            {"certificate": _("Diese Datei ist kein Zertifikat im Format PKCS #12 (.p12).")}
        ) from None
    if cert is None or key is None:
        raise ValidationError(
            {
                "certificate": _(
                    "In der Datei fehlt das Zertifikat oder der private Schlüssel. Bitte "
                    "exportieren Sie beides zusammen."
                )
            }
        )
    if not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        raise ValidationError(
            {"certificate": _("Der Schlüsseltyp dieses Zertifikats wird nicht unterstützt.")}
        )
    now = timezone.now()
    if cert.not_valid_after_utc <= now:
        raise ValidationError(
            {
                "certificate": _(
                    "Dieses Zertifikat ist am %(date)s abgelaufen. Bitte laden Sie ein "
                    "gültiges Zertifikat hoch."
                )
                % {"date": cert.not_valid_after_utc.strftime("%d.%m.%Y")}
            }
        )
    if cert.not_valid_before_utc > now:
        raise ValidationError({"certificate": _("Dieses Zertifikat ist noch nicht gültig.")})
    if cert.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ) != key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ):
        raise ValidationError(
            {"certificate": _("Der private Schlüssel gehört nicht zu diesem Zertifikat.")}
        )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return ParsedCertificate(cert, key_pem, tuple(extra))


def _name_attr(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def _pem(certs: tuple[x509.Certificate, ...] | list[x509.Certificate]) -> str:
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in certs)


def parse_wwdr(data: bytes) -> list[x509.Certificate]:
    if not data:
        return []
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise ValidationError(
            {
                "wwdr": _(
                    "Die Datei des Apple-Zwischenzertifikats (WWDR) ist kein Zertifikat "
                    "(.cer oder .pem)."
                )
            }
        ) from None


@transaction.atomic
def wallet_certificate_set(
    *,
    jobcenter: Jobcenter,
    actor: User,
    data: bytes,
    password: str,
    wwdr: bytes = b"",
    pass_type_identifier: str = "",
    team_identifier: str = "",
    request: HttpRequest | None = None,
) -> WalletSettings:
    parsed = parse_pkcs12(data, password)
    intermediates = parse_wwdr(wwdr) or list(parsed.extra)
    cert = parsed.certificate
    # Apple writes the pass type ID into the subject's UID and the team ID into OU.
    pass_type = pass_type_identifier.strip() or _name_attr(cert, NameOID.USER_ID)
    team = team_identifier.strip() or _name_attr(cert, NameOID.ORGANIZATIONAL_UNIT_NAME)
    if not pass_type:
        raise ValidationError(
            {
                "pass_type_identifier": _(
                    "Bitte geben Sie die Pass Type ID an (z. B. pass.de.jobcenter.karte)."
                )
            }
        )
    if not team:
        raise ValidationError({"team_identifier": _("Bitte geben Sie die Team ID an.")})
    config, _created = WalletSettings.objects.select_for_update().get_or_create(jobcenter=jobcenter)
    config.pass_type_identifier = pass_type[:200]
    config.team_identifier = team[:20]
    config.certificate_pem = _pem([cert])
    config.private_key_sealed = parsed.key_pem
    config.wwdr_pem = _pem(intermediates)
    config.certificate_subject = cert.subject.rfc4514_string()[:300]
    config.valid_from = cert.not_valid_before_utc
    config.valid_until = cert.not_valid_after_utc
    config.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="wallet_settings",
        object_id=config.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=f"apple certificate, valid until {cert.not_valid_after_utc:%Y-%m-%d}",
    )
    return config


@transaction.atomic
def wallet_certificate_remove(
    *, jobcenter: Jobcenter, actor: User, request: HttpRequest | None = None
) -> None:
    config = WalletSettings.objects.select_for_update().filter(jobcenter=jobcenter).first()
    if config is None or not config.certificate_pem:
        return
    config.certificate_pem = ""
    config.private_key_sealed = ""
    config.wwdr_pem = ""
    config.certificate_subject = ""
    config.valid_from = None
    config.valid_until = None
    config.save()
    audit(
        request=request,
        action=AuditAction.DELETE,
        object_type="wallet_settings",
        object_id=config.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail="apple certificate removed",
    )


@transaction.atomic
def wallet_google_set(
    *,
    jobcenter: Jobcenter,
    actor: User,
    issuer_id: str,
    service_account_json: bytes,
    request: HttpRequest | None = None,
) -> WalletSettings:
    issuer_id = issuer_id.strip()
    if not issuer_id.isdigit() or len(issuer_id) > 40:
        raise ValidationError(
            {"issuer_id": _("Die Aussteller-ID von Google Wallet besteht nur aus Ziffern.")}
        )
    try:
        info = json.loads(service_account_json.decode())
        email = str(info["client_email"])
        key_pem = str(info["private_key"])
        key = serialization.load_pem_private_key(key_pem.encode(), None)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise ValidationError(
            {
                "service_account": _(
                    "Diese Datei ist kein Schlüssel eines Google-Dienstkontos (JSON mit "
                    "„client_email“ und „private_key“)."
                )
            }
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValidationError(
            {"service_account": _("Der Schlüssel des Dienstkontos muss ein RSA-Schlüssel sein.")}
        )
    config, _created = WalletSettings.objects.select_for_update().get_or_create(jobcenter=jobcenter)
    config.google_issuer_id = issuer_id
    config.google_service_account_email = email[:254]
    config.google_private_key_sealed = key_pem
    config.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="wallet_settings",
        object_id=config.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail="google issuer set",
    )
    return config


def expiry_state(config: WalletSettings | None) -> str:
    """'none', 'valid', 'expiring' (within 30 days) or 'expired'."""
    if config is None or not config.valid_until or not config.certificate_pem:
        return "none"
    now = timezone.now()
    if config.valid_until <= now:
        return "expired"
    if config.valid_until - now <= EXPIRY_WARNING:
        return "expiring"
    return "valid"
