"""Customer pages of the appointments module: my appointments, answering an invitation,
"Ich kann den Termin nicht wahrnehmen", .ics download and the private feed.

Every view is guarded by the module switch and the customer gate; appointments are
looked up only through ``selectors.get_appointment_for_customer`` (404 for "not yours"),
and every change goes through ``services``. Booking (type, slot) is in
``views_customer_booking``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openjobcenter.appointments.calendar import (
    calendar_feed_by_token,
    calendar_feed_renew,
    calendar_feed_revoke,
    ics_for,
)
from openjobcenter.appointments.forms_customer import (
    CannotComeForm,
    Wish,
)
from openjobcenter.appointments.legal_notice import notice_paragraphs, situation_of
from openjobcenter.appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    CalendarFeed,
    Channel,
    Status,
    feed_token_hash,
)
from openjobcenter.appointments.proof import proof_later_url, proof_upload_available
from openjobcenter.appointments.selectors import (
    appointments_of_customer,
    get_appointment_for_customer,
)
from openjobcenter.appointments.services import (
    AppointmentError,
    appointment_confirm,
    appointment_request_change,
)
from openjobcenter.appointments.slots import BERLIN
from openjobcenter.core.access import (
    customer_required,
    request_customer,
    request_jobcenter,
    request_user,
)
from openjobcenter.tenants.modules import require_module

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.tenants.models import Office

MODULE = "appointments"
PAGE_DAYS = 14  # the booking page shows two weeks at a time
EARLIER_LIMIT = 50
FEED_PAST_DAYS = 30
DAY_PARAM = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FEED_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
OSM_SEARCH = "https://www.openstreetmap.org/search?"


_customer, _jobcenter, _user = request_customer, request_jobcenter, request_user


def map_url(office: Office) -> str:
    """An OpenStreetMap search for the office's address (a plain link, nothing embedded)."""
    return OSM_SEARCH + urlencode({"query": f"{office.street}, {office.postcode} {office.city}"})


@dataclass(frozen=True)
class Card:
    """One appointment as the customer sees it, with what they can do about it."""

    appointment: Appointment
    # Made by staff (§ 59 SGB II): the legal notice applies, also once confirmed.
    is_invitation: bool
    is_open_invitation: bool
    can_change: bool
    map_url: str | None
    # The customer told us they cannot come (reason kept on the appointment).
    change_sent: bool
    # "Ich kann den Termin nicht wahrnehmen" is offered: not once it was said already
    # (cancelled, or another date asked for), nor for cancelled or past appointments.
    can_say_cannot_come: bool = False


def _card(appointment: Appointment, customer: CustomerProfile, now: datetime) -> Card:
    office = appointment.office
    in_person = appointment.channel == Channel.IN_PERSON and office is not None
    can_change = appointment.is_active and appointment.starts_at > now
    return Card(
        appointment=appointment,
        is_invitation=appointment.created_by_id != customer.user_id,
        is_open_invitation=appointment.status == Status.INVITED and can_change,
        can_change=can_change,
        map_url=map_url(office) if in_person and office is not None else None,
        change_sent=bool(appointment.change_reason)
        and appointment.status in (Status.CHANGE_REQUESTED, Status.CANCELLED),
        can_say_cannot_come=can_change and appointment.status in CANNOT_COME_STATUSES,
    )


# Where "Ich kann den Termin nicht wahrnehmen" still means something.
CANNOT_COME_STATUSES = (Status.BOOKED, Status.INVITED, Status.CONFIRMED)


def what_happened(appointment: Appointment, now: datetime) -> str:
    """One sentence for a stale link: why this appointment cannot be changed any more."""
    if appointment.status == Status.CANCELLED:
        if appointment.cancelled_by == "customer":
            return _("Sie haben diesen Termin bereits abgesagt. Ihre Absage ist angekommen.")
        return _("Ihr Jobcenter hat diesen Termin abgesagt. Sie müssen nichts mehr tun.")
    if appointment.status == Status.CHANGE_REQUESTED:
        return _(
            "Sie haben bereits um einen anderen Termin gebeten. Ihre Ansprechperson meldet "
            "sich mit einem neuen Termin bei Ihnen."
        )
    if appointment.status in (Status.ATTENDED, Status.MISSED) or appointment.ends_at <= now:
        return _("Dieser Termin ist vorbei. Er kann nicht mehr geändert werden.")
    if appointment.starts_at <= now:
        return _("Dieser Termin hat schon begonnen. Er kann nicht mehr geändert werden.")
    return _("Dieser Termin kann nicht mehr geändert werden. Bitte rufen Sie Ihr Jobcenter an.")


