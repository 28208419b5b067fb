"""Reads of identity-provider configuration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openjobcenter.identity.models import IdentityProvider, Protocol
from openjobcenter.tenants.models import Jobcenter

if TYPE_CHECKING:
    from django.http import HttpRequest

_REQUEST_CACHE = "_ojc_identity_providers"


def enabled_providers(protocol: str = Protocol.OIDC) -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(enabled=True, protocol=protocol).select_related(
        "jobcenter"
    )


def login_options(jobcenter: Jobcenter | None) -> list[IdentityProvider]:
    """The providers a job centre's login page offers."""
    if jobcenter is None:
        return []
    return list(
        IdentityProvider.objects.filter(enabled=True, jobcenter=jobcenter)
        .select_related("jobcenter")
        .order_by("name")
    )


def provider_by_key(key: str, request: HttpRequest | None = None) -> IdentityProvider | None:
    """The enabled provider with this key. With ``request``: read once per request
    (allauth asks for its app several times in one login)."""
    if request is None:
        return enabled_providers().filter(key=key).first()
    cache: dict[str, IdentityProvider | None] = request.__dict__.setdefault(_REQUEST_CACHE, {})
    if key not in cache:
        cache[key] = enabled_providers().filter(key=key).first()
    return cache[key]


def passwords_refused_for(user_id: int) -> list[IdentityProvider]:
    """Providers of the job centres where this person works that do not allow local
    passwords any more (empty: a password login is fine)."""
    return list(
        IdentityProvider.objects.filter(enabled=True)
        .filter(allow_local_passwords=False, jobcenter__memberships__user_id=user_id)
        .distinct()
    )


def session_provider(key: str) -> IdentityProvider | None:
    """The enabled provider (either protocol) a session was opened through."""
    return IdentityProvider.objects.filter(enabled=True, key=key).first()


def saml_provider(key: str) -> IdentityProvider | None:
    return enabled_providers(Protocol.SAML).filter(key=key).first()


def providers_of(jobcenter: Jobcenter) -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(jobcenter=jobcenter).order_by("name")


def get_provider_for(jobcenter: Jobcenter, pk: int) -> IdentityProvider:
    """One provider of this job centre; 404 for another's or a missing one."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(IdentityProvider, jobcenter=jobcenter, pk=pk)
