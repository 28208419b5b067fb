"""Scanning the customer card's QR code (``cards.services.card_lookup``): the holder is
found; a blocked card, the old code after renewal, another job centre's card, a code with
the card switched off: "nothing found", nothing changed, the scan audited."""

from __future__ import annotations

from typing import Any

import pytest

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment
from openjobcenter.cards.services import card_block, card_issue, card_renew
from openjobcenter.core.models import AuditEntry
from openjobcenter.reception.models import Ticket
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db
SCAN = "/fulda/staff/empfang/scannen/"
NOTHING = "Zu dieser Karte oder Kundennummer haben wir nichts gefunden"


@pytest.fixture
def cards_on(jc_a: Jobcenter, jc_b: Jobcenter) -> None:
    for jc in (jc_a, jc_b):
        jc.enabled_modules = sorted({*jc.enabled_modules, "customer_card", "appointments"})
        jc.save(update_fields=["enabled_modules"])


def _state() -> tuple[Any, ...]:
    return (
        Ticket.objects.count(),
        list(Appointment.objects.values_list("pk", "checked_in_at", "status")),
    )


def test_scanned_card_finds_its_holder_and_checks_in(
    cards_on: None,
    staff_client: Any,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
) -> None:
    card = card_issue(customer=customer)
    client = staff_client(staff_a[Role.RECEPTION])
    page = client.post(SCAN, {"action": "lookup", "code": card.payload})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Karl Kunde" in html and "A-1001" in html
    assert card.payload not in html  # the token is not echoed back into the page
    entry = AuditEntry.objects.get(object_type="reception_scan")
    assert entry.detail == "found via=card"
    assert card.payload.split(":", 1)[1] not in entry.detail
    done = client.post(SCAN, {"action": "checkin", "customer": customer.pk}, follow=True)
    assert "Aufrufnummer A-001" in done.content.decode()


@pytest.mark.parametrize("case", ["blocked", "renewed", "other_jobcenter", "module_off"])
def test_dead_or_foreign_cards_find_nothing(
    cards_on: None,
    staff_client: Any,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    customer_b: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
    jc_a: Jobcenter,
    case: str,
) -> None:
    card = card_issue(customer=customer)
    payload = card.payload
    if case == "blocked":
        card_block(card=card, actor=customer.user)
    elif case == "renewed":
        fresh = card_renew(card=card, actor=customer.user)
        assert fresh.payload != payload
    elif case == "other_jobcenter":
        payload = card_issue(customer=customer_b).payload
    else:
        jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "customer_card"]
        jc_a.save(update_fields=["enabled_modules"])
    before = _state()
    page = staff_client(staff_a[Role.RECEPTION]).post(SCAN, {"action": "lookup", "code": payload})
    assert page.status_code == 404
    html = page.content.decode()
    assert NOTHING in html
    assert "Karl Kunde" not in html
    assert _state() == before
    assert AuditEntry.objects.get(object_type="reception_scan").detail == "unknown via=card"
