"""Staff pages of the appointments module: calendar, invitations, one appointment
(reception in ``views_staff_reception``, hours, absences and types in
``views_staff_config``).

Every page is behind ``require_module("appointments")`` and ``staff_required``; objects
are looked up within the request's job centre (404 for "missing" and "not yours");
writes go through ``services`` and ``services_config``; refusals are shown on the page
with a 4xx status and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.accounts.selectors import customers_of, get_customer_for
from openjobcenter.appointments import services
from openjobcenter.appointments.forms_staff import (
    CancelForm,
    InviteForm,
    RescheduleForm,
)
from openjobcenter.appointments.legal_notice import notice_paragraphs, situation_of
from openjobcenter.appointments.models import (
    Appointment,
    AppointmentType,
    Channel,
    Status,
)
from openjobcenter.appointments.proof import proof_upload_available
from openjobcenter.appointments.selectors import (
    advisor_label,
    advisors_for,
    appointments_of_jobcenter,
    get_appointment_for_staff,
    get_staff_member,
    offices_of,
    parse_pk,
)
from openjobcenter.appointments.services import (
    AppointmentError,
    OutsideOpeningHours,
    SlotTaken,
)
from openjobcenter.appointments.slots import BERLIN, Slot, local_to_utc
from openjobcenter.core.access import (
    Perm,
    has_perm,
    request_jobcenter,
    request_staff_roles,
    request_user,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.inputs import FIRST_DAY, LAST_DAY
from openjobcenter.core.models import AuditAction
from openjobcenter.reception.selectors import desks_of
from openjobcenter.tenants.modules import require_module

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

MODULE = "appointments"
DAY, WEEK = "tag", "woche"
SEARCH_LIMIT = 20


# --- Request context and tenant-scoped lookups ------------------------------------------


_jc, _user = request_jobcenter, request_user


def _can_configure(request: HttpRequest) -> bool:
    return has_perm(request_staff_roles(request), Perm.APPOINTMENTS_CONFIGURE)


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    """Local midnight to local midnight in UTC (23 or 25 hours on the change days)."""
    start = local_to_utc(day, time(0))
    end = local_to_utc(day + timedelta(days=1), time(0))
    if start is None or end is None:  # pragma: no cover - midnight always exists in Berlin
        raise BadRequest(_("Das Datum ist ungültig."))
    return start, end


def _parse_day(raw: str | None) -> date:
    if not raw:
        return timezone.localdate()
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(_("Das Datum ist ungültig.")) from None
    # The week around it must stay a date (9999-12-31 used to crash the calendar).
    if not FIRST_DAY <= day <= LAST_DAY:
        raise BadRequest(_("Das Datum ist ungültig."))
    return day


def _local(dt: datetime) -> datetime:
    return dt.astimezone(BERLIN)


def _add_service_error(form: BaseForm, exc: AppointmentError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _alternatives(exc: AppointmentError) -> list[Slot]:
    return exc.alternatives if isinstance(exc, SlotTaken) else []


def _concerns(exc: AppointmentError) -> list[str]:
    return [c.message for c in exc.concerns] if isinstance(exc, OutsideOpeningHours) else []


def _status_for(exc: AppointmentError) -> int:
    return 409 if isinstance(exc, SlotTaken) else 400


# --- Calendar --------------------------------------------------------------------------


@dataclass(frozen=True)
class CalendarDay:
    day: date
    appointments: list[Appointment]


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_OWN)
@require_GET
def calendar(request: HttpRequest, jc: str) -> HttpResponse:
    """Day or week of one person's appointments (the logged-in one's by default)."""
    jobcenter, user = _jc(request), _user(request)
    can_configure = _can_configure(request)
    person = user
    raw_person = request.GET.get("person", "")
    if raw_person and raw_person != str(user.pk):
        if not can_configure:
            raise PermissionDenied
        person = get_staff_member(jobcenter, raw_person)
    view = request.GET.get("ansicht", DAY)
    if view not in (DAY, WEEK):
        raise BadRequest(_("Diese Ansicht gibt es nicht."))
    day = _parse_day(request.GET.get("tag"))
    first = day - timedelta(days=day.weekday()) if view == WEEK else day
    days = [first + timedelta(days=i) for i in range(7 if view == WEEK else 1)]
    start, end = _day_bounds(days[0])[0], _day_bounds(days[-1])[1]
    appointments = list(
        appointments_of_jobcenter(jobcenter)
        .filter(staff=person, starts_at__gte=start, starts_at__lt=end)
        .order_by("starts_at", "pk")
    )
    by_day: dict[date, list[Appointment]] = {d: [] for d in days}
    for appointment in appointments:
        by_day.setdefault(_local(appointment.starts_at).date(), []).append(appointment)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="appointment_calendar",
        object_id=person.pk,
        jobcenter=jobcenter,
        subject=person,
        detail=f"{view} {days[0].isoformat()} n={len(appointments)}",
    )
    step = timedelta(days=7 if view == WEEK else 1)
    people = [(p, advisor_label(p)) for p in advisors_for(jobcenter)] if can_configure else []

    def link(**changes: Any) -> str:
        params: dict[str, Any] = {"tag": day.isoformat(), "ansicht": view}
        if person != user:
            params["person"] = person.pk
        params.update(changes)
        return "?" + urlencode(params)

    return render(
        request,
        "appointments/staff_calendar.html",
        {
            "person": person,
            "is_self": person == user,
            "view": view,
            "day": day,
            "days": [CalendarDay(d, by_day[d]) for d in days],
            "count": len(appointments),
            "today": timezone.localdate(),
            "prev_url": link(tag=(day - step).isoformat()),
            "next_url": link(tag=(day + step).isoformat()),
            "today_url": link(tag=timezone.localdate().isoformat()),
            "day_url": link(ansicht=DAY),
            "week_url": link(ansicht=WEEK),
            "can_configure": can_configure,
            "people": people,
            "person_listed": any(p == person for p, _label in people),
            # Reception (issue 21): call the next person in the waiting room from here.
            "reception_desks": list(desks_of(jobcenter, active_only=True)),
            "reception_desk": str(request.session.get("reception_desk", "")),
        },
    )


# --- Invitations -----------------------------------------------------------------------


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_OWN)
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest, jc: str) -> HttpResponse:
    """Choose a customer, then invite them (§ 59 SGB II) to a date and time."""
    jobcenter, user = _jc(request), _user(request)
    query = request.GET.get("q", "").strip()[:100]
    raw_customer = request.GET.get("kunde")
    customer: CustomerProfile | None = None
    if raw_customer:
        customer = get_customer_for(jobcenter, parse_pk(raw_customer))
    elif request.method == "POST":
        raise BadRequest(_("Bitte wählen Sie zuerst eine Kundin oder einen Kunden."))
    types = AppointmentType.objects.filter(jobcenter=jobcenter, is_active=True).order_by("name")
    offices = offices_of(jobcenter)
    # The customer's requests for another date: the invitation answers one by default
    # (``?ersetzt=<pk>`` from the appointment page picks which), so it is not a second
    # appointment beside the one to be moved.
    pending = (
        appointments_of_jobcenter(jobcenter)
        .filter(customer=customer, status=Status.CHANGE_REQUESTED)
        .order_by("-change_requested_at")
        if customer is not None
        else None
    )
    wanted = request.GET.get("ersetzt", "")
    chosen = (
        pending.filter(pk=int(wanted)).first()
        if pending is not None and wanted.isdigit() and len(wanted) < 18
        else None
    )
    if chosen is None and pending is not None:
        chosen = pending.first()
    form = InviteForm(
        request.POST or None,
        initial={
            "staff": chosen.staff_id if chosen else user.pk,
            "channel": chosen.channel if chosen else Channel.IN_PERSON,
            "office": chosen.office if chosen and chosen.office else offices.first(),
            "appt_type": chosen.type if chosen else types.first(),
            "replaces": chosen,
        },
        types=types,
        staff=advisors_for(jobcenter),
        offices=offices,
        pending=pending,
    )
    status, alternatives, concerns = 200, [], []
    if request.method == "POST":
        assert customer is not None  # noqa: S101
        answered = _answered_already(jobcenter, customer, request.POST.get("replaces", ""))
        if answered is not None:
            # A second submit (or a colleague was quicker): the appointment moved once.
            messages.info(
                request,
                _(
                    "Diese Bitte um einen anderen Termin ist schon beantwortet. Hier ist der Termin."
                ),
            )
            return redirect("staff:appointment", jc=jc, pk=answered.pk)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = services.appointment_invite(
                    request=request,
                    actor=user,
                    customer=customer,
                    appt_type=data["appt_type"],
                    staff=data["staff"],
                    starts_at=data["starts_at"],
                    channel=data["channel"],
                    office_id=data["office"].pk if data["office"] else None,
                    note=data["note"],
                    replaces=data.get("replaces"),
                    override_reason=data["override_reason"],
                )
            except AppointmentError as exc:
                _add_service_error(form, exc)
                status, alternatives = _status_for(exc), _alternatives(exc)
                concerns = _concerns(exc)
            else:
                messages.success(
                    request,
                    _("Die Einladung wurde verschickt. Der bisherige Termin ist verschoben.")
                    if data.get("replaces")
                    else _("Die Einladung wurde verschickt."),
                )
                return redirect("staff:appointment", jc=jc, pk=appointment.pk)
    results: list[CustomerProfile] = []
    if customer is None and query:
        results = list(customers_of(jobcenter, query)[:SEARCH_LIMIT])
        audit(
            request=request,
            action=AuditAction.READ,
            object_type="customer_list",
            jobcenter=jobcenter,
            detail=f"appointment invite q={query[:80]} n={len(results)}",
        )
    if customer is not None:
        audit(
            request=request,
            action=AuditAction.READ,
            object_type="customer_profile",
            object_id=customer.pk,
            jobcenter=jobcenter,
            subject=customer.user,
            detail="appointment invite",
        )
    return render(
        request,
        "appointments/staff_invite.html",
        {
            "customer": customer,
            "query": query,
            "results": results,
            "search_limit": SEARCH_LIMIT,
            "form": form,
            "types": list(types),
            "alternatives": alternatives,
            "concerns": concerns,
            "legal_notice": list(notice_paragraphs(situation_of(customer)))
            if customer is not None
            else [],
        },
        status=status,
    )


def _answered_already(
    jobcenter: Jobcenter, customer: CustomerProfile, raw: str
) -> Appointment | None:
    """The customer's appointment named by ``replaces`` if its move request was answered."""
    if not raw.isdigit() or len(raw) > 18:
        return None
    return (
        appointments_of_jobcenter(jobcenter)
        .filter(customer=customer, pk=int(raw), moves__answered_request=True)
        .exclude(status=Status.CHANGE_REQUESTED)
        .first()
    )