# --- My appointments ------------------------------------------------------------------------


@require_module(MODULE)
@customer_required
@require_GET
def appointments(request: HttpRequest, jc: str) -> HttpResponse:
    customer = _customer(request)
    now = timezone.now()
    mine = appointments_of_customer(customer)
    upcoming = [
        _card(a, customer, now) for a in mine.filter(status__in=ACTIVE_STATUSES, ends_at__gt=now)
    ]
    earlier = [
        _card(a, customer, now)
        for a in mine.filter(Q(ends_at__lte=now) | ~Q(status__in=ACTIVE_STATUSES)).order_by(
            "-starts_at"
        )[:EARLIER_LIMIT]
    ]
    invitations = [c for c in upcoming if c.is_open_invitation]
    return render(
        request,
        "appointments/customer_appointments.html",
        {
            "invitations": invitations,
            "upcoming": [c for c in upcoming if not c.is_open_invitation],
            "earlier": earlier,
            "customer": customer,
            "legal_notice": notice_paragraphs(situation_of(customer)) if invitations else [],
        },
    )


# --- One appointment -------------------------------------------------------------------------


def _notice_for(card: Card, customer: CustomerProfile) -> list[Any]:
    """The legal notice for this person's situation, only where one applies."""
    if not (card.is_invitation and card.appointment.is_active):
        return []
    return list(notice_paragraphs(situation_of(customer)))


def _render_detail(
    request: HttpRequest, appointment: Appointment, *, status: int = 200
) -> HttpResponse:
    customer = _customer(request)
    card = _card(appointment, customer, timezone.now())
    return render(
        request,
        "appointments/customer_appointment.html",
        {
            "card": card,
            "a": appointment,
            "customer": customer,
            "documents_on": appointment.proof_id is not None
            and proof_upload_available(customer.jobcenter),
            # Where a proof can still go: the upload of the documents module when the
            # cannot-come form offered one, else post or reception (proof.py).
            "proof_later_url": proof_later_url(customer.jobcenter),
            "legal_notice": _notice_for(card, customer),
        },
        status=status,
    )


