"""The reception API: scan, check-in, walk-in, tickets, calls; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment
from openjobcenter.cards.services import card_block, card_issue
from openjobcenter.reception import ratelimit
from openjobcenter.reception.models import Ticket

pytestmark = pytest.mark.django_db
R = "/api/v1/reception/fulda/staff"


@pytest.fixture
def cards_on(jc_a: Any) -> None:
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, "customer_card", "appointments"})
    jc_a.save(update_fields=["enabled_modules"])


def _state() -> tuple[Any, ...]:
    return (Ticket.objects.count(), list(Appointment.objects.values_list("pk", "checked_in_at")))


def test_scan_check_in_and_call_through_the_api(
    cards_on: None,
    staff_client: Any,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
) -> None:
    card = card_issue(customer=customer)
    client = staff_client(staff_a[Role.RECEPTION])
    found = client.post(f"{R}/scan", {"code": card.payload}, content_type="application/json")
    assert found.status_code == 200, found.content
    body = found.json()
    assert (body["name"], body["customer_number"], body["by_card"]) == (
        "Karl Kunde",
        "A-1001",
        True,
    )
    assert [a["id"] for a in body["appointments_today"]] == [on_site.pk]
    made = client.post(
        f"{R}/check-in",
        {"customer_id": customer.pk, "area_id": areas["b"].pk},
        content_type="application/json",
    )
    assert made.status_code == 200
    ticket = made.json()
    assert (ticket["number"], ticket["area"], ticket["status"]) == ("A-001", "B", "waiting")
    advisor = staff_client(staff_a[Role.JOB_ADVISOR])
    assert [t["number"] for t in advisor.get(f"{R}/tickets").json()] == ["A-001"]
    called = advisor.post(
        f"{R}/call-next", {"desk_id": areas["desk3"].pk}, content_type="application/json"
    )
    assert called.json()["desk"] == "Platz 3"
    again = advisor.post(
        f"{R}/tickets/{ticket['id']}/call",
        {"desk_id": areas["desk3"].pk},
        content_type="application/json",
    )
    assert again.json()["call_count"] == 2
    assert advisor.post(f"{R}/tickets/{ticket['id']}/no-show").json()["status"] == "no_show"
    closed = advisor.post(f"{R}/tickets/{ticket['id']}/done")
    assert closed.status_code == 409
    assert closed.json()["detail"] == "Diese Aufrufnummer ist nicht mehr offen."


def test_api_refusals_change_nothing(
    cards_on: None,
    staff_client: Any,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
) -> None:
    card = card_issue(customer=customer)
    card_block(card=card, actor=customer.user)
    client = staff_client(staff_a[Role.RECEPTION])
    before = _state()
    blocked = client.post(f"{R}/scan", {"code": card.payload}, content_type="application/json")
    assert blocked.status_code == 404
    assert "nichts gefunden" in blocked.json()["detail"]
    malformed = client.post(f"{R}/scan", {"code": "<b>"}, content_type="application/json")
    assert malformed.status_code == 422
    none_today = client.post(
        f"{R}/check-in", {"customer_id": customer2.pk}, content_type="application/json"
    )
    assert none_today.status_code == 409
    assert "keinen Termin vor Ort" in none_today.json()["detail"]
    other = client.post(
        f"{R}/check-in", {"customer_id": customer_b.pk}, content_type="application/json"
    )
    assert other.status_code == 404
    foreign_area = client.post(
        f"{R}/check-in",
        {"customer_id": customer.pk, "area_id": areas["other"].pk},
        content_type="application/json",
    )
    assert foreign_area.status_code == 404
    no_topic = client.post(
        f"{R}/walk-in", {"customer_id": customer.pk, "topic": " "}, content_type="application/json"
    )
    assert no_topic.status_code == 422
    assert _state() == before


def test_api_scan_is_rate_limited(
    staff_client: Any,
    staff_a: dict[Role, User],
    monkeypatch: pytest.MonkeyPatch,
    customer: CustomerProfile,
    frozen: None,  # one fixed window: three scans across a minute's end would be two windows
) -> None:
    monkeypatch.setattr(ratelimit, "LIMIT", 2)
    client = staff_client(staff_a[Role.RECEPTION])
    codes = [
        client.post(f"{R}/scan", {"code": "A-1001"}, content_type="application/json").status_code
        for _ in range(3)
    ]
    assert codes == [200, 200, 429]
