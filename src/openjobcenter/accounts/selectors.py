"""Tenant-scoped reads of people (DESIGN §4.2): 404 for missing and not-yours alike."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from openjobcenter.accounts.models import CustomerProfile, StaffMembership
from openjobcenter.tenants.models import Jobcenter


def customers_of(jobcenter: Jobcenter, query: str = "") -> QuerySet[CustomerProfile]:
    qs = CustomerProfile.objects.filter(jobcenter=jobcenter).select_related("user")
    query = query.strip()[:100]
    if query:
        qs = qs.filter(
            Q(customer_number__iexact=query)
            | Q(user__email__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__first_name__icontains=query)
        )
    return qs.order_by("user__last_name", "user__first_name", "pk")


def get_customer_for(jobcenter: Jobcenter, pk: int) -> CustomerProfile:
    """The customer ``pk`` of this job centre; 404 if missing or another job centre's."""
    try:
        return CustomerProfile.objects.select_related("user", "jobcenter").get(
            pk=pk, jobcenter=jobcenter
        )
    except CustomerProfile.DoesNotExist:
        raise Http404 from None


def memberships_of(jobcenter: Jobcenter) -> QuerySet[StaffMembership]:
    return (
        StaffMembership.objects.filter(jobcenter=jobcenter)
        .select_related("user")
        .order_by("user__last_name", "user__email", "role")
    )


def get_membership_for(jobcenter: Jobcenter, pk: int) -> StaffMembership:
    try:
        return StaffMembership.objects.select_related("user").get(pk=pk, jobcenter=jobcenter)
    except StaffMembership.DoesNotExist:
        raise Http404 from None


def staff_jobcenters(user_id: int) -> QuerySet[Jobcenter]:
    return Jobcenter.objects.filter(memberships__user_id=user_id, is_active=True).distinct()