@require_module(MODULE)
@customer_required
@require_GET
def appointment(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    return _render_detail(request, get_appointment_for_customer(_customer(request), pk))


@require_module(MODULE)
@customer_required
@require_POST
def confirm(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = _customer(request)
    found = get_appointment_for_customer(customer, pk)
    if found.status == Status.CONFIRMED:
        # A second tap on "Bestätigen" (or an old tab): already done, nothing to write.
        messages.info(request, _("Sie haben diesen Termin schon bestätigt."))
        return redirect("customer:appointment", jc=jc, pk=pk)
    if found.status != Status.INVITED:
        # A stale link: say what happened instead of an error page.
        messages.info(
            request,
            _("Dieser Termin ist schon gebucht. Sie müssen ihn nicht bestätigen.")
            if found.status == Status.BOOKED
            else what_happened(found, timezone.now()),
        )
        return _render_detail(request, found, status=409)
    try:
        appointment_confirm(request=request, customer=customer, appointment=found)
    except AppointmentError as exc:
        messages.error(request, exc.message)
        return _render_detail(request, found, status=400)
    messages.success(request, _("Danke. Sie haben den Termin bestätigt."))
    return redirect("customer:appointment", jc=jc, pk=pk)


@require_module(MODULE)
@customer_required
@require_http_methods(["GET", "POST"])
def cannot_come(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    customer = _customer(request)
    found = get_appointment_for_customer(customer, pk)
    now = timezone.now()
    card = _card(found, customer, now)
    if not card.can_say_cannot_come:
        # Already said, cancelled, or over: a stale link or a second tap on "senden".
        # Say what happened; a repeated POST stores nothing and is not an error.
        if request.method == "POST" and card.change_sent and found.cancelled_by != "staff":
            messages.info(request, _("Ihre Nachricht ist schon angekommen."))
            return redirect("customer:appointment", jc=jc, pk=pk)
        return render(
            request,
            "appointments/customer_cannot_come.html",
            {"card": card, "a": found, "stale": what_happened(found, now)},
            status=409 if request.method == "POST" else 200,
        )
    with_proof = proof_upload_available(customer.jobcenter)
    form = CannotComeForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        with_proof=with_proof,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            cancel = form.cleaned_data["wish"] == Wish.CANCEL
            try:
                appointment_request_change(
                    request=request,
                    customer=customer,
                    appointment=found,
                    reason=form.cleaned_data["reason"],
                    message=form.cleaned_data["message"],
                    cancel=cancel,
                    proof=form.cleaned_data.get("proof") or None,
                )
            except AppointmentError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("Ihre Absage ist angekommen. Ihre Ansprechperson weiß Bescheid.")
                    if cancel
                    else _(
                        "Ihre Nachricht ist angekommen. Ihre Ansprechperson meldet sich "
                        "mit einem neuen Termin bei Ihnen."
                    ),
                )
                return redirect("customer:appointment", jc=jc, pk=pk)
    return render(
        request,
        "appointments/customer_cannot_come.html",
        {
            "card": card,
            "a": found,
            "form": form,
            "with_proof": with_proof,
            "legal_notice": _notice_for(card, customer),
        },
        status=status,
    )


@require_module(MODULE)
@customer_required
@require_GET
def ics_download(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    found = get_appointment_for_customer(_customer(request), pk)
    day = timezone.localtime(found.starts_at, BERLIN).date()
    response = HttpResponse(ics_for([found]), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="termin-{day.isoformat()}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- Calendar feed -----------------------------------------------------------------------------


# The plain token of a just-made feed, kept in the session until the next page view shows
# the address once; afterwards only its hash exists (models.CalendarFeed).
FRESH_FEED_TOKEN = "appointments.fresh_feed_token"  # noqa: S105 (a session key)


def _feed_of(customer: CustomerProfile) -> CalendarFeed | None:
    # The customer's own feed: scoped by the customer the gate resolved.
    return CalendarFeed.objects.filter(customer=customer).first()


@require_module(MODULE)
@customer_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request: HttpRequest, jc: str) -> HttpResponse:
    customer = _customer(request)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "renew":
            had_feed = _feed_of(customer) is not None
            request.session[FRESH_FEED_TOKEN] = calendar_feed_renew(customer=customer)
            messages.success(
                request,
                _("Sie haben einen neuen Link. Der alte Link funktioniert nicht mehr.")
                if had_feed
                else _("Ihr Kalender-Link ist fertig."),
            )
        elif action == "revoke":
            request.session.pop(FRESH_FEED_TOKEN, None)
            calendar_feed_revoke(customer=customer)
            messages.success(
                request, _("Der Kalender-Link ist gelöscht. Er funktioniert nicht mehr.")
            )
        else:
            return render(request, "web/400.html", status=400)
        return redirect("customer:calendar_feed", jc=jc)
    feed_obj = _feed_of(customer)
    # Shown once: a reload, or a visit later, finds only the hash and offers a new link.
    fresh = request.session.pop(FRESH_FEED_TOKEN, None)
    feed_url = (
        request.build_absolute_uri(
            reverse("tenant:calendar_feed_ics", kwargs={"jc": jc, "token": fresh})
        )
        if feed_obj is not None
        and isinstance(fresh, str)
        and feed_token_hash(fresh) == feed_obj.token_hash
        else None
    )
    return render(
        request,
        "appointments/customer_calendar_feed.html",
        {
            "feed": feed_obj,
            "feed_url": feed_url,
            "webcal_url": re.sub(r"^https?://", "webcal://", feed_url) if feed_url else None,
        },
    )


@require_module(MODULE)
@require_GET
def feed(request: HttpRequest, jc: str, token: str) -> HttpResponse:
    """The private feed: the token is the only credential, so unknown = 404."""
    if not FEED_TOKEN.match(token):
        raise Http404
    found = calendar_feed_by_token(token=token, jobcenter_id=_jobcenter(request).pk)
    if found is None:
        raise Http404
    since = timezone.now() - timedelta(days=FEED_PAST_DAYS)
    # Cancelled ones are left out: a calendar app removes what disappears from the feed.
    items = (
        appointments_of_customer(found.customer)
        .select_related("jobcenter")
        .filter(starts_at__gte=since)
        .exclude(status=Status.CANCELLED)
    )
    response = HttpResponse(ics_for(items), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="jobcenter-termine.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
