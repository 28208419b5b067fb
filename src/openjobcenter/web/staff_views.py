"""The back-office start page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.access import Perm, has_perm, staff_required


@staff_required()
def dashboard(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request.jobcenter  # type: ignore[attr-defined]
    roles = request.staff_roles  # type: ignore[attr-defined]
    customers = CustomerProfile.objects.filter(jobcenter=jobcenter)
    return render(
        request,
        "web/staff_dashboard.html",
        {
            "roles": sorted(r.label for r in roles),
            "customer_count": customers.count(),
            "without_number": customers.filter(customer_number__isnull=True).count(),
            "can_configure": has_perm(roles, Perm.JOBCENTER_CONFIGURE),
            "can_manage_staff": has_perm(roles, Perm.STAFF_MANAGE),
            "can_view_audit": has_perm(roles, Perm.AUDIT_VIEW),
        },
    )
