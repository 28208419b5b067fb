"""Reception pages: scan → who it is → check-in / walk-in; clear refusals that change
nothing; the customer's home says "Sie sind angemeldet"; the call board; admin setup; the
display link."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment
from openjobcenter.core.models import AuditEntry
from openjobcenter.reception import ratelimit
from openjobcenter.reception.models import Desk, Display, Ticket, WaitingArea

pytestmark = pytest.mark.django_db
SCAN = "/fulda/staff/empfang/scannen/"
CALLS = "/fulda/staff/empfang/aufrufe/"
SETUP = "/fulda/staff/empfang/einrichten/"


def _state() -> tuple[Any, ...]:
    return (
        Ticket.objects.count(),
        list(Appointment.objects.values_list("pk", "checked_in_at", "status")),
    )


def test_typed_number_shows_the_person_and_checks_in(
    staff_client: Any,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
) -> None:
    client = staff_client(staff_a[Role.RECEPTION])
    page = client.post(SCAN, {"action": "lookup", "code": "A-1001"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Karl Kunde" in html and "A-1001" in html and "10:00" in html
    assert "Zum Termin anmelden" in html
    assert (
        AuditEntry.objects.filter(object_type="reception_scan", detail="found via=number").count()
        == 1
    )
    done = client.post(
        SCAN, {"action": "checkin", "customer": customer.pk, "area": areas["b"].pk}, follow=True
    )
    assert "Angemeldet. Aufrufnummer A-001, Wartebereich B." in done.content.decode()
    on_site.refresh_from_db()
    assert on_site.checked_in_at is not None


@pytest.mark.parametrize(
    ("code", "status", "words"),
    [
        ("Z-9999", 404, "Zu dieser Karte oder Kundennummer haben wir nichts gefunden"),
        (
            "B-2001",
            404,
            "Zu dieser Karte oder Kundennummer haben wir nichts gefunden",
        ),  # job centre B
        ("OJC1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 404, "nichts gefunden"),
        ("OJC1:", 404, "nichts gefunden"),
        ("<img src=x>", 400, "keine Kundenkarte und keine Kundennummer"),
    ],
)
def test_unknown_other_or_malformed_codes_change_nothing(
    staff_client: Any,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    customer_b: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
    code: str,
    status: int,
    words: str,
) -> None:
    before = _state()
    page = staff_client(staff_a[Role.RECEPTION]).post(SCAN, {"action": "lookup", "code": code})
    assert page.status_code == status
    html = page.content.decode()
    assert words in html
    assert "Karl Kunde" not in html
    assert _state() == before
    assert (
        AuditEntry.objects.filter(object_type="reception_scan")
        .exclude(detail__startswith="found")
        .count()
        == 1
    )


def test_no_appointment_today_is_said_and_changes_nothing(
    staff_client: Any,
    staff_a: dict[Role, User],
    customer2: CustomerProfile,
    areas: dict[str, Any],
    frozen: None,
) -> None:
    client = staff_client(staff_a[Role.RECEPTION])
    looked = client.post(SCAN, {"action": "lookup", "code": "A-1002"}).content.decode()
    assert "Heute hat diese Person keinen Termin vor Ort." in looked
    assert "Zum Termin anmelden" not in looked
    before = _state()
    page = client.post(SCAN, {"action": "checkin", "customer": customer2.pk})
    assert page.status_code == 400
    assert "hat heute keinen Termin vor Ort" in page.content.decode()
    assert _state() == before
    # A walk-in ticket for a topic works instead.
    done = client.post(
        SCAN,
        {"action": "walkin", "customer": customer2.pk, "topic": "Unterlagen abgeben"},
        follow=True,
    )
    assert "Wartenummer A-001 ausgegeben, Wartebereich B." in done.content.decode()


def test_walk_in_without_topic_is_refused(
    staff_client: Any,
    staff_a: dict[Role, User],
    customer2: CustomerProfile,
    areas: dict[str, Any],
    frozen: None,
) -> None:
    before = _state()
    page = staff_client(staff_a[Role.RECEPTION]).post(
        SCAN, {"action": "walkin", "customer": customer2.pk, "topic": ""}
    )
    assert page.status_code == 400
    assert "Bitte geben Sie das Anliegen an." in page.content.decode()
    assert _state() == before


def test_check_in_of_another_job_centres_customer_is_404(
    staff_client: Any,
    staff_a: dict[Role, User],
    customer_b: CustomerProfile,
    areas: dict[str, Any],
    frozen: None,
) -> None:
    before = _state()
    page = staff_client(staff_a[Role.RECEPTION]).post(
        SCAN, {"action": "checkin", "customer": customer_b.pk}
    )
    assert page.status_code == 404
    assert _state() == before


def test_scans_are_rate_limited_per_device(
    staff_client: Any,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    monkeypatch: pytest.MonkeyPatch,
    frozen: None,
) -> None:
    monkeypatch.setattr(ratelimit, "LIMIT", 3)
    client = staff_client(staff_a[Role.RECEPTION])
    codes = [client.post(SCAN, {"action": "lookup", "code": "Z-1"}).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    page = client.post(SCAN, {"action": "lookup", "code": "A-1001"})
    assert page.status_code == 429
    assert "sehr oft gescannt" in page.content.decode()
    assert "Karl Kunde" not in page.content.decode()
    # Another device (session) of the same person is counted on its own.
    other = Client()
    from tests.conftest import login_with_mfa

    assert (
        login_with_mfa(other, staff_a[Role.RECEPTION])
        .post(SCAN, {"action": "lookup", "code": "A-1001"})
        .status_code
        == 200
    )


@pytest.mark.usefixtures("after_commit_at_once")
def test_customer_home_says_checked_in_then_called(
    client: Client,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
) -> None:
    from openjobcenter.reception import services

    ticket = services.ticket_check_in(
        request=None,
        actor=staff_a[Role.RECEPTION],
        jobcenter=customer.jobcenter,
        customer=customer,
        area=areas["b"],
    )
    client.force_login(customer.user)
    home = client.get("/fulda/mein-bereich/").content.decode()
    assert "Sie sind angemeldet – bitte warten Sie im Wartebereich B, Aufruf-Nr. A-001" in home
    services.ticket_call(
        request=None, actor=staff_a[Role.JOB_ADVISOR], ticket=ticket, desk=areas["desk3"]
    )
    fragment = client.get("/fulda/mein-bereich/stand/").json()
    assert "Bitte kommen Sie jetzt zu Platz 3" in fragment["html"]
    assert "Aufruf-Nr. A-001" in fragment["html"]


def test_call_board_calls_the_next_person(
    staff_client: Any, staff_a: dict[Role, User], areas: dict[str, Any], frozen: None
) -> None:
    from openjobcenter.reception import services

    services.ticket_walk_in(
        request=None,
        actor=staff_a[Role.RECEPTION],
        jobcenter=areas["b"].jobcenter,
        customer=None,
        topic="x",
        area=areas["b"],
    )
    client = staff_client(staff_a[Role.JOB_ADVISOR])
    refused = client.post(CALLS, {"action": "next"})
    assert refused.status_code == 400
    assert "Bitte wählen Sie Ihren Platz aus." in refused.content.decode()
    page = client.post(CALLS, {"action": "next", "desk": areas["desk3"].pk}, follow=True)
    assert "A-001 ist zu Platz 3 aufgerufen." in page.content.decode()
    assert Ticket.objects.get().status == "called"
    # Another job centre's desk is not offered: the choice is ignored.
    refused = client.post(CALLS, {"action": "next", "desk": areas["desk_other"].pk})
    assert refused.status_code == 400


def test_admin_sets_up_areas_desks_and_displays(
    staff_client: Any, staff_a: dict[Role, User], jc_a: Any
) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    assert client.get(SETUP).status_code == 200
    client.post(SETUP, {"action": "area", "name": "B", "prefix": "a"})
    area = WaitingArea.objects.get(jobcenter=jc_a)
    assert area.prefix == "A"
    refused = client.post(SETUP, {"action": "area", "name": "Zwei", "prefix": "A"})
    assert refused.status_code == 400
    assert (
        "Dieser Buchstabe gehört schon zu einem anderen Wartebereich." in refused.content.decode()
    )
    refused = client.post(SETUP, {"action": "area", "name": "Drei", "prefix": "7"})
    assert refused.status_code == 400
    assert "Großbuchstaben" in refused.content.decode()
    refused = client.post(SETUP, {"action": "desk", "name": "", "area": area.pk})
    assert refused.status_code == 400
    assert WaitingArea.objects.count() == 1 and Desk.objects.count() == 0
    client.post(SETUP, {"action": "desk", "name": "Platz 3", "area": area.pk})
    assert Desk.objects.get().name == "Platz 3"
    made = client.post(SETUP, {"action": "display", "name": "Flur", "area": area.pk})
    html = made.content.decode()
    link = html.split("data-display-link>", 1)[1].split("<", 1)[0]
    path = link.split("testserver", 1)[1]
    screen = Client().get(path)
    assert screen.status_code == 200
    assert "Wartebereich B" in screen.content.decode()
    display = Display.objects.get()
    assert display.token_hash not in link  # the link carries the token, the row its hash
    client.post(SETUP, {"action": "revoke", "pk": display.pk})
    assert Client().get(path).status_code == 404


def test_display_shows_numbers_not_names(
    client: Client,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
    display: dict[str, Any],
) -> None:
    from openjobcenter.reception import services

    ticket = services.ticket_check_in(
        request=None,
        actor=staff_a[Role.RECEPTION],
        jobcenter=customer.jobcenter,
        customer=customer,
        area=areas["b"],
    )
    services.ticket_call(
        request=None, actor=staff_a[Role.JOB_ADVISOR], ticket=ticket, desk=areas["desk3"]
    )
    url = f"/fulda/wartebereich/{display['token']}/"
    html = client.get(url).content.decode()
    assert "A-001" in html and "Platz 3" in html
    assert "Kunde" not in html and "A-1001" not in html
    data = client.get(url + "aufrufe/").json()
    assert data["calls"][0]["number"] == "A-001"
    assert set(data["calls"][0]) == {"id", "number", "desk", "count", "called_at"}
    # The token of Fulda's display opens nothing under another job centre.
    assert client.get(f"/wiesbaden/wartebereich/{display['token']}/").status_code == 404
    assert client.get("/fulda/wartebereich/falsch/").status_code == 404
