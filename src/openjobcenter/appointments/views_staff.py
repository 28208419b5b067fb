"""Staff pages of the appointments module: calendar, invitations, one appointment,
reception check-in, consultation hours and absences, appointment types.

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
from django.db.models import Q, QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.accounts.selectors import customers_of, get_customer_for
from openjobcenter.appointments import services, services_config
from openjobcenter.appointments.forms_staff import (
    ABSENCE_KINDS,
    AbsenceForm,
    AppointmentTypeForm,
    CancelForm,
    InviteForm,
    RescheduleForm,
    WeeklyHoursForm,
)
from openjobcenter.appointments.models import (
    Absence,
    Appointment,
    AppointmentType,
    Channel,
    Status,
    WeeklyHours,
)
from openjobcenter.appointments.selectors import (
    appointments_of_jobcenter,
    get_appointment_for_staff,
    staff_members,
)
from openjobcenter.appointments.services import AppointmentError, SlotTaken
from openjobcenter.appointments.slots import BERLIN, Slot, local_to_utc
from openjobcenter.core.access import ROLE_PERMISSIONS, Perm, has_perm, staff_required
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants.models import Office
from openjobcenter.tenants.modules import require_module

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

MODULE = "appointments"
DAY, WEEK = "tag", "woche"
SEARCH_LIMIT = 20


# --- Request context and tenant-scoped lookups ------------------------------------------


def _jc(request: HttpRequest) -> Jobcenter:
    return request.jobcenter  # type: ignore[attr-defined,no-any-return]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _can_configure(request: HttpRequest) -> bool:
    return has_perm(request.staff_roles, Perm.APPOINTMENTS_CONFIGURE)  # type: ignore[attr-defined]


def _pk(raw: str | None) -> int:
    """A forged or malformed id is "not found", like an id of another job centre."""
    if not raw or not raw.isdigit() or len(raw) > 18:
        raise Http404
    return int(raw)


def _bookable_staff(jobcenter: Jobcenter) -> QuerySet[User]:
    """Staff of the job centre who hold appointments (not reception only)."""
    roles = [str(r) for r in ROLE_PERMISSIONS[Perm.APPOINTMENTS_OWN]]
    return (
        User.objects.filter(memberships__jobcenter=jobcenter, memberships__role__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def _get_staff_member(jobcenter: Jobcenter, raw: str | None) -> User:
    try:
        return staff_members(jobcenter).get(pk=_pk(raw))
    except User.DoesNotExist:
        raise Http404 from None


def _types_of(jobcenter: Jobcenter) -> QuerySet[AppointmentType]:
    return AppointmentType.objects.filter(jobcenter=jobcenter).order_by("-is_active", "name")


def _get_type(jobcenter: Jobcenter, pk: int) -> AppointmentType:
    try:
        return _types_of(jobcenter).get(pk=pk)
    except AppointmentType.DoesNotExist:
        raise Http404 from None


def _offices_of(jobcenter: Jobcenter) -> QuerySet[Office]:
    return Office.objects.filter(jobcenter=jobcenter).order_by("position", "name")


def _get_office(jobcenter: Jobcenter, raw: str | None) -> Office:
    try:
        return _offices_of(jobcenter).get(pk=_pk(raw))
    except Office.DoesNotExist:
        raise Http404 from None


def _get_hours(jobcenter: Jobcenter, raw: str | None) -> WeeklyHours:
    try:
        return WeeklyHours.objects.select_related("staff", "jobcenter").get(
            pk=_pk(raw), jobcenter=jobcenter
        )
    except WeeklyHours.DoesNotExist:
        raise Http404 from None


def _get_absence(jobcenter: Jobcenter, raw: str | None) -> Absence:
    try:
        return Absence.objects.select_related("staff", "jobcenter").get(
            pk=_pk(raw), jobcenter=jobcenter
        )
    except Absence.DoesNotExist:
        raise Http404 from None


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
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(_("Das Datum ist ungültig.")) from None


def _local(dt: datetime) -> datetime:
    return dt.astimezone(BERLIN)


def _add_service_error(form: BaseForm, exc: AppointmentError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _alternatives(exc: AppointmentError) -> list[Slot]:
    return exc.alternatives if isinstance(exc, SlotTaken) else []


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
        person = _get_staff_member(jobcenter, raw_person)
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
            "people": list(_bookable_staff(jobcenter)) if can_configure else [],
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
        customer = get_customer_for(jobcenter, _pk(raw_customer))
    elif request.method == "POST":
        raise BadRequest(_("Bitte wählen Sie zuerst eine Kundin oder einen Kunden."))
    types = AppointmentType.objects.filter(jobcenter=jobcenter, is_active=True).order_by("name")
    offices = _offices_of(jobcenter)
    form = InviteForm(
        request.POST or None,
        initial={
            "staff": user.pk,
            "channel": Channel.IN_PERSON,
            "office": offices.first(),
            "appt_type": types.first(),
        },
        types=types,
        staff=_bookable_staff(jobcenter),
        offices=offices,
    )
    status, alternatives = 200, []
    if request.method == "POST":
        assert customer is not None  # noqa: S101
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
                )
            except AppointmentError as exc:
                _add_service_error(form, exc)
                status, alternatives = _status_for(exc), _alternatives(exc)
            else:
                messages.success(request, _("Die Einladung wurde verschickt."))
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
        },
        status=status,
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
    status, action_error, alternatives = 200, "", []
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
            "can_change": appt.is_active,
            "can_mark": appt.starts_at <= now and appt.status != Status.CANCELLED,
            "is_past": appt.starts_at <= now,
        },
        status=status,
    )


# --- Reception -------------------------------------------------------------------------


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_RECEPTION)
@require_http_methods(["GET", "POST"])
def reception(request: HttpRequest, jc: str) -> HttpResponse:
    """Today's appointments on site, with a check-in that tells the advisor."""
    jobcenter, user = _jc(request), _user(request)
    offices = list(_offices_of(jobcenter))
    raw_office = request.GET.get("standort", "")
    office = _get_office(jobcenter, raw_office) if raw_office else None
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
        appt = get_appointment_for_staff(jobcenter, _pk(request.POST.get("appointment")))
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


