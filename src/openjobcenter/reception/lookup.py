"""Who is at the desk: a scanned QR payload or a typed customer number, within one job
centre only.

A card's QR code carries ``OJC1:`` and an opaque token; ``cards.services.card_lookup``
answers None for a malformed, unknown, blocked or replaced token and for a card of another
job centre, so all of these read alike here ("nothing found"); so does any card code while
the job centre has the customer card (module ``customer_card``) switched off. Anything
else must look like a customer number. Nothing is written here; ``services.reception_scan`` audits.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.cards.services import card_lookup
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import is_enabled

CARD_PREFIX = "OJC1:"
CARD_MODULE = "customer_card"
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


def identify(*, jobcenter: Jobcenter, raw: str) -> Identified:
    text = (raw or "").strip()
    if not text or len(text) > MAX_INPUT or any(ord(ch) < 32 for ch in text):
        return Identified(Outcome.MALFORMED, None, by_card=False)
    if text.upper().startswith(CARD_PREFIX):
        # A job centre that has the card switched off knows no card (its codes read as unknown).
        enabled = is_enabled(jobcenter, CARD_MODULE)
        card = card_lookup(jobcenter=jobcenter, payload=text) if enabled else None
        if card is None:
            return Identified(Outcome.UNKNOWN, None, by_card=True)
        holder = card.customer
        if holder.jobcenter_id != jobcenter.pk:  # belt and braces: the card says so too
            return Identified(Outcome.UNKNOWN, None, by_card=True)
        return Identified(Outcome.FOUND, holder, by_card=True)
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
