"""Reception: today's appointments on site, with a check-in that tells the advisor.

Split from ``views_staff`` (calendar, invitations, one appointment)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openjobcenter.appointments import services
from openjobcenter.appointments.models import Channel, Status
from openjobcenter.appointments.selectors import (
    appointments_of_jobcenter,
    get_appointment_for_staff,
    get_office,
    offices_of,
    parse_pk,
)
from openjobcenter.appointments.services import AppointmentError
from openjobcenter.appointments.views_staff import MODULE, _day_bounds, _jc, _user
from openjobcenter.core.access import Perm, staff_required
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants.modules import require_module

# --- Reception -------------------------------------------------------------------------


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_RECEPTION)
@require_http_methods(["GET", "POST"])
def reception(request: HttpRequest, jc: str) -> HttpResponse:
    """Today's appointments on site, with a check-in that tells the advisor."""
    jobcenter, user = _jc(request), _user(request)
    offices = list(offices_of(jobcenter))
    raw_office = request.GET.get("standort", "")
    office = get_office(jobcenter, raw_office) if raw_office else None
    today = timezone.localdate()
    start, end = _day_bounds(today)
    todays = (
        appointments_of_jobcenter(jobcenter)
        .filter(channel=Channel.IN_PERSON, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Status.CANCELLED)
        .order_by("starts_at", "pk")
    )
    if office is not None:
        todays = todays.filter(office=office)
    status, error = 200, ""
    if request.method == "POST":
        appt = get_appointment_for_staff(jobcenter, parse_pk(request.POST.get("appointment")))
        status = 400
        if not todays.filter(pk=appt.pk).exists():
            error = _("Anmelden können Sie nur heutige Termine vor Ort.")
        else:
            try:
                services.appointment_check_in(request=request, actor=user, appointment=appt)
            except AppointmentError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    _("%(name)s ist angemeldet. Die Ansprechperson wurde benachrichtigt.")
                    % {"name": appt.customer.user.display_name},
                )
                return redirect(request.get_full_path())
    rows = list(todays)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="appointment_reception",
        jobcenter=jobcenter,
        detail=f"{today.isoformat()} office={office.pk if office else '*'} n={len(rows)}",
    )
    return render(
        request,
        "appointments/staff_reception.html",
        {
            "appointments": rows,
            "offices": offices,
            "office": office,
            "today": today,
            "error": error,
        },
        status=status,
    )