# --- Consultation hours and absences ---------------------------------------------------


def _may_edit(request: HttpRequest, staff: User | None) -> bool:
    """Own rows for everyone with a calendar; others' and job-centre-wide ones for leads."""
    return _can_configure(request) or (staff is not None and staff.pk == request.user.pk)


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_OWN)
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = _jc(request), _user(request)
    can_configure = _can_configure(request)
    person = user
    raw_person = request.GET.get("person", "")
    if raw_person and raw_person != str(user.pk):
        if not can_configure:
            raise PermissionDenied
        person = _get_staff_member(jobcenter, raw_person)
    offices = _offices_of(jobcenter)
    hours_form = WeeklyHoursForm(prefix="hours", offices=offices)
    absence_form = AbsenceForm(prefix="absence", allow_everyone=can_configure)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        status = 400
        try:
            if action == "add_hours":
                hours_form = WeeklyHoursForm(request.POST, prefix="hours", offices=offices)
                if hours_form.is_valid():
                    data = hours_form.cleaned_data
                    services_config.weekly_hours_add(
                        request=request,
                        actor=user,
                        jobcenter=jobcenter,
                        staff=person,
                        office=data["office"],
                        weekday=data["weekday"],
                        start=data["start"],
                        end=data["end"],
                    )
                    messages.success(request, _("Die Sprechzeit wurde hinzugefügt."))
                    return redirect(request.get_full_path())
            elif action == "add_absence":
                absence_form = AbsenceForm(
                    request.POST, prefix="absence", allow_everyone=can_configure
                )
                if absence_form.is_valid():
                    data = absence_form.cleaned_data
                    services_config.absence_add(
                        request=request,
                        actor=user,
                        jobcenter=jobcenter,
                        staff=None if data.get("everyone") else person,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        reason=data["kind"],
                    )
                    messages.success(request, _("Die Abwesenheit wurde eingetragen."))
                    return redirect(request.get_full_path())
            elif action == "delete_hours":
                row = _get_hours(jobcenter, request.POST.get("row"))
                if not _may_edit(request, row.staff):
                    raise PermissionDenied
                services_config.weekly_hours_delete(request=request, actor=user, hours=row)
                messages.success(request, _("Die Sprechzeit wurde gelöscht."))
                return redirect(request.get_full_path())
            elif action == "delete_absence":
                absence = _get_absence(jobcenter, request.POST.get("row"))
                if not _may_edit(request, absence.staff):
                    raise PermissionDenied
                services_config.absence_delete(request=request, actor=user, absence=absence)
                messages.success(request, _("Die Abwesenheit wurde gelöscht."))
                return redirect(request.get_full_path())
            else:
                raise BadRequest(_("Diese Aktion gibt es nicht."))
        except AppointmentError as exc:
            _add_service_error(hours_form if action == "add_hours" else absence_form, exc)
    weekly = WeeklyHours.objects.filter(jobcenter=jobcenter, staff=person).select_related("office")
    absences = (
        Absence.objects.filter(jobcenter=jobcenter, ends_at__gt=timezone.now())
        .filter(Q(staff=person) | Q(staff__isnull=True))
        .select_related("staff")
        .order_by("starts_at")
    )
    return render(
        request,
        "appointments/staff_hours.html",
        {
            "person": person,
            "is_self": person == user,
            "weekly": list(weekly),
            "absences": [(a, ABSENCE_KINDS.get(a.reason, a.reason)) for a in absences],
            "hours_form": hours_form,
            "absence_form": absence_form,
            "can_configure": can_configure,
            "people": list(_bookable_staff(jobcenter)) if can_configure else [],
        },
        status=status,
    )


# --- Appointment types -----------------------------------------------------------------


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_CONFIGURE)
@require_GET
def types(request: HttpRequest, jc: str) -> HttpResponse:
    rows = [
        (t, [Channel(c).label for c in (t.channels or []) if c in Channel.values])
        for t in _types_of(_jc(request))
    ]
    return render(request, "appointments/staff_types.html", {"rows": rows})


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_CONFIGURE)
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, jc: str, type_id: int | None = None) -> HttpResponse:
    jobcenter, user = _jc(request), _user(request)
    appt_type = _get_type(jobcenter, type_id) if type_id is not None else None
    initial = (
        {f: getattr(appt_type, f) for f in services_config.TYPE_FIELDS}
        if appt_type is not None
        else {"channels": [Channel.IN_PERSON.value]}
    )
    # The form never saves: it validates, and the service writes.
    form = AppointmentTypeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in services_config.TYPE_FIELDS}
            try:
                services_config.appointment_type_save(
                    request=request,
                    actor=user,
                    jobcenter=jobcenter,
                    appt_type=appt_type,
                    data=data,
                )
            except AppointmentError as exc:
                _add_service_error(form, exc)
            else:
                messages.success(request, _("Die Terminart wurde gespeichert."))
                return redirect(reverse("staff:appointment_types", kwargs={"jc": jc}))
    return render(
        request,
        "appointments/staff_type_edit.html",
        {"form": form, "appt_type": appt_type},
        status=status,
    )
