"""Every write of staff single sign-on (DESIGN §4.1): provider settings, accounts made
just in time from a provider's claims, roles from its groups, and sessions the provider
may end. Each call leaves an audit entry."""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.accounts import logout_hooks
from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership, User
from openjobcenter.core.access import SSO_SESSION_KEY
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents import storage
from openjobcenter.identity.models import (
    ExternalIdentity,
    GroupRole,
    IdentityProvider,
    Protocol,
    SsoSession,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

# Waiting in the session between the provider's answer and the end of the login (a
# second factor of the platform may be asked for in between).
PENDING_KEY = "ojc_sso_pending"
_SEAL_PURPOSE = "identity-provider-secret"
_TOKEN_PURPOSE = "identity-session-token"  # noqa: S105 - a key-derivation label
# The ExternalIdentity of a login accepted in this request (an attribute of the request).
IDENTITY_OF_REQUEST = "_ojc_sso_identity"


class SsoRefused(Exception):  # noqa: N818 - a refusal, not a crash
    """The provider vouched for someone the platform does not let in; ``message`` is
    shown to the person (German, formal), ``reason`` goes to the audit log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


# --- Provider settings -------------------------------------------------------------


def provider_secret(provider: IdentityProvider) -> str:
    """The client secret: from the named environment variable, else the sealed one."""
    if provider.client_secret_env:
        return os.environ.get(provider.client_secret_env, "")
    blob = bytes(provider.client_secret_sealed or b"")
    if not blob:
        return ""
    return storage.unseal(blob, info=_SEAL_PURPOSE, aad=provider.key.encode()).decode()


def _seal_secret(provider: IdentityProvider, secret: str) -> bytes:
    return storage.seal(secret.encode(), info=_SEAL_PURPOSE, aad=provider.key.encode())


def seal_token(provider: IdentityProvider, token: str) -> str:
    """A token of the provider (access or refresh token of a login), sealed like the
    client secret for the server-side session; "" stays ""."""
    if not token:
        return ""
    blob = storage.seal(token.encode(), info=_TOKEN_PURPOSE, aad=provider.key.encode())
    return base64.urlsafe_b64encode(blob).decode()


def unseal_token(provider: IdentityProvider, sealed: str) -> str:
    """The token, or "" when there is none or it does not decrypt (another provider's,
    a retired key)."""
    if not sealed:
        return ""
    try:
        blob = base64.urlsafe_b64decode(sealed.encode())
        return storage.unseal(blob, info=_TOKEN_PURPOSE, aad=provider.key.encode()).decode()
    except (ValueError, storage.DecryptionError):
        return ""


def parse_group_roles(text: str) -> list[tuple[str, Role]]:
    """``Gruppe = rolle`` per line (the form's text field) → pairs; ValueError names
    the first line that is not one."""
    pairs: list[tuple[str, Role]] = []
    labels = {str(label).casefold(): Role(value) for value, label in Role.choices}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        group, sep, role_text = line.rpartition("=")
        role_key = role_text.strip()
        role = labels.get(role_key.casefold())
        if role is None and role_key in Role.values:
            role = Role(role_key)
        if not sep or not group.strip() or role is None:
            raise ValueError(number)
        pairs.append((group.strip(), role))
    return pairs


def format_group_roles(provider: IdentityProvider) -> str:
    return "\n".join(
        f"{gr.group} = {gr.role}" for gr in provider.group_roles.order_by("group", "role")
    )


@transaction.atomic
def identity_provider_save(
    *,
    request: HttpRequest | None,
    actor: User | None,
    provider: IdentityProvider,
    secret: str | None,
    group_roles: Iterable[tuple[str, Role]] | None,
) -> IdentityProvider:
    """Create or change a provider of a job centre. ``secret`` None keeps the stored
    one; ``group_roles`` None keeps the mapping. The audit entry names the fields, never
    the secret."""
    from django.utils.text import slugify

    created = provider.pk is None
    if created and not provider.key:
        base = slugify(f"{provider.jobcenter.slug}-{provider.name}")[:60] or "anbieter"
        provider.key = base
        number = 2
        while IdentityProvider.objects.filter(key=provider.key).exists():
            provider.key = f"{base}-{number}"
            number += 1
    if secret:
        provider.client_secret_sealed = _seal_secret(provider, secret)
    if provider.protocol == Protocol.SAML and not (provider.sp_key_pem and provider.sp_cert_pem):
        from openjobcenter.core.saml import new_key_pair

        provider.sp_key_pem, provider.sp_cert_pem = new_key_pair(f"OpenJobcenter {provider.key}")
    provider.full_clean(exclude=["client_secret_sealed"])
    provider.save()
    changed = ["secret"] if secret else []
    if group_roles is not None:
        wanted = set(group_roles)
        have = {(gr.group, Role(gr.role)) for gr in provider.group_roles.all()}
        if wanted != have:
            provider.group_roles.all().delete()
            GroupRole.objects.bulk_create(
                GroupRole(provider=provider, group=g, role=r) for g, r in sorted(wanted)
            )
            changed.append("group_roles")
    audit(
        request=request,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="identity_provider",
        object_id=provider.pk,
        jobcenter=provider.jobcenter,
        actor=actor,
        detail=",".join(changed),
    )
    return provider


# --- Login ------------------------------------------------------------------------


@dataclass(frozen=True)
class Claims:
    subject: str
    email: str
    first_name: str
    last_name: str
    groups: tuple[str, ...]
    sid: str
    second_factor: bool


def read_claims(provider: IdentityProvider, data: Mapping[str, Any]) -> Claims:
    """The claims the platform needs, or a refusal naming what is missing."""
    subject = str(data.get("sub") or "").strip()
    email = str(data.get("email") or "").strip().lower()
    if not subject or not email or "@" not in email:
        raise SsoRefused(
            "missing_claims",
            _(
                "Ihre Verwaltung hat nicht alle nötigen Angaben übermittelt (Kennung und "
                "E-Mail-Adresse). Bitte wenden Sie sich an Ihre IT-Abteilung."
            ),
        )
    first = str(data.get("given_name") or "").strip()
    last = str(data.get("family_name") or "").strip()
    if not first and not last:
        first, _sep, last = str(data.get("name") or "").strip().rpartition(" ")
    groups = groups_of(provider, data)
    acr = str(data.get("acr") or "")
    amr = data.get("amr") or []
    amr_set = {str(a) for a in amr} if isinstance(amr, list) else set()
    second = bool(acr and acr in provider.acr_values) or bool(amr_set & provider.amr_values)
    return Claims(
        subject=subject[:255],
        email=email[:254],
        first_name=first[:150],
        last_name=last[:150],
        groups=groups,
        sid=str(data.get("sid") or "")[:255],
        second_factor=second,
    )


def groups_of(provider: IdentityProvider, data: Mapping[str, Any]) -> tuple[str, ...]:
    raw = data.get(provider.groups_claim) or []
    if isinstance(raw, str):
        raw = raw.split()
    if not isinstance(raw, list | tuple):
        return ()
    return tuple(str(g) for g in raw if isinstance(g, str | int))


def roles_for(provider: IdentityProvider, groups: Iterable[str]) -> frozenset[Role]:
    names = set(groups)
    return frozenset(Role(gr.role) for gr in provider.group_roles.all() if gr.group in names)


def _sync_roles(
    *, request: HttpRequest | None, provider: IdentityProvider, user: User, roles: frozenset[Role]
) -> bool:
    """Make the person's roles in the provider's job centre exactly ``roles``;
    whether anything changed."""
    jobcenter = provider.jobcenter
    have = set(
        StaffMembership.objects.filter(user=user, jobcenter=jobcenter).values_list(
            "role", flat=True
        )
    )
    removed = have - {str(r) for r in roles}
    added = {str(r) for r in roles} - have
    if removed:
        StaffMembership.objects.filter(user=user, jobcenter=jobcenter, role__in=removed).delete()
    StaffMembership.objects.bulk_create(
        StaffMembership(user=user, jobcenter=jobcenter, role=r) for r in sorted(added)
    )
    for action, names in ((AuditAction.DELETE, removed), (AuditAction.CREATE, added)):
        for role in sorted(names):
            audit(
                request=request,
                action=action,
                object_type="staff_membership",
                jobcenter=jobcenter,
                subject=user,
                actor=user,
                detail=f"role={role},source=sso:{provider.key}",
            )
    return bool(removed or added)


@transaction.atomic
def sso_login_accept(
    *, request: HttpRequest, provider: IdentityProvider, claims: Claims, linked_user: User | None
) -> tuple[User, ExternalIdentity]:
    """The provider vouched for this person: find or create their staff account (just
    in time) and set their roles in the job centre from the groups. Refuses (nothing
    written) when no group gives a role or the address belongs to an account the
    provider may not take over (a customer's, the operator's)."""
    roles = roles_for(provider, claims.groups)
    if not roles:
        raise SsoRefused(
            "no_role",
            _(
                "Ihre Verwaltung hat Sie angemeldet, aber keiner Ihrer Gruppen ist in "
                "diesem Jobcenter eine Rolle zugeordnet. Es wurde kein Zugang angelegt. "
                "Bitte wenden Sie sich an die Administration Ihres Jobcenters."
            ),
        )
    identity = (
        ExternalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(provider=provider, subject=claims.subject)
        .first()
    )
    user = identity.user if identity is not None else linked_user
    if user is None:
        user = User.objects.filter(email__iexact=claims.email).first()
        if user is not None and (
            user.is_staff or user.is_superuser or CustomerProfile.objects.filter(user=user).exists()
        ):
            raise SsoRefused(
                "email_taken",
                _(
                    "Unter Ihrer E-Mail-Adresse besteht bereits ein anderes Konto auf "
                    "dieser Plattform. Bitte wenden Sie sich an die Administration Ihres "
                    "Jobcenters."
                ),
            )
    if user is None:
        user = User.objects.create_user(
            email=claims.email,
            password=None,
            first_name=claims.first_name,
            last_name=claims.last_name,
        )
        from allauth.account.models import EmailAddress

        # The municipality's provider vouches for its own staff's address.
        EmailAddress.objects.create(user=user, email=claims.email, verified=True, primary=True)
        audit(
            request=request,
            action=AuditAction.CREATE,
            object_type="staff_account",
            object_id=user.pk,
            jobcenter=provider.jobcenter,
            subject=user,
            actor=user,
            detail=f"source=sso:{provider.key}",
        )
    else:
        fields = []
        for field, value in (("first_name", claims.first_name), ("last_name", claims.last_name)):
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                fields.append(field)
        if fields:
            user.save(update_fields=fields)
    if identity is None:
        identity = ExternalIdentity.objects.create(
            provider=provider, user=user, subject=claims.subject
        )
    _sync_roles(request=request, provider=provider, user=user, roles=roles)
    identity.roles = sorted(str(r) for r in roles)
    identity.last_login_at = timezone.now()
    identity.save(update_fields=["roles", "last_login_at"])
    return user, identity


def sso_session_started(request: HttpRequest, user: User) -> None:
    """Called once the login is complete (the account adapter): the session remembers
    the provider and when the roles were confirmed; the provider may end it later."""
    pending = request.session.pop(PENDING_KEY, None)
    if not pending or pending.get("user") != user.pk:
        request.session.pop(SSO_SESSION_KEY, None)
        return
    # Written in this request (no second factor of the platform asked in between): the
    # identity is known; else it is read again (it may have gone since).
    identity = request.__dict__.get(IDENTITY_OF_REQUEST)
    if identity is None or identity.pk != pending["identity"]:
        identity = ExternalIdentity.objects.filter(pk=pending["identity"]).first()
    if identity is None:
        return
    session_key = request.session.session_key or ""
    pending["checked"] = time.time()
    request.session[SSO_SESSION_KEY] = pending
    cutoff = timezone.now() - timedelta(seconds=max(settings.SESSION_ABSOLUTE_SECONDS.values()))
    SsoSession.objects.filter(identity__user=user, created_at__lt=cutoff).delete()
    SsoSession.objects.create(
        identity=identity, sid=str(pending.get("sid") or ""), session_key=session_key
    )


def sso_roles_confirm(
    *, request: HttpRequest | None, provider: IdentityProvider, user: User, groups: Iterable[str]
) -> frozenset[Role]:
    """The role lifetime ran out and the provider answered afresh: set the roles from
    its groups now (none: the caller ends the session)."""
    roles = roles_for(provider, groups)
    with transaction.atomic():
        _sync_roles(request=request, provider=provider, user=user, roles=roles)
        ExternalIdentity.objects.filter(provider=provider, user=user).update(
            roles=sorted(str(r) for r in roles)
        )
    return roles


def end_sessions(
    sessions: Iterable[SsoSession], *, request: HttpRequest | None, reason: str
) -> int:
    """Delete these platform sessions from the session store (their next request is
    anonymous) and audit each."""
    engine = import_module(settings.SESSION_ENGINE)
    ended = 0
    for sso in sessions:
        store = engine.SessionStore(sso.session_key)
        if store.exists(sso.session_key):
            store.delete(sso.session_key)
            ended += 1
            logout_hooks.run(user_id=sso.identity.user_id, session_key=sso.session_key)
        audit(
            request=request,
            action=AuditAction.LOGOUT,
            object_type="session",
            jobcenter=sso.identity.provider.jobcenter,
            subject=sso.identity.user,
            actor=None,
            detail=f"{reason}:{sso.identity.provider.key}",
        )
        sso.delete()
    return ended
