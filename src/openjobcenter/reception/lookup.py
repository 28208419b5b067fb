"""Who is at the desk: a scanned QR payload or a typed customer number, within one job
centre only.

A card's QR code carries ``OJC1:`` and an opaque token; ``cards.services.card_lookup``
answers None for a malformed, unknown, blocked or replaced token and for a card of another
job centre, so all of these read alike here ("nothing found"). Anything else must look
like a customer number. Nothing is written here; ``services.reception_scan`` audits.
"""

from __future__ import annotations

import enum
import importlib
import re
from dataclasses import dataclass
from typing import Any

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.tenants.models import Jobcenter

CARD_PREFIX = "OJC1:"
# Customer numbers as job centres write them: letters, digits, "-", "/" and spaces.
_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z/ -]{0,29}$")
MAX_INPUT = 200


class Outcome(enum.StrEnum):
    FOUND = "found"
    UNKNOWN = "unknown"  # no such card or number here (also: another job centre, blocked)
    MALFORMED = "malformed"  # neither a card code nor a customer number


@dataclass(frozen=True, slots=True)
class Identified:
    outcome: Outcome
    customer: CustomerProfile | None
    by_card: bool


def _card_lookup() -> Any:
    try:
        module = importlib.import_module("openjobcenter.cards.services")
    except ImportError:  # the customer-card app is not installed: no card is known
        return None
    return getattr(module, "card_lookup", None)


def identify(*, jobcenter: Jobcenter, raw: str) -> Identified:
    text = (raw or "").strip()
    if not text or len(text) > MAX_INPUT or any(ord(ch) < 32 for ch in text):
        return Identified(Outcome.MALFORMED, None, by_card=False)
    if text.upper().startswith(CARD_PREFIX):
        lookup = _card_lookup()
        card = lookup(jobcenter=jobcenter, payload=text) if lookup is not None else None
        if card is None:
            return Identified(Outcome.UNKNOWN, None, by_card=True)
        customer = card.customer
        if customer.jobcenter_id != jobcenter.pk:  # belt and braces: the card says so too
            return Identified(Outcome.UNKNOWN, None, by_card=True)
        return Identified(Outcome.FOUND, customer, by_card=True)
    if not _NUMBER.match(text):
        return Identified(Outcome.MALFORMED, None, by_card=False)
    customer = (
        CustomerProfile.objects.select_related("user")
        .filter(jobcenter=jobcenter, customer_number__iexact=text)
        .first()
    )
    if customer is None:
        return Identified(Outcome.UNKNOWN, None, by_card=False)
    return Identified(Outcome.FOUND, customer, by_card=False)
