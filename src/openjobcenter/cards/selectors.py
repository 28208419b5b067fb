"""Reads of a customer's card: the card as the customer sees it, and when the wallet pass
last changed (the card's own changes and the customer's appointments)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Max, Q
from django.http import Http404
from django.utils import timezone

from openjobcenter.cards.models import CardStatus, CustomerCard, WalletSettings
from openjobcenter.cards.services import card_issue, current_card

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.appointments.models import Appointment
    from openjobcenter.tenants.models import Jobcenter


@dataclass(frozen=True)
class CardView:
    card: CustomerCard
    next_appointment: Appointment | None
    modified: datetime


def own_card(customer: CustomerProfile) -> CustomerCard:
    """The customer's current card. A customer with a customer number gets one now if the
    linking happened before cards existed; without a number there is no card (404)."""
    card = current_card(customer)
    if card is not None:
        return card
    if not customer.customer_number:
        raise Http404
    return card_issue(customer=customer, actor=customer.user)


def next_appointment(customer: CustomerProfile) -> Appointment | None:
    from openjobcenter.appointments.models import ACTIVE_STATUSES, Appointment

    return (
        Appointment.objects.filter(
            customer=customer,
            jobcenter_id=customer.jobcenter_id,
            status__in=ACTIVE_STATUSES,
            ends_at__gte=timezone.now(),
        )
        .select_related("type", "office")
        .order_by("starts_at")
        .first()
    )


def appointments_changed_at(customer_id: int) -> datetime | None:
    from openjobcenter.appointments.models import Appointment

    result = Appointment.objects.filter(customer_id=customer_id).aggregate(m=Max("updated_at"))
    value: datetime | None = result["m"]
    return value


def pass_modified(card: CustomerCard) -> datetime:
    """When anything the pass shows last changed, to the second (HTTP dates have no
    fractions)."""
    return pass_modified_exact(card).replace(microsecond=0)


def pass_modified_exact(card: CustomerCard) -> datetime:
    """When anything the pass shows last changed (the PassKit "updated since" tag)."""
    modified = card.pass_updated_at
    if card.show_next_appointment and card.status == CardStatus.ACTIVE:
        changed = appointments_changed_at(card.customer_id)
        if changed is not None and changed > modified:
            modified = changed
    return modified


def card_view(customer: CustomerProfile) -> CardView:
    card = own_card(customer)
    appointment = (
        next_appointment(customer)
        if card.show_next_appointment and card.status == CardStatus.ACTIVE
        else None
    )
    return CardView(card=card, next_appointment=appointment, modified=pass_modified(card))


def wallet_settings(jobcenter: Jobcenter) -> WalletSettings | None:
    return WalletSettings.objects.filter(jobcenter=jobcenter).first()


def card_by_serial(serial: str, auth_token: str) -> CustomerCard | None:
    """The card whose pass has ``serial`` and ``auth_token`` (PassKit web service), else
    None: a wrong token and an unknown serial are answered alike."""
    import hmac
    import uuid

    from openjobcenter.cards.models import hash_token

    try:
        serial_uuid = uuid.UUID(serial)
    except (ValueError, AttributeError, TypeError):
        return None
    card = (
        CustomerCard.objects.select_related("customer__user", "jobcenter")
        .filter(pass_serial=serial_uuid)
        .first()
    )
    if card is None or not hmac.compare_digest(card.pass_auth_hash, hash_token(auth_token)):
        return None
    return card


def cards_updated_since(*, device_library_id: str, since: datetime | None) -> list[CustomerCard]:
    cards = CustomerCard.objects.filter(devices__device_library_id=device_library_id)
    if since is None:
        return list(cards)
    from openjobcenter.appointments.models import Appointment

    touched = Appointment.objects.filter(updated_at__gt=since).values("customer_id")
    return list(
        cards.filter(
            Q(pass_updated_at__gt=since)
            | Q(show_next_appointment=True, status="active", customer_id__in=touched)
        ).distinct()
    )
