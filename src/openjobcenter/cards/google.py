"""The "Zu Google Wallet hinzufügen" link: a JWT signed (RS256) with the job centre's
service-account key that carries the card as a generic pass object. Only where the job
centre configured an issuer; otherwise there is no link."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import jwt
from django.conf import settings
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from openjobcenter.cards.models import WalletSettings
    from openjobcenter.cards.selectors import CardView

SAVE_URL = "https://pay.google.com/gp/v/save/"


def save_url(view: CardView, config: WalletSettings | None) -> str | None:
    if config is None or not config.google_configured or not view.card.is_active:
        return None
    card = view.card
    issuer = config.google_issuer_id
    obj: dict[str, Any] = {
        "id": f"{issuer}.{card.pass_serial}",
        "classId": f"{issuer}.ojc_customer_card",
        "state": "ACTIVE",
        "hexBackgroundColor": card.jobcenter.primary_colour,
        "cardTitle": {"defaultValue": {"language": "de", "value": card.jobcenter.name}},
        "header": {"defaultValue": {"language": "de", "value": card.customer.user.display_name}},
        "subheader": {"defaultValue": {"language": "de", "value": _("Kundenkarte")}},
        "textModulesData": [
            {
                "id": "number",
                "header": _("Kundennummer"),
                "body": card.customer.customer_number or "",
            }
        ],
        "barcode": {"type": "QR_CODE", "value": card.payload},
    }
    claims = {
        "iss": config.google_service_account_email,
        "aud": "google",
        "typ": "savetowallet",
        "origins": [settings.SITE_URL] if settings.SITE_URL else [],
        "payload": {"genericObjects": [obj]},
    }
    token = jwt.encode(claims, str(config.google_private_key_sealed), algorithm="RS256")
    return SAVE_URL + token