# --- One appointment -------------------------------------------------------------------


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_OWN)
@require_http_methods(["GET", "POST"])
def appointment(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    """Details, the customer's reply, and reschedule / cancel / mark attended or missed."""
    jobcenter, user = _jc(request), _user(request)
    appt = get_appointment_for_staff(jobcenter, pk)
    local_start = _local(appt.starts_at)
    reschedule_form = RescheduleForm(
        prefix="reschedule", initial={"day": local_start.date(), "at": local_start.time()}
    )
    cancel_form = CancelForm(prefix="cancel")
    status, action_error, alternatives, concerns = 200, "", [], []
    if request.method == "POST":
        action = request.POST.get("action", "")
        status = 400
        try:
            if action == "reschedule":
                reschedule_form = RescheduleForm(request.POST, prefix="reschedule")
                if reschedule_form.is_valid():
                    services.appointment_reschedule(
                        request=request,
                        actor=user,
                        appointment=appt,
                        starts_at=reschedule_form.cleaned_data["starts_at"],
                        override_reason=reschedule_form.cleaned_data["override_reason"],
                    )
                    messages.success(request, _("Der Termin wurde verschoben."))
                    return redirect("staff:appointment", jc=jc, pk=pk)
            elif action == "cancel":
                cancel_form = CancelForm(request.POST, prefix="cancel")
                if cancel_form.is_valid():
                    services.appointment_cancel(
                        request=request,
                        actor=user,
                        appointment=appt,
                        message=cancel_form.cleaned_data["message"],
                    )
                    messages.success(request, _("Der Termin wurde abgesagt."))
                    return redirect("staff:appointment", jc=jc, pk=pk)
            elif action in ("attended", "missed"):
                services.appointment_mark(
                    request=request, actor=user, appointment=appt, attended=action == "attended"
                )
                messages.success(request, _("Der Termin wurde vermerkt."))
                return redirect("staff:appointment", jc=jc, pk=pk)
            else:
                action_error = _("Diese Aktion gibt es nicht.")
        except AppointmentError as exc:
            status, alternatives = _status_for(exc), _alternatives(exc)
            concerns = _concerns(exc)
            target = {"reschedule": reschedule_form, "cancel": cancel_form}.get(action)
            if target is not None and exc.field in target.fields:
                target.add_error(exc.field, exc.message)
            else:
                # Shown at the top: the form may be hidden once the appointment is over.
                action_error = exc.message
        # A refused change leaves the appointment as it was; show that state.
        appt = get_appointment_for_staff(jobcenter, pk)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="appointment",
        object_id=appt.pk,
        jobcenter=jobcenter,
        subject=appt.customer.user,
    )
    now = timezone.now()
    return render(
        request,
        "appointments/staff_appointment.html",
        {
            "appointment": appt,
            "reschedule_form": reschedule_form,
            "cancel_form": cancel_form,
            "action_error": action_error,
            "alternatives": alternatives,
            "concerns": concerns,
            "moves": list(appt.moves.select_related("moved_by")),
            "can_change": appt.is_active,
            "can_mark": appt.starts_at <= now and appt.status != Status.CANCELLED,
            "is_past": appt.starts_at <= now,
            "documents_on": appt.proof_id is not None and proof_upload_available(jobcenter),
        },
        status=status,
    )
