"""Reads across the permission boundary: who acts for whom, within which scope.

``may_act_for(user, customer, scope)`` and ``acting_scope(user, customer)`` are the
questions other modules ask (the postbox asks for ``Scope.NOTICES``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openjobcenter.core.models import AuditEntry
from openjobcenter.mandates.models import Mandate, Organisation, OrganisationStatus, Scope

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.tenants.models import Jobcenter

# Which scope a customer page needs, by the app it belongs to; "read" opens every such
# page for reading (GET/HEAD) only.
MODULE_SCOPES: dict[str, Scope] = {
    "applications": Scope.APPLICATIONS,
    "documents": Scope.DOCUMENTS,
    "appointments": Scope.APPOINTMENTS,
    "messaging": Scope.CHAT,
    "postbox": Scope.NOTICES,
}


def _active() -> Q:
    return Q(
        revoked_at__isnull=True,
        accepted_at__isnull=False,
        valid_until__gte=timezone.localdate(),
    )


def active_mandates(user: User, jobcenter: Jobcenter) -> QuerySet[Mandate]:
    """The mandates ``user`` holds in ``jobcenter`` today, with the customers."""
    return (
        Mandate.objects.filter(_active(), representative=user, jobcenter=jobcenter)
        .select_related("customer__user", "organisation")
        .order_by("customer__user__last_name", "pk")
    )


def scope_allows(scopes: list[str] | frozenset[str], scope: str, *, write: bool) -> bool:
    """Whether ``scopes`` cover ``scope``: reading is also allowed with ``read``."""
    if scope in scopes:
        return True
    return not write and Scope.READ in scopes


def acting_scope(user: User, customer: CustomerProfile) -> frozenset[str]:
    """Everything ``user`` may do for ``customer`` today (empty: nothing)."""
    scopes: set[str] = set()
    for row in Mandate.objects.filter(
        _active(), representative=user, customer=customer
    ).values_list("scopes", flat=True):
        scopes.update(row)
    return frozenset(scopes)


def may_act_for(user: User, customer: CustomerProfile, scope: str, *, write: bool = True) -> bool:
    return scope_allows(acting_scope(user, customer), scope, write=write)


def notice_representatives(customer: CustomerProfile) -> list[User]:
    """Who is to be told of the customer's notices (postbox): the holders of an active
    mandate whose scope covers notices (not those who may only read)."""
    return [
        m.representative
        for m in Mandate.objects.filter(_active(), customer=customer)
        .select_related("representative")
        .order_by("pk")
        if Scope.NOTICES in m.scopes and m.representative is not None
    ]


def active_for(user: User, jobcenter: Jobcenter, customer_id: int) -> list[Mandate]:
    """The mandates ``user`` holds today for customer ``customer_id`` in ``jobcenter``
    (the API's ``X-Acting-For``; one query)."""
    return list(
        Mandate.objects.filter(
            _active(), representative=user, jobcenter=jobcenter, customer_id=customer_id
        )
        .select_related("customer__user", "customer__jobcenter")
        .order_by("pk")
    )


def session_mandate(user: User, mandate_id: int) -> Mandate | None:
    """The mandate a session acts under, if it is still ``user``'s (one query)."""
    return (
        Mandate.objects.select_related("customer__user", "customer__jobcenter")
        .filter(pk=mandate_id, representative=user)
        .first()
    )


def mandates_given(customer: CustomerProfile) -> QuerySet[Mandate]:
    return Mandate.objects.filter(customer=customer).select_related(
        "representative", "organisation"
    )


def mandate_of_customer(customer: CustomerProfile, pk: int) -> Mandate:
    """One of the customer's mandates; anyone else's: 404."""
    try:
        return Mandate.objects.select_related("customer__user").get(pk=pk, customer=customer)
    except Mandate.DoesNotExist:
        raise Http404 from None


def mandate_for_staff(jobcenter: Jobcenter, customer: CustomerProfile, pk: int) -> Mandate:
    try:
        return Mandate.objects.select_related("customer__user").get(
            pk=pk, customer=customer, jobcenter=jobcenter
        )
    except Mandate.DoesNotExist:
        raise Http404 from None


def representation(customer: CustomerProfile) -> list[Mandate]:
    """Who represents the customer, or is invited to (staff's case view)."""
    today = timezone.localdate()
    return list(
        Mandate.objects.filter(
            customer=customer, revoked_at__isnull=True, valid_until__gte=today
        ).select_related("representative", "organisation")
    )


def actions_for(customer: CustomerProfile, *, limit: int = 50) -> list[AuditEntry]:
    """What representatives did for the customer, newest first (the customer's list)."""
    return list(
        AuditEntry.objects.filter(acting_for=customer.user, jobcenter=customer.jobcenter)
        .exclude(actor=customer.user)
        .order_by("-at")[:limit]
    )


def approved_organisations(user: User, jobcenter: Jobcenter) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        jobcenter=jobcenter, members=user, status=OrganisationStatus.APPROVED
    )


def organisations_of(user: User, jobcenter: Jobcenter) -> QuerySet[Organisation]:
    return Organisation.objects.filter(jobcenter=jobcenter, members=user)


def organisation_for_staff(jobcenter: Jobcenter, pk: int) -> Organisation:
    try:
        return Organisation.objects.get(pk=pk, jobcenter=jobcenter)
    except Organisation.DoesNotExist:
        raise Http404 from None
