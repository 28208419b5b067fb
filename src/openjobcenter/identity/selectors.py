"""Reads of identity-provider configuration."""

from __future__ import annotations

from django.db.models import QuerySet

from openjobcenter.identity.models import IdentityProvider, Protocol
from openjobcenter.tenants.models import Jobcenter


def enabled_providers(protocol: str = Protocol.OIDC) -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(enabled=True, protocol=protocol).select_related(
        "jobcenter"
    )


def login_options(jobcenter: Jobcenter | None) -> list[IdentityProvider]:
    """The providers a job centre's login page offers."""
    if jobcenter is None:
        return []
    return list(enabled_providers().filter(jobcenter=jobcenter).order_by("name"))


def provider_by_key(key: str) -> IdentityProvider | None:
    return enabled_providers().filter(key=key).first()


def passwords_refused_for(user_id: int) -> list[IdentityProvider]:
    """Providers of the job centres where this person works that do not allow local
    passwords any more (empty: a password login is fine)."""
    return list(
        enabled_providers()
        .filter(allow_local_passwords=False, jobcenter__memberships__user_id=user_id)
        .distinct()
    )


def providers_of(jobcenter: Jobcenter) -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(jobcenter=jobcenter).order_by("name")


def get_provider_for(jobcenter: Jobcenter, pk: int) -> IdentityProvider:
    """One provider of this job centre; 404 for another's or a missing one."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(IdentityProvider, jobcenter=jobcenter, pk=pk)
