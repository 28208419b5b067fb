"""The card on the customer's home ("Mein Bereich"): shown when the module is on and the
customer has a customer number (then the card exists, see accounts' linking service)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from openjobcenter.cards.qr import qr_svg
from openjobcenter.core.access import request_customer
from openjobcenter.tenants.modules import is_enabled

if TYPE_CHECKING:
    from django.http import HttpRequest


def home_card(request: HttpRequest) -> dict[str, object] | None:
    customer = request_customer(request)
    if not customer.customer_number or not is_enabled(customer.jobcenter, "customer_card"):
        return None
    from openjobcenter.cards.selectors import own_card

    card = own_card(customer)
    return {
        "card": card,
        "qr": qr_svg(card.payload, scale=4, title=_("QR-Code Ihrer Kundenkarte"))
        if card.is_active
        else None,
    }
