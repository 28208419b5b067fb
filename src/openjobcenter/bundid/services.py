"""Every write of the BundID login (DESIGN §4.1), each audited: the job centre's
settings, a login, a new account from confirmed attributes, a link to an existing
account (after the customer confirmed it), a correction of a confirmed value."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.bundid import saml
from openjobcenter.bundid.attributes import CORRECTABLE, Verified
from openjobcenter.bundid.levels import Level
from openjobcenter.bundid.models import (
    BundIDCorrection,
    BundIDIdentity,
    BundIDSettings,
    SeenAssertion,
)
from openjobcenter.bundid.policy import ACTIONS
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants import jccache

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.tenants.models import Jobcenter

OBJECT = "bundid_identity"
SEEN_FOR = dt.timedelta(days=2)  # longer than any assertion's lifetime


def subject_hash(subject: str) -> str:
    return hashlib.sha256(b"bundid:" + subject.encode()).hexdigest()


@transaction.atomic
def settings_for(jobcenter: Jobcenter) -> BundIDSettings:
    """The job centre's BundID settings, made with a key pair on first use."""
    found = BundIDSettings.objects.select_for_update().filter(jobcenter=jobcenter).first()
    if found is not None and found.sp_key_pem and found.sp_cert_pem:
        return found
    pair = saml.operator_key_pair() or saml.new_key_pair(f"openjobcenter {jobcenter.slug}")
    if found is None:
        try:
            with transaction.atomic():
                return BundIDSettings.objects.create(
                    jobcenter=jobcenter, sp_key_pem=pair[0], sp_cert_pem=pair[1]
                )
        except IntegrityError:  # made by a parallel request
            return BundIDSettings.objects.get(jobcenter=jobcenter)
    found.sp_key_pem, found.sp_cert_pem = pair
    found.save(update_fields=["sp_key_pem", "sp_cert_pem", "updated_at"])
    return found


def idp_entity_id(metadata_xml: str) -> str:
    """The one identity provider the metadata describes; ValidationError otherwise."""
    from saml2.config import SPConfig
    from saml2.mdstore import MetadataStore

    store = MetadataStore(None, SPConfig())
    try:
        store.load("inline", metadata_xml)
    except Exception as exc:  # pysaml2 raises many kinds for bad XML
        raise ValidationError(
            {"idp_metadata_xml": _("Die Metadaten sind kein gültiges SAML-XML.")}
        ) from exc
    idps = list(store.identity_providers())
    if len(idps) != 1:
        raise ValidationError(
            {
                "idp_metadata_xml": _(
                    "Die Metadaten müssen genau einen Identitätsanbieter beschreiben."
                )
            }
        )
    return str(idps[0])


@transaction.atomic
def settings_save(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    enabled: bool,
    idp_metadata_xml: str,
    sp_entity_id: str,
    min_levels: Mapping[str, int | None],
) -> BundIDSettings:
    config = settings_for(jobcenter)
    metadata = idp_metadata_xml.strip()
    entity = idp_entity_id(metadata) if metadata else ""
    if enabled and not metadata:
        raise ValidationError(
            {"idp_metadata_xml": _("Ohne Metadaten kann die Anmeldung nicht angeboten werden.")}
        )
    config.enabled = enabled
    config.idp_metadata_xml = metadata
    config.idp_entity_id = entity
    config.sp_entity_id = sp_entity_id.strip()
    config.min_levels = {
        key: int(level) for key, level in min_levels.items() if key in ACTIONS and level
    }
    config.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="bundid_settings",
        object_id=config.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=f"enabled={enabled} idp={entity} levels={json.dumps(config.min_levels)}",
    )
    return config


def assertion_first_use(*, jobcenter: Jobcenter, assertion_id: str) -> bool:
    """Record an assertion's id; False when it was used before (a replay)."""
    if not assertion_id:
        return False
    try:
        with transaction.atomic():
            SeenAssertion.objects.create(jobcenter=jobcenter, assertion_id=assertion_id[:255])
    except IntegrityError:
        return False
    SeenAssertion.objects.filter(seen_at__lt=timezone.now() - SEEN_FOR).delete()
    return True


def login_failed(*, request: HttpRequest, jobcenter: Jobcenter, reason: str) -> None:
    audit(
        request=request,
        action=AuditAction.LOGIN_FAILED,
        object_type="session",
        jobcenter=jobcenter,
        actor=None,
        detail=f"bundid: {reason}"[:500],
    )


def find_identity(jobcenter: Jobcenter, verified: Verified) -> BundIDIdentity | None:
    return (
        BundIDIdentity.objects.select_related("user")
        .filter(jobcenter=jobcenter, subject_hash=subject_hash(verified.subject))
        .first()
    )


def _store(identity: BundIDIdentity, verified: Verified, level: Level) -> None:
    now = timezone.now()
    identity.level = int(level)
    identity.verified = json.dumps(verified.values, sort_keys=True)
    identity.verified_at = now
    identity.last_login_at = now


@transaction.atomic
def identity_login(
    *, request: HttpRequest, identity: BundIDIdentity, verified: Verified, level: Level
) -> BundIDIdentity:
    """A login with a linked BundID: the confirmed values and level of this login."""
    _store(identity, verified, level)
    identity.save(update_fields=["level", "verified", "verified_at", "last_login_at"])
    audit(
        request=request,
        action=AuditAction.LOGIN,
        object_type=OBJECT,
        object_id=identity.pk,
        jobcenter=identity.jobcenter,
        subject=identity.user,
        actor=identity.user,
        detail=f"bundid level={int(level)}",
    )
    return identity


