"""Every write to a customer card, and ``card_lookup``: the one way a scanned QR payload
becomes a card (the reception's contract).

``card_lookup(*, jobcenter, payload) -> CustomerCard | None``: ``None`` for anything that
is not exactly ``OJC1:`` + a token of an *active* card of *this* job centre: malformed,
unknown, blocked, replaced, another job centre's. It never raises on hostile input.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from openjobcenter.cards.models import (
    PAYLOAD_PREFIX,
    CardStatus,
    CustomerCard,
    hash_token,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.tenants.models import Jobcenter

# secrets.token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-].
_TOKEN_LEN = 43
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _new_card(customer: CustomerProfile) -> CustomerCard:
    token = secrets.token_urlsafe(32)
    auth = secrets.token_urlsafe(32)
    return CustomerCard.objects.create(
        jobcenter_id=customer.jobcenter_id,
        customer=customer,
        token_hash=hash_token(token),
        token_sealed=token,
        pass_auth_hash=hash_token(auth),
        pass_auth_sealed=auth,
    )


def current_card(customer: CustomerProfile) -> CustomerCard | None:
    card = (
        CustomerCard.objects.filter(
            customer=customer, status__in=(CardStatus.ACTIVE, CardStatus.BLOCKED)
        )
        .order_by("-pk")
        .first()
    )
    if card is not None:
        # The caller's profile, with the person it already holds: the card shows the name
        # (``card.customer.user``), which would otherwise read both rows again.
        card.customer = customer
    return card


@transaction.atomic
def card_issue(
    *,
    customer: CustomerProfile,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> CustomerCard:
    """The customer's current card; a new active one if they have none. Idempotent: a
    second call (or two at once) returns the same card."""
    existing = current_card(customer)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            card = _new_card(customer)
    except IntegrityError:
        # Issued at the same moment by another request: the constraint decided.
        again = current_card(customer)
        if again is None:
            raise
        return again
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="customer_card",
        object_id=card.pk,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        actor=actor,
        detail="issued",
    )
    return card


def _locked(card: CustomerCard) -> CustomerCard:
    return CustomerCard.objects.select_for_update().select_related("customer__user").get(pk=card.pk)


@transaction.atomic
def card_block(
    *, card: CustomerCard, actor: User, request: HttpRequest | None = None
) -> CustomerCard:
    """Block the card at once: its QR code finds nothing from now on. Blocking a blocked
    card changes nothing."""
    locked = _locked(card)
    if locked.status != CardStatus.ACTIVE:
        return locked
    now = timezone.now()
    locked.status = CardStatus.BLOCKED
    locked.blocked_at = now
    locked.pass_updated_at = now
    locked.save(update_fields=["status", "blocked_at", "pass_updated_at"])
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="customer_card",
        object_id=locked.pk,
        jobcenter=locked.customer.jobcenter,
        subject=locked.customer.user,
        actor=actor,
        detail="blocked",
    )
    return locked


@transaction.atomic
def card_renew(
    *, card: CustomerCard, actor: User, request: HttpRequest | None = None
) -> CustomerCard:
    """Replace the card (active or blocked) with a new one: the old QR code stops working
    in the same transaction; the new card keeps the customer's display choice."""
    locked = _locked(card)
    if locked.status == CardStatus.REPLACED:
        msg = "card already replaced"
        raise ValueError(msg)
    now = timezone.now()
    locked.status = CardStatus.REPLACED
    locked.renewed_at = now
    locked.pass_updated_at = now
    locked.save(update_fields=["status", "renewed_at", "pass_updated_at"])
    new = _new_card(locked.customer)
    if new.show_next_appointment != locked.show_next_appointment:
        new.show_next_appointment = locked.show_next_appointment
        new.save(update_fields=["show_next_appointment"])
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="customer_card",
        object_id=new.pk,
        jobcenter=locked.customer.jobcenter,
        subject=locked.customer.user,
        actor=actor,
        detail=f"renewed, replaces {locked.pk}",
    )
    return new


@transaction.atomic
def card_set_show_appointment(
    *, card: CustomerCard, show: bool, actor: User, request: HttpRequest | None = None
) -> CustomerCard:
    locked = _locked(card)
    if locked.show_next_appointment == show:
        return locked
    locked.show_next_appointment = show
    locked.pass_updated_at = timezone.now()
    locked.save(update_fields=["show_next_appointment", "pass_updated_at"])
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="customer_card",
        object_id=locked.pk,
        jobcenter=locked.customer.jobcenter,
        subject=locked.customer.user,
        actor=actor,
        detail=f"show_next_appointment={show}",
    )
    return locked


def card_lookup(*, jobcenter: Jobcenter, payload: str) -> CustomerCard | None:
    """The active card of ``jobcenter`` whose QR code holds ``payload``, else ``None``.

    ``None`` for: not a string, wrong prefix or length, characters outside the token
    alphabet, an unknown token, a blocked or replaced card, a card of another job centre.
    Never raises on hostile input. The hash is looked up by its unique index and compared
    again in constant time. Auditing the scan is the caller's job (it knows the device
    and the staff member)."""
    if not isinstance(payload, str):
        return None
    payload = payload.strip()
    if not payload.startswith(PAYLOAD_PREFIX):
        return None
    token = payload[len(PAYLOAD_PREFIX) :]
    if len(token) != _TOKEN_LEN or not _TOKEN_CHARS.issuperset(token):
        return None
    digest = hash_token(token)
    card = (
        CustomerCard.objects.select_related("customer__user", "jobcenter")
        .filter(token_hash=digest)
        .first()
    )
    if card is None or not hmac.compare_digest(card.token_hash, digest):
        return None
    if card.jobcenter_id != jobcenter.pk or card.status != CardStatus.ACTIVE:
        return None
    return card


def card_pass_downloaded(*, card: CustomerCard, version: datetime) -> None:
    """Remember which state of the pass the customer now holds (download or a device's
    update)."""
    CustomerCard.objects.filter(pk=card.pk).update(pass_downloaded_at=version)
    card.pass_downloaded_at = version
