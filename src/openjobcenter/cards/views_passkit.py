"""Apple's PassKit web service under /passkit/v1/ (the pass's ``webServiceURL``): devices
register for updates of a pass, ask which passes changed, fetch the latest pass, and send
logs. Every call that names a pass is authenticated with the pass's own token
(``Authorization: ApplePass <token>``); a wrong token and an unknown pass both get 401."""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, RawPostDataException
from django.utils.http import http_date, parse_http_date_safe
from django.views.decorators.csrf import csrf_exempt

from openjobcenter.cards import pkpass, selectors, services
from openjobcenter.cards.models import CustomerCard, PassDevice
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants.modules import is_enabled

logger = logging.getLogger(__name__)
_DEVICE = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_MAX_TAG = 18
_PUSH = re.compile(r"^[A-Za-z0-9._:-]{1,200}$")


def _card(request: HttpRequest, pass_type: str, serial: str) -> CustomerCard | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("ApplePass "):
        return None
    card = selectors.card_by_serial(serial, header[len("ApplePass ") :].strip())
    if card is None or not is_enabled(card.jobcenter, "customer_card"):
        return None
    config = selectors.wallet_settings(card.jobcenter)
    if config is None or config.pass_type_identifier != pass_type:
        return None
    return card


def _json_body(request: HttpRequest, limit: int = 20_000) -> dict[str, object] | None:
    """The JSON object sent, or None for anything else (a form post, bad JSON)."""
    try:
        data = json.loads(request.body[:limit] or b"{}")
    except (ValueError, RawPostDataException):
        return None
    return data if isinstance(data, dict) else None


def _unauthorized() -> HttpResponse:
    return HttpResponse(status=401)


@csrf_exempt
def registration(request: HttpRequest, device: str, pass_type: str, serial: str) -> HttpResponse:
    """POST: register the device for the pass (201 new, 200 known); DELETE: unregister."""
    if request.method not in {"POST", "DELETE"}:
        return HttpResponse(status=405, headers={"Allow": "POST, DELETE"})
    if not _DEVICE.match(device):
        return HttpResponse(status=400)
    card = _card(request, pass_type, serial)
    if card is None:
        return _unauthorized()
    if request.method == "DELETE":
        PassDevice.objects.filter(card=card, device_library_id=device).delete()
        return HttpResponse(status=200)
    body = _json_body(request)
    if body is None:
        return HttpResponse(status=400)
    push_token = str(body.get("pushToken", ""))
    if not _PUSH.match(push_token):
        return HttpResponse(status=400)
    try:
        with transaction.atomic():
            _device, created = PassDevice.objects.update_or_create(
                card=card, device_library_id=device, defaults={"push_token": push_token}
            )
    except IntegrityError:
        created = False
    if created:
        audit(
            request=request,
            action=AuditAction.CREATE,
            object_type="customer_card",
            object_id=card.pk,
            jobcenter=card.jobcenter,
            subject=card.customer.user,
            actor=card.customer.user,
            detail="wallet device registered",
        )
    return HttpResponse(status=201 if created else 200)


def serials(request: HttpRequest, device: str, pass_type: str) -> HttpResponse:
    """The serial numbers of this device's passes that changed since ``passesUpdatedSince``
    (our tag: microseconds since the epoch); 204 when none."""
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    if not _DEVICE.match(device):
        return HttpResponse(status=400)
    since_raw = request.GET.get("passesUpdatedSince", "")
    since = None
    if since_raw:
        if not since_raw.isdigit() or len(since_raw) > _MAX_TAG:
            return HttpResponse(status=400)
        seconds, micros = divmod(int(since_raw), 1_000_000)
        try:
            since = datetime.fromtimestamp(seconds, tz=UTC).replace(microsecond=micros)
        except (OverflowError, ValueError, OSError):
            return HttpResponse(status=400)
    cards = []
    for card in selectors.cards_updated_since(device_library_id=device, since=since):
        config = selectors.wallet_settings(card.jobcenter)
        if config is not None and config.pass_type_identifier == pass_type:
            cards.append(card)
    if not cards:
        return HttpResponse(status=204)
    last = max(selectors.pass_modified_exact(c) for c in cards)
    return JsonResponse(
        {
            "serialNumbers": [str(c.pass_serial) for c in cards],
            "lastUpdated": str(
                int(last.replace(microsecond=0).timestamp()) * 1_000_000 + last.microsecond
            ),
        }
    )


def latest_pass(request: HttpRequest, pass_type: str, serial: str) -> HttpResponse:
    if request.method != "GET":
        return HttpResponse(status=405, headers={"Allow": "GET"})
    card = _card(request, pass_type, serial)
    if card is None:
        return _unauthorized()
    from openjobcenter.appointments.models import Appointment

    view = selectors.card_view(card.customer) if card.is_active else None
    if view is None or view.card.pk != card.pk:
        # A blocked or replaced card's pass is sent once more, voided.
        next_appt: Appointment | None = None
        view = selectors.CardView(
            card=card, next_appointment=next_appt, modified=selectors.pass_modified(card)
        )
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    if since is not None and int(view.modified.timestamp()) <= since:
        return HttpResponse(status=304)
    try:
        data = pkpass.build_pkpass(view, selectors.wallet_settings(card.jobcenter))
    except pkpass.WalletNotConfiguredError:
        return HttpResponse(status=404)
    services.card_pass_downloaded(card=card, version=view.modified)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="customer_card",
        object_id=card.pk,
        jobcenter=card.jobcenter,
        subject=card.customer.user,
        actor=card.customer.user,
        detail="wallet pass update",
    )
    response = HttpResponse(data, content_type="application/vnd.apple.pkpass")
    response["Last-Modified"] = http_date(view.modified.timestamp())
    return response


@csrf_exempt
def log(request: HttpRequest) -> HttpResponse:
    """Devices report problems with a pass here; we log them (length-limited)."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    body = _json_body(request)
    if body is None:
        return HttpResponse(status=400)
    logs = body.get("logs", [])
    if isinstance(logs, list):
        for line in logs[:20]:
            logger.info("passkit device log: %s", str(line)[:500])
    return HttpResponse(status=200)
