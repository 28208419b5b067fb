"""Every write of the reception module: scans (audited reads), check-in and walk-in
tickets, calls; configuration in ``services_config``.

Keyword-only, atomic; audit entries in the same transaction, pushes after the commit.
A refusal raises ``ReceptionError`` before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments.models import Appointment
from openjobcenter.appointments.services import AppointmentError, appointment_check_in
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed
from openjobcenter.reception import ratelimit, realtime, selectors
from openjobcenter.reception.lookup import Outcome, identify
from openjobcenter.reception.models import Desk, Ticket, TicketStatus, WaitingArea
from openjobcenter.tenants.models import Jobcenter

TOPIC_MAX = 120


class ReceptionError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


@dataclass
class ScanResult:
    outcome: Outcome
    customer: CustomerProfile | None = None
    appointments: list[Appointment] = field(default_factory=list)
    open_ticket: Ticket | None = None
    by_card: bool = False

    @property
    def message(self) -> str:
        if self.outcome == Outcome.MALFORMED:
            return _(
                "Dieser Code ist keine Kundenkarte und keine Kundennummer. "
                "Bitte scannen Sie den QR-Code auf der Kundenkarte oder geben Sie die "
                "Kundennummer ein."
            )
        if self.outcome == Outcome.UNKNOWN:
            return _(
                "Zu dieser Karte oder Kundennummer haben wir nichts gefunden. Die Karte ist "
                "vielleicht gesperrt oder durch eine neue ersetzt. Bitte fragen Sie nach der "
                "Kundennummer oder einem Ausweis."
            )
        return ""


def _audit(
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    action: AuditAction,
    object_type: str,
    *,
    object_id: int | str = "",
    subject: User | None = None,
    detail: str = "",
) -> None:
    audit(
        request=request,
        action=action,
        object_type=object_type,
        object_id=object_id,
        jobcenter=jobcenter,
        subject=subject,
        actor=actor,
        detail=detail,
    )


def reception_scan(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, raw: str, device: str
) -> ScanResult:
    """Who is this: a scanned card or a typed customer number, with today's appointments.

    Rate-limited per device (``ReceptionError`` code ``rate_limited``). Every scan is
    audited, found or not (the payload itself is never written down: it is a secret)."""
    if not ratelimit.scan_allowed(device=device):
        _audit(request, actor, jobcenter, AuditAction.READ, "reception_scan", detail="rate_limited")
        raise ReceptionError(
            _(
                "An diesem Gerät wurde in kurzer Zeit sehr oft gescannt. Bitte warten Sie "
                "eine Minute und versuchen Sie es dann noch einmal."
            ),
            code="rate_limited",
        )
    found = identify(jobcenter=jobcenter, raw=raw)
    via = "card" if found.by_card else "number"
    customer = found.customer
    if customer is None:
        _audit(
            request,
            actor,
            jobcenter,
            AuditAction.READ,
            "reception_scan",
            detail=f"{found.outcome} via={via}",
        )
        return ScanResult(found.outcome, by_card=found.by_card)
    _audit(
        request,
        actor,
        jobcenter,
        AuditAction.READ,
        "reception_scan",
        object_id=customer.pk,
        subject=customer.user,
        detail=f"found via={via}",
    )
    return ScanResult(
        Outcome.FOUND,
        customer=customer,
        appointments=list(selectors.todays_appointments(customer)),
        open_ticket=selectors.open_ticket_of(customer),
        by_card=found.by_card,
    )


def _area_for(jobcenter: Jobcenter, area: WaitingArea | None) -> WaitingArea:
    if area is not None:
        if area.jobcenter_id != jobcenter.pk or not area.active:
            raise ReceptionError(_("Bitte wählen Sie einen Wartebereich aus."), field="area")
        return area
    first = selectors.areas_of(jobcenter, active_only=True).first()
    if first is None:
        raise ReceptionError(
            _(
                "Es ist noch kein Wartebereich eingerichtet. Die Verwaltung Ihres Jobcenters "
                "legt ihn unter „Empfang einrichten“ an."
            ),
            code="no_area",
            field="area",
        )
    return first


def _new_ticket(
    *,
    actor: User,
    jobcenter: Jobcenter,
    area: WaitingArea,
    customer: CustomerProfile | None,
    appointment: Appointment | None,
    topic: str,
) -> Ticket:
    # The area's row lock orders concurrent tickets of one area: max + 1 is then exact,
    # and the unique constraint stays the guarantee.
    WaitingArea.objects.select_for_update().filter(pk=area.pk).first()
    day = timezone.localdate()
    last = Ticket.objects.filter(area=area, day=day).aggregate(n=Max("number"))["n"] or 0
    return Ticket.objects.create(
        jobcenter=jobcenter,
        area=area,
        day=day,
        number=last + 1,
        customer=customer,
        appointment=appointment,
        topic=topic,
        created_by=actor,
    )


def _changed(ticket: Ticket) -> None:
    if ticket.customer is not None:
        home_changed(ticket.customer.user_id)
    queue_changed(jobcenter_id=ticket.jobcenter_id, module="appointments")


@transaction.atomic
def ticket_check_in(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    customer: CustomerProfile,
    area: WaitingArea | None = None,
) -> Ticket:
    """Check the customer in for the next appointment of today and give a call number.

    Scanning twice gives the same ticket. Without an appointment on site today nothing is
    written (``code="no_appointment"``): reception hands out a walk-in ticket instead."""
    if customer.jobcenter_id != jobcenter.pk:
        raise ReceptionError(_("Zu dieser Karte oder Kundennummer haben wir nichts gefunden."))
    candidates = list(selectors.todays_appointments(customer).filter(ends_at__gt=timezone.now()))
    if not candidates:
        raise ReceptionError(
            _(
                "%(name)s hat heute keinen Termin vor Ort. Sie können eine Wartenummer für "
                "ein Anliegen ausgeben."
            )
            % {"name": customer.user.display_name},
            code="no_appointment",
        )
    appointment = next((a for a in candidates if a.checked_in_at is None), candidates[0])
    existing = Ticket.objects.filter(appointment=appointment).select_related("area").first()
    if existing is not None:
        return existing
    chosen = _area_for(jobcenter, area)
    try:
        appointment_check_in(request=request, actor=actor, appointment=appointment)
    except AppointmentError as exc:
        raise ReceptionError(exc.message, code="appointment") from None
    ticket = _new_ticket(
        actor=actor,
        jobcenter=jobcenter,
        area=chosen,
        customer=customer,
        appointment=appointment,
        topic=str(appointment.type.name),
    )
    _audit(
        request,
        actor,
        jobcenter,
        AuditAction.CREATE,
        "reception_ticket",
        object_id=ticket.pk,
        subject=customer.user,
        detail=f"check-in {ticket.call_number} appointment={appointment.pk}",
    )
    _changed(ticket)
    return ticket


@transaction.atomic
def ticket_walk_in(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    customer: CustomerProfile | None,
    topic: str,
    area: WaitingArea | None = None,
) -> Ticket:
    """A call number for someone without an appointment, for a topic ("Anliegen")."""
    topic = (topic or "").strip()
    if not topic:
        raise ReceptionError(_("Bitte geben Sie das Anliegen an."), field="topic")
    if len(topic) > TOPIC_MAX:
        raise ReceptionError(
            _("Das Anliegen darf höchstens %(n)s Zeichen lang sein.") % {"n": TOPIC_MAX},
            field="topic",
        )
    if customer is not None and customer.jobcenter_id != jobcenter.pk:
        raise ReceptionError(_("Zu dieser Karte oder Kundennummer haben wir nichts gefunden."))
    chosen = _area_for(jobcenter, area)
    ticket = _new_ticket(
        actor=actor,
        jobcenter=jobcenter,
        area=chosen,
        customer=customer,
        appointment=None,
        topic=topic,
    )
    _audit(
        request,
        actor,
        jobcenter,
        AuditAction.CREATE,
        "reception_ticket",
        object_id=ticket.pk,
        subject=customer.user if customer else None,
        detail=f"walk-in {ticket.call_number}",
    )
    _changed(ticket)
    return ticket


def _lock(ticket: Ticket) -> Ticket:
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("area", "desk", "customer")
        .get(pk=ticket.pk)
    )


def _call(
    request: HttpRequest | None, actor: User, ticket: Ticket, desk: Desk, note: str
) -> Ticket:
    ticket.status = TicketStatus.CALLED
    ticket.desk = desk
    ticket.call_count += 1
    ticket.called_at = timezone.now()
    ticket.save(update_fields=["status", "desk", "call_count", "called_at", "updated_at"])
    _audit(
        request,
        actor,
        ticket.jobcenter,
        AuditAction.UPDATE,
        "reception_ticket",
        object_id=ticket.pk,
        subject=ticket.customer.user if ticket.customer else None,
        detail=f"{note} {ticket.call_number} desk={desk.pk}",
    )
    realtime.call_pushed(ticket, selectors.call_data(ticket))
    _changed(ticket)
    return ticket


def _check_desk(ticket: Ticket, desk: Desk) -> None:
    if desk.jobcenter_id != ticket.jobcenter_id or not desk.active:
        raise ReceptionError(_("Bitte wählen Sie Ihren Platz aus."), field="desk")
    if desk.area_id != ticket.area_id:
        raise ReceptionError(
            _("Dieser Platz gehört nicht zum Wartebereich %(area)s.") % {"area": ticket.area.name},
            field="desk",
        )


@transaction.atomic
def ticket_call(*, request: HttpRequest | None, actor: User, ticket: Ticket, desk: Desk) -> Ticket:
    """Call a given ticket to ``desk`` (again, if it was called already)."""
    ticket = _lock(ticket)
    _check_desk(ticket, desk)
    if not ticket.is_open or ticket.day != timezone.localdate():
        raise ReceptionError(_("Diese Aufrufnummer ist nicht mehr offen."), code="closed")
    return _call(request, actor, ticket, desk, "recall" if ticket.call_count else "call")


@transaction.atomic
def ticket_call_next(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, desk: Desk
) -> Ticket:
    """Call the longest-waiting ticket of the desk's waiting area."""
    if desk.jobcenter_id != jobcenter.pk or not desk.active:
        raise ReceptionError(_("Bitte wählen Sie Ihren Platz aus."), field="desk")
    waiting = (
        Ticket.objects.select_for_update(skip_locked=True)
        .filter(area_id=desk.area_id, day=timezone.localdate(), status=TicketStatus.WAITING)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is None:
        raise ReceptionError(
            _("Im Wartebereich %(area)s wartet gerade niemand.") % {"area": desk.area.name},
            code="empty",
        )
    return _call(request, actor, _lock(waiting), desk, "call")


@transaction.atomic
def ticket_close(
    *, request: HttpRequest | None, actor: User, ticket: Ticket, no_show: bool
) -> Ticket:
    """The person was served ("erledigt") or did not come when called ("nicht erschienen")."""
    ticket = _lock(ticket)
    if not ticket.is_open:
        raise ReceptionError(_("Diese Aufrufnummer ist nicht mehr offen."), code="closed")
    if no_show and ticket.status != TicketStatus.CALLED:
        raise ReceptionError(
            _("Als nicht erschienen gilt nur, wer schon aufgerufen wurde."), code="not_called"
        )
    ticket.status = TicketStatus.NO_SHOW if no_show else TicketStatus.DONE
    ticket.save(update_fields=["status", "updated_at"])
    _audit(
        request,
        actor,
        ticket.jobcenter,
        AuditAction.UPDATE,
        "reception_ticket",
        object_id=ticket.pk,
        subject=ticket.customer.user if ticket.customer else None,
        detail=f"{ticket.status} {ticket.call_number}",
    )
    _changed(ticket)
    return ticket
