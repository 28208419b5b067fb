"""The .ics download of one appointment and the private, revocable calendar feed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments.models import (
    AppointmentType,
    CalendarFeed,
    Channel,
    Status,
    feed_token_hash,
)
from openjobcenter.appointments.services import appointment_request_change
from openjobcenter.tenants.models import Jobcenter

from .test_customer_pages import FIRST_SLOT, NOW, detail_url, invite, text

FEED_PAGE = "/fulda/mein-bereich/termine/kalender/"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def logged_in(client: Client, customer: CustomerProfile) -> Client:
    client.force_login(customer.user)
    return client


def unfold(ics: str) -> str:
    return ics.replace("\r\n ", "").replace("\r\n", "\n")


def assert_no_personal_data(ics: str, customer: CustomerProfile) -> None:
    for private in ("Karl", "Kunde", customer.user.email, customer.customer_number or "-"):
        assert private not in ics


def test_ics_download(
    logged_in: Client, customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    appointment = invite(customer, appt_type, advisor, FIRST_SLOT)
    response = logged_in.get(detail_url(appointment) + "termin.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="termin-2026-06-02.ics"'
    ics = unfold(response.content.decode())
    assert "DTSTART:20260602T060000Z" in ics  # UTC, 08:00 in Berlin
    assert "DTEND:20260602T063000Z" in ics
    assert "Beratung bei Ihrer Ansprechperson" in ics
    assert appt_type.jobcenter.name in ics
    assert_no_personal_data(ics, customer)
    assert advisor.last_name not in ics
    assert "Lebenslauf" not in ics  # the note for the customer stays in the portal


def test_feed_link_create_renew_revoke(
    logged_in: Client,
    client: Client,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
) -> None:
    upcoming = invite(customer, appt_type, advisor, FIRST_SLOT, Channel.VIDEO)
    page = text(logged_in.get(FEED_PAGE))
    assert "Sie haben noch keinen Kalender-Link" in page
    assert logged_in.post(FEED_PAGE, {"action": "renew"}).status_code == 302
    feed = CalendarFeed.objects.get(customer=customer)
    page = text(logged_in.get(FEED_PAGE))
    found = re.search(r"http://testserver/fulda/kalender/([A-Za-z0-9_-]+)\.ics", page)
    assert found, page
    token = found.group(1)
    # Only the hash is stored: a database dump does not open the feed.
    assert feed.token_hash == feed_token_hash(token)
    assert token not in feed.token_hash
    assert f"webcal://testserver/fulda/kalender/{token}.ics" in page
    assert "Geben Sie diesen Link nicht weiter" in page
    assert "Wir zeigen diesen Link nur jetzt" in page

    # Shown once: the next visit offers a new link instead of showing the address.
    later = text(logged_in.get(FEED_PAGE))
    assert token not in later
    assert "Sie haben einen Kalender-Link" in later
    assert "Neuen Link machen" in later

    anonymous = Client()
    response = anonymous.get(f"/fulda/kalender/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    ics = unfold(response.content.decode())
    assert f"appointment-{upcoming.pk}-" in ics
    assert "DTSTART:20260602T060000Z" in ics
    assert "per Video" in ics
    assert_no_personal_data(ics, customer)

    # A new link: the old one stops working.
    old = token
    logged_in.post(FEED_PAGE, {"action": "renew"})
    page = text(logged_in.get(FEED_PAGE))
    assert "Der alte Link funktioniert nicht mehr" in page
    found = re.search(r"http://testserver/fulda/kalender/([A-Za-z0-9_-]+)\.ics", page)
    assert found, page
    token = found.group(1)
    assert token != old
    feed.refresh_from_db()
    assert feed.token_hash == feed_token_hash(token)
    assert anonymous.get(f"/fulda/kalender/{old}.ics").status_code == 404
    assert anonymous.get(f"/fulda/kalender/{token}.ics").status_code == 200

    # Revoked: gone.
    logged_in.post(FEED_PAGE, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(customer=customer).exists()
    assert anonymous.get(f"/fulda/kalender/{token}.ics").status_code == 404
    assert logged_in.post(FEED_PAGE, {"action": "explode"}).status_code == 400


def test_feed_holds_active_and_last_30_days(
    client: Client,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    frozen: time_machine.Traveller,
) -> None:
    long_ago = invite(customer, appt_type, advisor, NOW + timedelta(hours=2))
    recent = invite(customer, appt_type, advisor, NOW + timedelta(days=20))
    cancelled = invite(customer, appt_type, advisor, NOW + timedelta(days=45))
    someone_elses = invite(customer2, appt_type, advisor, NOW + timedelta(days=41))
    frozen.move_to(NOW + timedelta(days=35))
    upcoming = invite(customer, appt_type, advisor, NOW + timedelta(days=40))
    appointment_request_change(
        request=None,
        customer=customer,
        appointment=cancelled,
        reason="illness",
        message="",
        cancel=True,
    )
    token = "t" * 43
    CalendarFeed.objects.create(customer=customer, token_hash=feed_token_hash(token))
    ics = unfold(client.get(f"/fulda/kalender/{token}.ics").content.decode())
    assert f"appointment-{recent.pk}-" in ics
    assert f"appointment-{upcoming.pk}-" in ics
    assert f"appointment-{long_ago.pk}-" not in ics
    assert f"appointment-{cancelled.pk}-" not in ics
    assert f"appointment-{someone_elses.pk}-" not in ics
    cancelled.refresh_from_db()
    assert cancelled.status == Status.CANCELLED


def test_feed_unknown_or_foreign_token_is_404(
    client: Client,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    jc_b: Jobcenter,
) -> None:
    token = "a" * 43
    CalendarFeed.objects.create(customer=customer, token_hash=feed_token_hash(token))
    assert client.get(f"/fulda/kalender/{token}.ics").status_code == 200
    # Another job centre's address with A's token: 404, also with the module on there.
    jc_b.enabled_modules = [*jc_b.enabled_modules, "appointments"]
    jc_b.save()
    assert client.get(f"/wiesbaden/kalender/{token}.ics").status_code == 404
    for bad in ("b" * 43, "short", "a" * 42 + "!", "a" * 200):
        assert client.get(f"/fulda/kalender/{bad}.ics").status_code == 404, bad
    # A NUL character is refused before anything reads the path (core NulGuardMiddleware).
    assert client.get("/fulda/kalender/%00" + "a" * 40 + ".ics").status_code == 400
    assert client.post(f"/fulda/kalender/{token}.ics").status_code == 405

    # Module switched off: 404 although the token is right.
    appt_type.jobcenter.enabled_modules = [
        m for m in appt_type.jobcenter.enabled_modules if m != "appointments"
    ]
    appt_type.jobcenter.save()
    assert client.get(f"/fulda/kalender/{token}.ics").status_code == 404


def test_feed_response_is_not_cached(
    client: Client, customer: CustomerProfile, appt_type: AppointmentType
) -> None:
    token = "c" * 43
    CalendarFeed.objects.create(customer=customer, token_hash=feed_token_hash(token))
    response = client.get(f"/fulda/kalender/{token}.ics")
    assert "no-store" in response["Cache-Control"]
    assert re.search(r"BEGIN:VCALENDAR", response.content.decode())
