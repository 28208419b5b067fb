"""Customer pages: my appointments, booking a free slot, and the bad input around it.

Time is frozen on Monday 1 June 2026, 08:00 in Berlin (06:00 UTC). The advisor has hours
Monday to Friday 08:00–12:00 Berlin time; with 12 hours' notice the first free slot is
Tuesday 2 June, 08:00 Berlin = 06:00 UTC.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.http.response import HttpResponseBase
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import (
    Appointment,
    AppointmentType,
    Channel,
    Status,
    WeeklyHours,
)
from openjobcenter.appointments.services import appointment_invite
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.tenants.models import Jobcenter, Office

NOW = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
FIRST_SLOT = datetime(2026, 6, 2, 6, 0, tzinfo=UTC)  # Tuesday 08:00 Berlin


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def value(starts_at: datetime, staff: User) -> str:
    return f"{starts_at:%Y-%m-%dT%H:%M:%S}Z|{staff.pk}"


def book_url(appt_type: AppointmentType) -> str:
    return f"/{appt_type.jobcenter.slug}/mein-bereich/termine/buchen/{appt_type.pk}/"


def detail_url(appointment: Appointment) -> str:
    return f"/{appointment.jobcenter.slug}/mein-bereich/termine/{appointment.pk}/"


def text(response: HttpResponseBase) -> str:
    content = response.content  # type: ignore[attr-defined]
    assert isinstance(content, bytes)
    return html.unescape(content.decode())


def invite(
    customer: CustomerProfile,
    appt_type: AppointmentType,
    staff: User,
    starts_at: datetime,
    channel: str = Channel.IN_PERSON,
) -> Appointment:
    """An invitation from staff, through the service as the staff pages make it."""
    office = Office.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    return appointment_invite(
        request=None,
        actor=staff,
        customer=customer,
        appt_type=appt_type,
        staff=staff,
        starts_at=starts_at,
        channel=channel,
        office_id=office.pk if office else None,
        note="Bitte bringen Sie Ihren Lebenslauf mit.",
        # These pages show what was set, whatever the hour: any time may be given (the
        # opening-hours check itself is tests/appointments/test_opening_hours.py).
        override_reason="Termin nach Absprache",
    )


@pytest.fixture
def logged_in(client: Client, customer: CustomerProfile, advisor: User) -> Client:
    client.force_login(customer.user)
    return client


# --- Booking end to end --------------------------------------------------------------------


def test_booking_end_to_end(
    logged_in: Client,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    outbox: list[object],
    django_capture_on_commit_callbacks: object,
) -> None:
    types = logged_in.get("/fulda/mein-bereich/termine/buchen/")
    assert types.status_code == 200
    assert book_url(appt_type) in text(types)

    page = logged_in.get(book_url(appt_type))
    assert page.status_code == 200
    chosen = value(FIRST_SLOT, advisor)
    assert f'value="{chosen}"' in text(page)
    assert "Dienstag, 2. Juni 2026" in text(page)
    assert "08:00 bis 08:30 Uhr" in text(page)  # shown in Berlin time
    # Nothing before the notice period: Monday is not offered.
    assert "Montag, 1. Juni 2026" not in text(page)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = logged_in.post(book_url(appt_type), {"slot": chosen, "channel": "in_person"})
    assert response.status_code == 302
    appointment = Appointment.objects.get(customer=customer)
    assert response["Location"] == detail_url(appointment)
    assert appointment.starts_at == FIRST_SLOT
    assert appointment.ends_at == FIRST_SLOT + timedelta(minutes=30)
    assert appointment.staff == advisor
    assert appointment.status == Status.BOOKED
    assert appointment.channel == Channel.IN_PERSON
    assert appointment.office is not None
    assert AuditEntry.objects.filter(
        object_type="appointment", object_id=str(appointment.pk), action=AuditAction.CREATE
    ).exists()
    assert [m.to for m in outbox] == [[customer.user.email]]  # type: ignore[attr-defined]

    detail = logged_in.get(detail_url(appointment))
    body = text(detail)
    assert "Ihr Termin ist gebucht" in body
    assert "08:00 bis 08:30 Uhr" in body
    assert advisor.display_name in body
    assert appointment.office.street in body
    assert "https://www.openstreetmap.org/search?query=" in body
    assert "Personalausweis" in body  # what to bring
    assert "termin.ics" in body
    assert "absagen/" in body  # the "I can't come" link while active and in the future

    # The slot is gone for the next look.
    assert f'value="{chosen}"' not in text(logged_in.get(book_url(appt_type)))

    listing = text(logged_in.get("/fulda/mein-bereich/termine/"))
    assert "Kommende Termine" in listing
    assert "Dienstag, 2. Juni 2026" in listing
    assert "08:00 bis 08:30 Uhr" in listing
    assert advisor.display_name in listing
    assert "gebucht" in listing
    assert "/fulda/mein-bereich/termine/buchen/" in listing
    assert "/fulda/mein-bereich/termine/kalender/" in listing


def test_phone_booking_has_no_office(
    logged_in: Client, customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    response = logged_in.post(
        book_url(appt_type), {"slot": value(FIRST_SLOT, advisor), "channel": "phone"}
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get(customer=customer)
    assert appointment.channel == Channel.PHONE
    assert appointment.office is None
    body = text(logged_in.get(detail_url(appointment)))
    assert "Am Telefon" in body
    assert "openstreetmap" not in body


def test_taken_slot_answers_409_with_alternatives(
    client: Client,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
) -> None:
    customer2.advisor = advisor
    customer2.save(update_fields=["advisor"])
    chosen = value(FIRST_SLOT, advisor)
    client.force_login(customer.user)
    first = client.post(book_url(appt_type), {"slot": chosen, "channel": "in_person"})
    assert first.status_code == 302

    client.force_login(customer2.user)
    second = client.post(book_url(appt_type), {"slot": chosen, "channel": "video"})
    assert second.status_code == 409
    body = text(second)
    assert "Dieser Termin ist gerade vergeben worden" in body
    assert "error-summary" in body
    assert "Die nächsten freien Termine" in body
    assert f'value="{value(FIRST_SLOT + timedelta(minutes=30), advisor)}"' in body
    assert f'value="{chosen}"' not in body
    # The chosen way is kept.
    assert re.search(r'<input type="radio" name="channel" value="video"[^>]*checked', body)
    assert Appointment.objects.filter(starts_at=FIRST_SLOT).count() == 1
    assert not Appointment.objects.filter(customer=customer2).exists()


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        (NOW - timedelta(days=1), "Vergangenheit"),
        (NOW + timedelta(hours=2), "außerhalb des buchbaren Zeitraums"),  # inside the notice
        (NOW + timedelta(days=90), "außerhalb des buchbaren Zeitraums"),  # beyond the horizon
    ],
)
def test_past_notice_and_horizon_are_refused(
    logged_in: Client,
    appt_type: AppointmentType,
    advisor: User,
    starts_at: datetime,
    message: str,
) -> None:
    response = logged_in.post(
        book_url(appt_type), {"slot": value(starts_at, advisor), "channel": "in_person"}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "slot",
    [
        "",
        "morgen früh",
        "2026-06-02T06:00:00Z",
        "2026-06-02T06:00:00Z|",
        "2026-06-02T06:00:00Z|abc",
        "2026-06-02T06:00:00Z|0",
        "2026-06-02T06:00:00+02:00|1",
        "2026-06-02 06:00:00Z|1",
        "2026-13-02T06:00:00Z|1",
        "2026-06-31T06:00:00Z|1",
        "9999-12-31T23:30:00Z|1",
        "0001-01-01T00:00:00Z|1",
        "2026-06-02T06:00:00Z|99999999999999999999",
        "2026-06-02T06:00:00Z|1\n",
        "x" * 5000,
    ],
)
def test_malformed_slot_is_400_never_500(
    logged_in: Client, appt_type: AppointmentType, advisor: User, slot: str
) -> None:
    response = logged_in.post(book_url(appt_type), {"slot": slot, "channel": "in_person"})
    assert response.status_code == 400
    assert "error-summary" in text(response)
    assert not Appointment.objects.exists()


def test_slot_with_someone_else_and_bad_channel_are_refused(
    logged_in: Client, appt_type: AppointmentType, advisor: User, staff_a: dict[Role, User]
) -> None:
    stranger = staff_a[Role.CASEWORKER]
    response = logged_in.post(
        book_url(appt_type), {"slot": value(FIRST_SLOT, stranger), "channel": "in_person"}
    )
    assert response.status_code == 400
    assert "Bei dieser Person können Sie diesen Termin nicht buchen" in text(response)

    response = logged_in.post(
        book_url(appt_type), {"slot": value(FIRST_SLOT, advisor), "channel": "brieftaube"}
    )
    assert response.status_code == 400
    assert "Diesen Weg gibt es für diese Terminart nicht" in text(response)

    appt_type.channels = ["in_person"]
    appt_type.save()
    page = logged_in.get(book_url(appt_type))
    assert "So findet der Termin statt: vor Ort" in text(page)
    response = logged_in.post(
        book_url(appt_type), {"slot": value(FIRST_SLOT, advisor), "channel": "video"}
    )
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_forged_and_foreign_types_are_404(
    logged_in: Client, appt_type: AppointmentType, jc_a: Jobcenter, jc_b: Jobcenter
) -> None:
    foreign = AppointmentType.objects.create(jobcenter=jc_b, name="Wiesbaden", self_bookable=True)
    staff_only = AppointmentType.objects.create(
        jobcenter=jc_a, name="Nur Einladung", self_bookable=False
    )
    inactive = AppointmentType.objects.create(jobcenter=jc_a, name="Alt", is_active=False)
    for type_id in (foreign.pk, staff_only.pk, inactive.pk, 987654):
        url = f"/fulda/mein-bereich/termine/buchen/{type_id}/"
        assert logged_in.get(url).status_code == 404
        assert logged_in.post(url, {"slot": "x", "channel": "in_person"}).status_code == 404
    listing = text(logged_in.get("/fulda/mein-bereich/termine/buchen/"))
    assert "Nur Einladung" not in listing
    assert "Wiesbaden" not in listing.split("<main", 1)[1].split("</main>", 1)[0]


def test_another_customers_appointment_is_404(
    client: Client,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
) -> None:
    theirs = invite(customer2, appt_type, advisor, FIRST_SLOT)
    client.force_login(customer.user)
    base = detail_url(theirs)
    assert client.get(base).status_code == 404
    assert client.get(base + "termin.ics").status_code == 404
    assert client.get(base + "absagen/").status_code == 404
    assert client.post(base + "absagen/", {"reason": "other", "wish": "cancel"}).status_code == 404
    assert client.post(base + "bestaetigen/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Status.INVITED
    assert f"/termine/{theirs.pk}/" not in text(client.get("/fulda/mein-bereich/termine/"))


def test_paging_by_fortnight_within_the_horizon(
    logged_in: Client, appt_type: AppointmentType, advisor: User
) -> None:
    first = text(logged_in.get(book_url(appt_type)))
    assert "?von=2026-06-15" in first  # "weitere Termine"
    assert "Frühere Termine" not in first
    assert "Montag, 15. Juni 2026" not in first

    second = text(logged_in.get(book_url(appt_type) + "?von=2026-06-15"))
    assert "Montag, 15. Juni 2026" in second
    assert "Dienstag, 2. Juni 2026" not in second
    assert "?von=2026-06-01" in second  # back to the first fortnight
    assert "?von=2026-06-29" in second

    # The horizon (56 days) ends on Monday 27 July, 08:00: the fortnight from 13 July is
    # the last one with free slots, so it has no "weitere Termine".
    last = text(logged_in.get(book_url(appt_type) + "?von=2026-07-13"))
    assert "Freitag, 24. Juli 2026" in last
    assert "Weitere Termine" not in last
    beyond = text(logged_in.get(book_url(appt_type) + "?von=2027-01-01"))
    assert "Weitere Termine" not in beyond
    assert "Vom 27. Juli 2026 bis zum 27. Juli 2026" in beyond  # clamped to the horizon
    assert "In dieser Zeit gibt es keine freien Termine" in beyond

    # A day in the past shows the first fortnight.
    past = text(logged_in.get(book_url(appt_type) + "?von=2020-01-01"))
    assert "Dienstag, 2. Juni 2026" in past

    for bad in ("morgen", "2026-6-1", "2026-02-30", "2026-06-01T00:00"):
        response = logged_in.get(book_url(appt_type), {"von": bad})
        assert response.status_code == 400, bad
        assert "Dieses Datum können wir nicht lesen" in text(response)


def test_empty_fortnight_points_to_the_next_free_day(
    logged_in: Client, appt_type: AppointmentType, advisor: User, jc_a: Jobcenter
) -> None:
    from openjobcenter.appointments.models import Absence

    Absence.objects.create(
        jobcenter=jc_a,
        staff=advisor,
        starts_at=NOW,
        ends_at=datetime(2026, 6, 22, 0, 0, tzinfo=UTC),
        reason="Urlaub",
    )
    body = text(logged_in.get(book_url(appt_type)))
    assert "In dieser Zeit gibt es keine freien Termine" in body
    assert "Der nächste freie Termin ist am 22. Juni 2026" in body
    assert "?von=2026-06-22" in body
    assert "Urlaub" not in body


def test_no_advisor_is_said_plainly(
    client: Client, customer2: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    client.force_login(customer2.user)
    types = text(client.get("/fulda/mein-bereich/termine/buchen/"))
    assert "Ihnen ist noch keine Ansprechperson zugeordnet" in types
    assert book_url(appt_type) not in types
    page = client.get(book_url(appt_type))
    assert page.status_code == 200
    assert "Ihnen ist noch keine Ansprechperson zugeordnet" in text(page)
    assert 'name="slot"' not in text(page)
    response = client.post(
        book_url(appt_type), {"slot": value(FIRST_SLOT, advisor), "channel": "in_person"}
    )
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_team_type_offers_everyone_with_hours(
    client: Client,
    customer2: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    staff_a: dict[Role, User],
    jc_a: Jobcenter,
) -> None:
    from datetime import time

    colleague = staff_a[Role.CASEWORKER]
    WeeklyHours.objects.create(
        jobcenter=jc_a, staff=colleague, office=None, weekday=1, start=time(14), end=time(15)
    )
    appt_type.own_advisor_only = False
    appt_type.save()
    client.force_login(customer2.user)
    body = text(client.get(book_url(appt_type)))
    assert f'value="{value(FIRST_SLOT, advisor)}"' in body
    colleague_slot = datetime(2026, 6, 2, 12, 0, tzinfo=UTC)  # 14:00 Berlin
    assert f'value="{value(colleague_slot, colleague)}"' in body
    assert colleague.display_name in body  # several people: each slot names its person
    response = client.post(
        book_url(appt_type), {"slot": value(colleague_slot, colleague), "channel": "phone"}
    )
    assert response.status_code == 302
    assert Appointment.objects.get(customer=customer2).staff == colleague


def test_lists_upcoming_past_and_open_invitations(
    logged_in: Client,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    frozen: time_machine.Traveller,
) -> None:
    old = invite(customer, appt_type, advisor, NOW + timedelta(hours=1), Channel.PHONE)
    frozen.shift(timedelta(days=1))  # ``old`` is now in the past
    open_invitation = invite(customer, appt_type, advisor, FIRST_SLOT + timedelta(days=2))
    logged_in.force_login(customer.user)  # a day later the session has timed out
    body = text(logged_in.get("/fulda/mein-bereich/termine/"))
    invitations, rest = body.split("Kommende Termine", 1)
    upcoming, earlier = rest.split("Vergangene und abgesagte Termine", 1)
    assert "Einladungen: Bitte antworten Sie" in invitations
    assert f"/termine/{open_invitation.pk}/bestaetigen/" in invitations
    assert f"/termine/{open_invitation.pk}/absagen/" in invitations
    assert "Ich kann den Termin nicht wahrnehmen" in invitations
    assert "Bitte bringen Sie Ihren Lebenslauf mit." in invitations
    # The legal notice: in plain words for an applicant, and the job centre's wording.
    assert "über Ihren Antrag ist noch nicht entschieden" in invitations
    assert "§ 32 SGB II" in invitations
    assert "Sie haben zurzeit keine weiteren Termine" in upcoming
    assert f"/termine/{old.pk}/" in earlier
    assert "Am Telefon" in earlier


def test_module_switched_off_is_404(
    logged_in: Client,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    jc_a: Jobcenter,
) -> None:
    appointment = invite(customer, appt_type, advisor, FIRST_SLOT)
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "appointments"]
    jc_a.save()
    base = detail_url(appointment)
    for url in (
        "/fulda/mein-bereich/termine/",
        "/fulda/mein-bereich/termine/buchen/",
        book_url(appt_type),
        "/fulda/mein-bereich/termine/kalender/",
        base,
        base + "absagen/",
        base + "termin.ics",
    ):
        assert logged_in.get(url).status_code == 404, url
    assert logged_in.post(base + "bestaetigen/").status_code == 404
    assert (
        logged_in.post(book_url(appt_type), {"slot": value(FIRST_SLOT, advisor)}).status_code == 404
    )
    appointment.refresh_from_db()
    assert appointment.status == Status.INVITED
