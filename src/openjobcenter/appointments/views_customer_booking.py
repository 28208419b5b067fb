"""Customer booking pages of the appointments module under ``/<jc>/mein-bereich/termine/``.

Choosing a self-bookable appointment type, then a free slot from a two-week page grouped
by day (Berlin wall-clock time), and booking it; a slot taken meanwhile sends the
customer back to the page with a message. Guarded by the module switch and the customer
gate; every change goes through ``services``. My appointments, one appointment, "Ich
kann den Termin nicht wahrnehmen" and the calendar feed are in ``views_customer``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.appointments.forms_customer import SlotChoiceForm, slot_value
from openjobcenter.appointments.models import AppointmentType, Channel, WeeklyHours
from openjobcenter.appointments.selectors import (
    bookable_types,
    free_slots,
    get_type_for,
    staff_for_type,
    staff_members,
)
from openjobcenter.appointments.services import (
    AppointmentError,
    BookingRequest,
    SlotTaken,
    appointment_book,
)
from openjobcenter.appointments.slots import BERLIN, Slot
from openjobcenter.appointments.views_customer import MODULE
from openjobcenter.core.access import (
    customer_required,
    request_customer,
    request_jobcenter,
    request_user,
)
from openjobcenter.tenants.modules import require_module

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter, Office


PAGE_DAYS = 14  # the booking page shows two weeks at a time
DAY_PARAM = re.compile(r"^\d{4}-\d{2}-\d{2}$")


_customer, _jobcenter, _user = request_customer, request_jobcenter, request_user


# --- Booking ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    appt_type: AppointmentType
    # False when only one's own advisor can be booked and none is assigned yet.
    available: bool
    channels: list[str]


def channel_labels(appt_type: AppointmentType) -> list[str]:
    offered = set(appt_type.channels or [])
    return [str(c.label) for c in Channel if c.value in offered]


@require_module(MODULE)
@customer_required
@require_GET
def book_choose_type(request: HttpRequest, jc: str) -> HttpResponse:
    customer = _customer(request)
    has_advisor = customer.advisor_id is not None
    offers = [
        Offer(t, has_advisor or not t.own_advisor_only, channel_labels(t))
        for t in bookable_types(_jobcenter(request))
    ]
    return render(
        request,
        "appointments/customer_book_type.html",
        {"offers": offers, "missing_advisor": any(not o.available for o in offers)},
    )


@dataclass
class SlotOption:
    value: str
    slot: Slot
    staff_name: str
    office: Office | None
    checked: bool


@dataclass
class Day:
    day: date
    options: list[SlotOption] = field(default_factory=list)


def _local_midnight(day: date) -> datetime:
    # Midnight exists on every day in Berlin (the clocks change at 2 and 3 o'clock).
    return datetime.combine(day, time(0), tzinfo=BERLIN)


def _group_by_day(
    slots: list[Slot], jobcenter: Jobcenter, chosen: str | None
) -> tuple[list[Day], bool]:
    """Slots grouped by local day, with names; and whether staff or office differ."""
    staff_ids = {s.staff_id for s in slots}
    office_ids = {s.office_id for s in slots if s.office_id is not None}
    names = {u.pk: u.display_name for u in staff_members(jobcenter).filter(pk__in=staff_ids)}
    offices = {o.pk: o for o in jobcenter.offices.filter(pk__in=office_ids)}
    days: dict[date, Day] = {}
    for slot in slots:
        day = slot.starts_at.astimezone(BERLIN).date()
        value = slot_value(slot)
        days.setdefault(day, Day(day)).options.append(
            SlotOption(
                value=value,
                slot=slot,
                staff_name=names.get(slot.staff_id, ""),
                office=offices.get(slot.office_id) if slot.office_id is not None else None,
                checked=value == chosen,
            )
        )
    varied = len(staff_ids) > 1 or len(office_ids) > 1
    return list(days.values()), varied


def _page_start(raw: str | None, today: date, last_day: date) -> date:
    """The first day of the shown fortnight; ``ValueError`` if ``?von=`` is malformed."""
    if raw is None or raw == "":
        return today
    if not DAY_PARAM.match(raw):
        msg = "malformed day"
        raise ValueError(msg)
    day = date.fromisoformat(raw)
    return min(max(day, today), max(last_day, today))


def _book_url(
    jc: str, appt_type: AppointmentType, day: date | None = None, office_id: int | None = None
) -> str:
    url = reverse("customer:book_slot", kwargs={"jc": jc, "type_id": appt_type.pk})
    query: dict[str, str] = {}
    if day:
        query["von"] = day.isoformat()
    if office_id is not None:
        query["standort"] = str(office_id)
    return f"{url}?{urlencode(query)}" if query else url


def _offices_with_hours(jobcenter: Jobcenter, staff_ids: list[int]) -> list[Office]:
    """The offices where ``staff_ids`` hold consultation hours: what a customer can choose."""
    office_ids = (
        WeeklyHours.objects.filter(jobcenter=jobcenter, staff_id__in=staff_ids)
        .exclude(office__isnull=True)
        .values_list("office_id", flat=True)
    )
    return list(jobcenter.offices.filter(pk__in=office_ids).order_by("position", "name"))


def _page_query(
    request: HttpRequest, today: date, last_day: date, offices: list[Office]
) -> tuple[date, Office | None] | str:
    """``?von=`` and ``?standort=`` of the booking page, or which of them is bad."""
    try:
        start_day = _page_start(request.GET.get("von"), today, last_day)
    except ValueError:
        return "bad_day"
    try:
        return start_day, _chosen_office(request.GET.get("standort"), offices)
    except ValueError:
        return "bad_office"


def _at_office(found: list[Slot], office: Office | None) -> list[Slot]:
    return found if office is None else [s for s in found if s.office_id == office.pk]


def _chosen_office(raw: str | None, offices: list[Office]) -> Office | None:
    """``?standort=``: empty = all; ``ValueError`` for an office that is not offered."""
    if raw is None or raw == "":
        return None
    for office in offices:
        if raw == str(office.pk):
            return office
    msg = "unknown office"
    raise ValueError(msg)


@require_module(MODULE)
@customer_required
@require_http_methods(["GET", "POST"])
def book_choose_slot(request: HttpRequest, jc: str, type_id: int) -> HttpResponse:
    customer = _customer(request)
    jobcenter = _jobcenter(request)
    appt_type = get_type_for(jobcenter, type_id, self_bookable_only=True)
    staff_ids = staff_for_type(appt_type, customer)
    now = timezone.now()
    today = timezone.localtime(now, BERLIN).date()
    horizon_end = now + timedelta(days=appt_type.horizon_days)
    last_day = timezone.localtime(horizon_end, BERLIN).date()
    # A first appointment: the customer chooses where, when there is more than one office.
    office_choices = _offices_with_hours(jobcenter, staff_ids)
    parsed = _page_query(request, today, last_day, office_choices)
    if isinstance(parsed, str):
        return render(
            request,
            "appointments/customer_book_slot.html",
            {"appt_type": appt_type, parsed: True, "back_url": _book_url(jc, appt_type)},
            status=400,
        )
    start_day, office = parsed
    office_id = office.pk if office is not None else None

    form = SlotChoiceForm(request.POST or None, appt_type=appt_type)
    status = 200
    alternatives: list[Slot] | None = None
    if request.method == "POST":
        if not form.is_valid():
            status = 400
        else:
            starts_at, staff_id = form.cleaned_data["slot"]
            booking = BookingRequest(
                appt_type=appt_type,
                staff_id=staff_id,
                starts_at=starts_at,
                channel=form.cleaned_data["channel"],
            )
            try:
                appointment = appointment_book(
                    request=request, customer=customer, booking=booking, actor=_user(request)
                )
            except SlotTaken as exc:
                form.add_error("slot", exc.message)
                alternatives = exc.alternatives
                status = 409
            except AppointmentError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                status = 400
            else:
                messages.success(
                    request,
                    _("Ihr Termin ist gebucht. Sie bekommen eine Bestätigung per E-Mail."),
                )
                return redirect("customer:appointment", jc=jc, pk=appointment.pk)

    page_end_day = start_day + timedelta(days=PAGE_DAYS)
    if alternatives is not None:
        slots = _at_office(alternatives, office) or alternatives
    else:
        slots = _at_office(
            free_slots(
                appt_type=appt_type,
                staff_ids=staff_ids,
                now=now,
                start=_local_midnight(start_day),
                end=_local_midnight(page_end_day),
            ),
            office,
        )
    # The first free slot after this fortnight: "weitere Termine" only where there are
    # some, and a pointer to it when this fortnight is empty.
    next_free: Slot | None = None
    if alternatives is None and staff_ids and page_end_day <= last_day:
        later = _at_office(
            free_slots(
                appt_type=appt_type,
                staff_ids=staff_ids,
                now=now,
                start=_local_midnight(page_end_day),
            ),
            office,
        )
        next_free = later[0] if later else None
    chosen = form.data.get("slot") if form.is_bound else None
    days, varied = _group_by_day(slots, jobcenter, chosen)
    offices = {o.office.pk: o.office for d in days for o in d.options if o.office}
    prev_day = max(today, start_day - timedelta(days=PAGE_DAYS))
    return render(
        request,
        "appointments/customer_book_slot.html",
        {
            "appt_type": appt_type,
            "form": form,
            "days": days,
            "varied": varied,
            "single_office": next(iter(offices.values())) if len(offices) == 1 else None,
            "alternatives": alternatives is not None,
            "no_advisor": appt_type.own_advisor_only and customer.advisor_id is None,
            "no_staff": not staff_ids,
            "period_start": start_day,
            "period_end": min(page_end_day - timedelta(days=1), last_day),
            "next_url": _book_url(jc, appt_type, page_end_day, office_id) if next_free else "",
            "prev_url": _book_url(jc, appt_type, prev_day, office_id) if start_day > today else "",
            "next_free": next_free if not slots else None,
            "next_free_url": _book_url(
                jc, appt_type, next_free.starts_at.astimezone(BERLIN).date(), office_id
            )
            if next_free
            else "",
            "all_url": _book_url(jc, appt_type, None, office_id),
            "office_choices": [(o, _book_url(jc, appt_type, None, o.pk)) for o in office_choices]
            if len(office_choices) > 1
            else [],
            "office": office,
            "any_office_url": _book_url(jc, appt_type),
        },
        status=status,
    )