def _link(
    *,
    request: HttpRequest,
    user: User,
    jobcenter: Jobcenter,
    verified: Verified,
    level: Level,
    via: str,
) -> BundIDIdentity:
    identity = BundIDIdentity(
        jobcenter=jobcenter, user=user, subject_hash=subject_hash(verified.subject)
    )
    _store(identity, verified, level)
    try:
        with transaction.atomic():
            identity.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Diese BundID oder dieses Konto ist bereits mit einem anderen Konto verbunden.")
        ) from exc
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type=OBJECT,
        object_id=identity.pk,
        jobcenter=jobcenter,
        subject=user,
        actor=user,
        detail=f"linked via={via} level={int(level)}",
    )
    return identity


@transaction.atomic
def identity_link(
    *,
    request: HttpRequest,
    user: User,
    jobcenter: Jobcenter,
    verified: Verified,
    level: Level,
    via: str,
) -> BundIDIdentity:
    """Link the BundID to an existing customer account of ``jobcenter`` after the
    customer confirmed it (``via``: "password" or "email")."""
    if not CustomerProfile.objects.filter(user=user, jobcenter=jobcenter).exists():
        raise ValidationError(_("Dieses Konto gehört nicht zu diesem Jobcenter."))
    return _link(
        request=request, user=user, jobcenter=jobcenter, verified=verified, level=level, via=via
    )


@transaction.atomic
def customer_create(
    *,
    request: HttpRequest,
    jobcenter: Jobcenter,
    verified: Verified,
    level: Level,
    email: str,
) -> BundIDIdentity:
    """A new customer account from the confirmed attributes (after the confirmation page):
    the login (no password yet), the profile with the confirmed address, the link."""
    from allauth.account.models import EmailAddress

    from openjobcenter.accounts.services import customer_register

    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Zu dieser E-Mail-Adresse gibt es schon ein Konto.")})
    values = verified.values
    user = User.objects.create_user(email=email, password=None)
    # The BundID vouches for its own address only; one the customer typed is checked by mail.
    EmailAddress.objects.create(
        user=user, email=email, primary=True, verified=values.get("email", "").lower() == email
    )
    profile = customer_register(
        request=request,
        user=user,
        jobcenter=jobcenter,
        first_name=values.get("first_name", ""),
        last_name=values.get("last_name", ""),
    )
    address = {k: values[k] for k in ("street", "postcode", "city") if values.get(k)}
    if address:
        for key, value in address.items():
            setattr(profile, key, value)
        profile.full_clean(exclude=["user", "jobcenter"])
        profile.save(update_fields=[*address, "updated_at"])
    return _link(
        request=request, user=user, jobcenter=jobcenter, verified=verified, level=level, via="new"
    )


@transaction.atomic
def correction_add(
    *, request: HttpRequest, identity: BundIDIdentity, field: str, value: str, note: str
) -> BundIDCorrection:
    """The customer corrects a confirmed value, with a note; the confirmed value stays."""
    if field not in CORRECTABLE:
        raise ValidationError({"field": _("Diese Angabe kann nicht berichtigt werden.")})
    value, note = value.strip(), note.strip()
    errors = {}
    if not value:
        errors["value"] = _("Bitte geben Sie den richtigen Wert an.")
    if not note:
        errors["note"] = _("Bitte schreiben Sie kurz, warum der Wert nicht stimmt.")
    if errors:
        raise ValidationError(errors)
    correction = BundIDCorrection.objects.create(
        identity=identity,
        field=field,
        verified_value=str(identity.attributes.get(field, "")),
        corrected_value=value[:200],
        note=note[:1000],
    )
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type=OBJECT,
        object_id=identity.pk,
        jobcenter=identity.jobcenter,
        subject=identity.user,
        detail=f"correction field={field}",
    )
    return correction


def current_values(identity: BundIDIdentity) -> dict[str, tuple[str, str | None]]:
    """Per confirmed field: (confirmed value, the customer's latest correction or None)."""
    corrected: dict[str, str] = {}
    for row in identity.corrections.all():  # newest first
        corrected.setdefault(row.field, row.corrected_value)
    return {k: (str(v), corrected.get(k)) for k, v in identity.attributes.items()}


def enabled_settings(jobcenter: Jobcenter) -> BundIDSettings | None:
    """The job centre's BundID settings when it offers the BundID (on, with metadata)."""
    return (
        BundIDSettings.objects.filter(jobcenter=jobcenter, enabled=True)
        .exclude(idp_metadata_xml="")
        .first()
    )


def _offered(jobcenter: Jobcenter) -> bool:
    return (
        BundIDSettings.objects.filter(jobcenter=jobcenter, enabled=True)
        .exclude(idp_metadata_xml="")
        .exists()
    )


def settings_enabled(jobcenter: Jobcenter) -> bool:
    """Whether the job centre offers the BundID login: asked on every "Mein Bereich" and
    login page, so kept per process under the job centres' version (every write of the
    settings sets a new one, ``models.BundIDSettings``)."""
    return jccache.derived("bundid_offered", jobcenter, _offered)
