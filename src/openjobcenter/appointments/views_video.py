"""Joining a video appointment: the customer's and the staff member's join page.

The page opens ``JOIN_EARLY`` (10 minutes) before the start and closes at the end;
before that it says from when one can join. With the built-in provider the page hosts
the call (``static/appointments/video_call.js``); with Jitsi or a link it shows the link.
Every join is audited.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from openjobcenter.appointments.models import Appointment, Channel
from openjobcenter.appointments.selectors import (
    get_appointment_for_customer,
    get_appointment_for_staff,
)
from openjobcenter.appointments.video import BuiltinProvider, join_appointment, join_window
from openjobcenter.core.access import (
    Perm,
    customer_required,
    request_customer,
    request_jobcenter,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants.modules import require_module

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User


def _page(request: HttpRequest, appointment: Appointment, *, is_staff: bool) -> HttpResponse:
    if appointment.channel != Channel.VIDEO:
        raise Http404
    user: User = request.user  # type: ignore[assignment]
    attempt = join_appointment(
        request=request, appointment=appointment, user=user, is_staff=is_staff
    )
    if attempt.info is None and is_staff:
        # Staff see the customer's name on this page: every view of it is audited.
        audit(
            request=request,
            action=AuditAction.READ,
            object_type="appointment",
            object_id=appointment.pk,
            jobcenter=appointment.jobcenter,
            subject=appointment.customer.user,
            detail=f"video page ({attempt.state})",
        )
    provider = attempt.provider
    ice_servers: list[dict[str, str]] = []
    if attempt.info is not None and isinstance(provider, BuiltinProvider):
        ice_servers = [
            s.as_json()
            for s in provider.ice_servers(user_id=user.pk, until=attempt.info.valid_until)
        ]
    opens_at, closes_at = join_window(appointment)
    return render(
        request,
        "appointments/video_join.html",
        {
            "base_template": "web/staff_base.html" if is_staff else "web/base.html",
            "appointment": appointment,
            "is_staff": is_staff,
            "counterpart": appointment.customer.user.display_name
            if is_staff
            else appointment.staff.display_name,
            "state": attempt.state,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "join": attempt.info,
            "builtin": isinstance(provider, BuiltinProvider),
            "ws_path": BuiltinProvider.ws_path(appointment.video_room),
            "ice_servers": json.dumps(ice_servers),
            "role": "staff" if is_staff else "customer",
            "reload_in": max(0, int((opens_at - timezone.now()).total_seconds())) + 1,
        },
    )


@require_module("appointments")
@customer_required
def customer_join(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    appointment = get_appointment_for_customer(request_customer(request), pk)
    return _page(request, appointment, is_staff=False)


@require_module("appointments")
@staff_required(Perm.APPOINTMENTS_OWN)
def staff_join(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    appointment = get_appointment_for_staff(request_jobcenter(request), pk)
    if appointment.staff_id != request.user.pk:
        # A colleague's appointment: the call is one-to-one with the person booked.
        raise PermissionDenied
    return _page(request, appointment, is_staff=True)
