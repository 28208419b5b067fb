"""Reception's scan page (card, hand scanner or typed number → who it is → check-in or a
walk-in ticket) and the call board (call the next person, call again, no-show, done)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openjobcenter.accounts.selectors import get_customer_for
from openjobcenter.core.access import (
    Perm,
    has_perm,
    request_jobcenter,
    request_user,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.reception import selectors, services
from openjobcenter.reception.lookup import Outcome
from openjobcenter.reception.models import Desk, Ticket
from openjobcenter.reception.services import ReceptionError, ScanResult
from openjobcenter.tenants.modules import require_module

MODULE = "appointments"


def device_key(request: HttpRequest) -> str:
    """The rate limit's device: this browser's session."""
    session = request.session
    if session.session_key is None:
        session.save()
    return f"s:{session.session_key}"


def _optional_area(request: HttpRequest) -> Any:
    raw = request.POST.get("area", "")
    return selectors.get_area(request_jobcenter(request), raw) if raw else None


def _ticket_message(request: HttpRequest, ticket: Ticket, *, walk_in: bool) -> None:
    values = {"number": ticket.call_number, "area": ticket.area.name}
    if walk_in:
        messages.success(
            request, _("Wartenummer %(number)s ausgegeben, Wartebereich %(area)s.") % values
        )
    else:
        messages.success(
            request,
            _("Angemeldet. Aufrufnummer %(number)s, Wartebereich %(area)s.") % values,
        )


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_RECEPTION)
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = request_jobcenter(request), request_user(request)
    areas = list(selectors.areas_of(jobcenter, active_only=True))
    result: ScanResult | None = None
    error, status = "", 200
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "lookup":
        try:
            result = services.reception_scan(
                request=request,
                actor=user,
                jobcenter=jobcenter,
                raw=request.POST.get("code", ""),
                device=device_key(request),
            )
        except ReceptionError as exc:
            error, status = exc.message, 429
        else:
            if result.outcome != Outcome.FOUND:
                error, status = result.message, 404 if result.outcome == Outcome.UNKNOWN else 400
    elif action in ("checkin", "walkin"):
        customer = get_customer_for(jobcenter, selectors.parse_pk(request.POST.get("customer")))
        try:
            area = _optional_area(request)
            if action == "checkin":
                ticket = services.ticket_check_in(
                    request=request, actor=user, jobcenter=jobcenter, customer=customer, area=area
                )
            else:
                ticket = services.ticket_walk_in(
                    request=request,
                    actor=user,
                    jobcenter=jobcenter,
                    customer=customer,
                    topic=request.POST.get("topic", ""),
                    area=area,
                )
        except ReceptionError as exc:
            error, status = exc.message, 400
            audit(
                request=request,
                action=AuditAction.READ,
                object_type="reception_scan",
                object_id=customer.pk,
                jobcenter=jobcenter,
                subject=customer.user,
                detail=f"refused {action}: {exc.code}",
            )
            result = ScanResult(
                Outcome.FOUND,
                customer=customer,
                appointments=list(selectors.todays_appointments(customer)),
                open_ticket=selectors.open_ticket_of(customer),
            )
        else:
            _ticket_message(request, ticket, walk_in=action == "walkin")
            return redirect(reverse("staff:reception_scan", kwargs={"jc": jobcenter.slug}))
    elif request.method == "POST":
        error, status = _("Diese Aktion gibt es hier nicht."), 400
    return render(
        request,
        "reception/staff_scan.html",
        {
            "result": result if result and result.customer else None,
            "areas": areas,
            "error": error,
            # The field starts empty for the next scan; a card's code is never echoed.
            "code": "",
            "topic": request.POST.get("topic", ""),
        },
        status=status,
    )


def _call_action(request: HttpRequest, action: str, desk: Desk | None) -> Ticket:
    jobcenter, user = request_jobcenter(request), request_user(request)
    if action in ("next", "call") and desk is None:
        raise ReceptionError(_("Bitte wählen Sie Ihren Platz aus."), field="desk")
    if action == "next" and desk is not None:
        return services.ticket_call_next(
            request=request, actor=user, jobcenter=jobcenter, desk=desk
        )
    if action == "call" and desk is not None:
        return services.ticket_call(
            request=request,
            actor=user,
            ticket=selectors.get_ticket(jobcenter, request.POST.get("ticket")),
            desk=desk,
        )
    if action in ("no_show", "done"):
        return services.ticket_close(
            request=request,
            actor=user,
            ticket=selectors.get_ticket(jobcenter, request.POST.get("ticket")),
            no_show=action == "no_show",
        )
    raise ReceptionError(_("Diese Aktion gibt es hier nicht."))


@require_module(MODULE)
@staff_required(Perm.DASHBOARD)  # reception and every advisor role call people
@require_http_methods(["GET", "POST"])
def calls(request: HttpRequest, jc: str) -> HttpResponse:
    """Today's tickets; advisors and reception call them to a desk."""
    jobcenter, user = request_jobcenter(request), request_user(request)
    desks = list(selectors.desks_of(jobcenter, active_only=True))
    chosen = (
        request.POST.get("desk")
        or request.GET.get("platz")
        or request.session.get("reception_desk", "")
    )
    desk = next((d for d in desks if str(d.pk) == str(chosen)), None)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            ticket = _call_action(request, action, desk)
        except ReceptionError as exc:
            error, status = exc.message, 400
        else:
            request.session["reception_desk"] = str(desk.pk) if desk else ""
            words = {
                "next": _("%(number)s ist zu %(desk)s aufgerufen."),
                "call": _("%(number)s ist zu %(desk)s aufgerufen."),
                "no_show": _("%(number)s ist als nicht erschienen vermerkt."),
                "done": _("%(number)s ist erledigt."),
            }[action]
            messages.success(
                request,
                words
                % {"number": ticket.call_number, "desk": ticket.desk.name if ticket.desk else ""},
            )
            return redirect(reverse("staff:reception_calls", kwargs={"jc": jobcenter.slug}))
    roles: frozenset[Any] = getattr(request, "staff_roles", frozenset())
    tickets = list(selectors.tickets_today(jobcenter))
    # Names only for those who need them: reception and the advisor of the appointment.
    reception = has_perm(roles, Perm.APPOINTMENTS_RECEPTION)
    rows = [
        {
            "ticket": t,
            "name": t.customer.user.display_name
            if t.customer and (reception or (t.appointment and t.appointment.staff_id == user.pk))
            else "",
        }
        for t in tickets
    ]
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="reception_tickets",
        jobcenter=jobcenter,
        detail=f"{timezone.localdate().isoformat()} n={len(rows)}",
    )
    return render(
        request,
        "reception/staff_calls.html",
        {"rows": rows, "desks": desks, "desk": desk, "error": error},
        status=status,
    )
