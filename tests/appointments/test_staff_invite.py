"""Staff invite a customer (§ 59 SGB II): customer search, local times, DST, taken slots."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment, AppointmentType, Status
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.tenants.models import Jobcenter

from .test_staff_support import first_office, local, make_appointment, type_of, utc

URL = "/fulda/staff/termine/neu/"


@pytest.fixture
def march(time_machine):
    time_machine.move_to("2026-03-02 08:00 +0000", tick=False)


def _data(appt_type: AppointmentType, staff: User, **overrides: str) -> dict[str, str]:
    data = {
        "appt_type": str(appt_type.pk),
        "staff": str(staff.pk),
        "day": "2026-03-10",
        "at": "09:00",
        "channel": "in_person",
        "office": str(first_office(Jobcenter.objects.get(slug="fulda")).pk),
        "note": "Bitte Lebenslauf mitbringen.",
    }
    data.update(overrides)
    return data


def _post(client: Client, customer: CustomerProfile, data: dict[str, str]) -> Any:
    return client.post(f"{URL}?kunde={customer.pk}", data)


def test_search_finds_customers_of_the_own_job_centre_only(
    staff_client, advisor, customer, customer2, customer_b, appt_type
) -> None:
    client = staff_client(advisor)
    html = client.get(URL, {"q": "A-1001"}).content.decode()
    assert f"?kunde={customer.pk}" in html
    assert f"?kunde={customer2.pk}" not in html
    html = client.get(URL, {"q": "Kunde"}).content.decode()
    assert f"?kunde={customer.pk}" in html
    assert f"?kunde={customer2.pk}" in html
    assert f"?kunde={customer_b.pk}" not in html
    assert client.get(URL, {"q": "B-2001"}).content.decode().count("?kunde=") == 0
    entry = AuditEntry.objects.filter(object_type="customer_list").latest("pk")
    assert entry.action == AuditAction.READ


def test_form_shows_customer_and_the_legal_notice(
    staff_client, advisor, customer, appt_type
) -> None:
    response = staff_client(advisor).get(URL, {"kunde": customer.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Karl Kunde" in html
    assert "A-1001" in html
    assert "kann Ihr Bürgergeld gemindert werden" in html
    assert 'type="date"' in html
    assert 'type="time"' in html


def test_customer_of_another_job_centre_is_not_found(
    staff_client, advisor, customer_b, appt_type
) -> None:
    client = staff_client(advisor)
    assert client.get(URL, {"kunde": customer_b.pk}).status_code == 404
    assert client.get(URL, {"kunde": "x1"}).status_code == 404
    response = _post(client, customer_b, _data(appt_type, advisor))
    assert response.status_code == 404
    assert not Appointment.objects.exists()


def test_invitation_is_stored_audited_and_mailed(
    march, staff_client, advisor, customer, appt_type, outbox, django_capture_on_commit_callbacks
) -> None:
    client = staff_client(advisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, customer, _data(appt_type, advisor))
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/fulda/staff/termine/{appointment.pk}/"
    assert appointment.status == Status.INVITED
    assert appointment.customer == customer
    assert appointment.staff == advisor
    assert appointment.created_by == advisor
    assert appointment.starts_at == utc(2026, 3, 10, 8)  # 09:00 CET
    assert appointment.office == first_office(customer.jobcenter)
    assert appointment.note_for_customer == "Bitte Lebenslauf mitbringen."
    assert AuditEntry.objects.filter(
        object_type="appointment", object_id=str(appointment.pk), action=AuditAction.CREATE
    ).exists()
    assert [m.to for m in outbox] == [[customer.user.email]]


def test_caseworker_may_invite_for_the_advisor(
    march, staff_client, staff_a, advisor, customer, appt_type
) -> None:
    response = _post(staff_client(staff_a[Role.CASEWORKER]), customer, _data(appt_type, advisor))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.staff == advisor
    assert appointment.created_by == staff_a[Role.CASEWORKER]


def test_reception_may_not_invite(staff_client, staff_a, advisor, customer, appt_type) -> None:
    client = staff_client(staff_a[Role.RECEPTION])
    assert client.get(URL).status_code == 403
    assert _post(client, customer, _data(appt_type, advisor)).status_code == 403
    assert not Appointment.objects.exists()


def test_spring_gap_time_is_refused(march, staff_client, advisor, customer, appt_type) -> None:
    # 29 March 2026: the clocks jump from 02:00 to 03:00, so 02:30 does not exist.
    response = _post(
        staff_client(advisor), customer, _data(appt_type, advisor, day="2026-03-29", at="02:30")
    )
    assert response.status_code == 400
    assert "Sommerzeit" in response.content.decode()
    assert not Appointment.objects.exists()


def test_autumn_time_is_stored_in_utc(march, staff_client, advisor, customer, appt_type) -> None:
    # 25 October 2026: back to CET (UTC+1) at 03:00, so 09:00 local is 08:00 UTC. The
    # change is on a Sunday, so the invitation needs a reason.
    data = _data(appt_type, advisor, day="2026-10-25", at="09:00")
    response = _post(staff_client(advisor), customer, data)
    assert response.status_code == 400
    assert "Der 25.10.2026 ist ein Sonntag." in response.content.decode()
    response = _post(staff_client(advisor), customer, {**data, "override_reason": "Sondertermin"})
    assert response.status_code == 302
    assert Appointment.objects.get().starts_at == utc(2026, 10, 25, 8)


def test_summer_time_is_stored_in_utc(march, staff_client, advisor, customer, appt_type) -> None:
    _post(staff_client(advisor), customer, _data(appt_type, advisor, day="2026-03-30", at="09:00"))
    assert Appointment.objects.get().starts_at == utc(2026, 3, 30, 7)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"day": "2026-03-01"}, "Vergangenheit"),
        ({"day": "2026-03-02", "at": "08:59"}, "Vergangenheit"),  # 07:59 UTC, a minute ago
        ({"day": "kein Datum"}, "Datum"),
        ({"at": "25:00"}, "Uhrzeit"),
        ({"channel": "carrier_pigeon"}, "Weg"),
        ({"office": ""}, "Standort"),
        ({"note": "x" * 1001}, "Hinweis"),
    ],
)
def test_bad_input_is_refused_and_nothing_stored(
    march, staff_client, advisor, customer, appt_type, overrides, message
) -> None:
    response = _post(staff_client(advisor), customer, _data(appt_type, advisor, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_channel_the_type_does_not_offer_is_refused(
    march, staff_client, advisor, customer, appt_type
) -> None:
    appt_type.channels = ["in_person"]
    appt_type.save()
    response = _post(staff_client(advisor), customer, _data(appt_type, advisor, channel="video"))
    assert response.status_code == 400
    assert "Diesen Weg gibt es für diese Terminart nicht." in response.content.decode()
    assert not Appointment.objects.exists()


def test_type_or_staff_of_another_job_centre_is_refused(
    march, staff_client, advisor, customer, appt_type, jc_b, staff_b
) -> None:
    client = staff_client(advisor)
    foreign_type = type_of(jc_b)
    assert _post(client, customer, _data(foreign_type, advisor)).status_code == 400
    assert _post(client, customer, _data(appt_type, staff_b[Role.JOB_ADVISOR])).status_code == 400
    assert not Appointment.objects.exists()


def test_post_without_customer_is_a_bad_request(march, staff_client, advisor, appt_type) -> None:
    assert staff_client(advisor).post(URL, _data(appt_type, advisor)).status_code == 400
    assert not Appointment.objects.exists()


def test_taken_slot_gives_409_and_keeps_the_input(
    march, staff_client, advisor, customer, customer2, appt_type
) -> None:
    make_appointment(
        appt_type=appt_type,
        customer=customer2,
        staff=advisor,
        starts_at=local(date(2026, 3, 10), time(9)),
    )
    response = _post(staff_client(advisor), customer, _data(appt_type, advisor))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Dieser Termin ist gerade vergeben worden" in html
    assert "Nächste freie Termine" in html  # the advisor has hours, so there are some
    assert 'value="2026-03-10"' in html
    assert Appointment.objects.count() == 1
