"""Reception: today's appointments on site, check-in, the advisor is told."""

from __future__ import annotations

from datetime import date, time

import pytest

from openjobcenter.accounts.models import Role
from openjobcenter.appointments.models import Status
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.tenants.models import Office

from .test_staff_support import local, make_appointment, type_of, utc

URL = "/fulda/staff/termine/empfang/"
TODAY = date(2026, 12, 1)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to("2026-12-01 08:30 +0000", tick=False)  # 09:30 in Fulda


@pytest.fixture
def today(frozen, appt_type, advisor, customer, customer2, jc_a):
    second_office = Office.objects.create(
        jobcenter=jc_a,
        name="Außenstelle Hünfeld",
        street="Markt 1",
        postcode="36088",
        city="Hünfeld",
        position=99,
    )
    return {
        "on_site": make_appointment(
            appt_type=appt_type, customer=customer, staff=advisor, starts_at=local(TODAY, time(10))
        ),
        "other_office": make_appointment(
            appt_type=appt_type,
            customer=customer2,
            staff=advisor,
            starts_at=local(TODAY, time(11)),
            office=second_office,
        ),
        "phone": make_appointment(
            appt_type=appt_type,
            customer=customer2,
            staff=advisor,
            starts_at=local(TODAY, time(10, 30)),
            channel="phone",
        ),
        "tomorrow": make_appointment(
            appt_type=appt_type,
            customer=customer2,
            staff=advisor,
            starts_at=local(date(2026, 12, 2), time(10)),
        ),
        "office": second_office,
    }


def test_reception_sees_todays_appointments_on_site(staff_client, staff_a, today) -> None:
    response = staff_client(staff_a[Role.RECEPTION]).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "10:00" in html
    assert "11:00" in html
    assert "10:30" not in html  # by phone
    assert html.count('name="appointment"') == 2  # tomorrow's is not listed
    assert AuditEntry.objects.filter(
        object_type="appointment_reception", action=AuditAction.READ
    ).exists()


def test_filter_by_office(staff_client, staff_a, today) -> None:
    html = (
        staff_client(staff_a[Role.RECEPTION])
        .get(URL, {"standort": today["office"].pk})
        .content.decode()
    )
    assert "11:00" in html
    assert "10:00" not in html


def test_check_in_marks_the_appointment_and_tells_the_advisor(
    staff_client, staff_a, advisor, today, outbox, django_capture_on_commit_callbacks
) -> None:
    appointment = today["on_site"]
    client = staff_client(staff_a[Role.RECEPTION])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"appointment": appointment.pk})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.checked_in_at == utc(2026, 12, 1, 8, 30)
    assert [m.to for m in outbox] == [[advisor.email]]
    assert AuditEntry.objects.filter(
        object_type="appointment", object_id=str(appointment.pk), detail="checked in"
    ).exists()
    html = client.get(URL).content.decode()
    assert "angemeldet um 09:30 Uhr" in html
    assert html.count('name="appointment"') == 1


def test_check_in_twice_sends_one_mail(
    staff_client, staff_a, today, outbox, django_capture_on_commit_callbacks
) -> None:
    client = staff_client(staff_a[Role.RECEPTION])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"appointment": today["on_site"].pk})
        client.post(URL, {"appointment": today["on_site"].pk})
    assert len(outbox) == 1


@pytest.mark.parametrize("which", ["phone", "tomorrow"])
def test_only_todays_appointments_on_site_can_be_checked_in(
    staff_client, staff_a, today, which
) -> None:
    appointment = today[which]
    response = staff_client(staff_a[Role.RECEPTION]).post(URL, {"appointment": appointment.pk})
    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.checked_in_at is None


def test_cancelled_appointment_cannot_be_checked_in(staff_client, staff_a, today) -> None:
    appointment = today["on_site"]
    appointment.status = Status.CANCELLED
    appointment.save()
    response = staff_client(staff_a[Role.RECEPTION]).post(URL, {"appointment": appointment.pk})
    assert response.status_code == 400
    appointment.refresh_from_db()
    assert appointment.checked_in_at is None


@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_forged_id_is_not_found(staff_client, staff_a, today, value) -> None:
    assert (
        staff_client(staff_a[Role.RECEPTION]).post(URL, {"appointment": value}).status_code == 404
    )


def test_objects_of_another_job_centre_are_not_found(
    staff_client, staff_a, today, jc_b, customer_b, staff_b
) -> None:
    office_b = Office.objects.create(
        jobcenter=jc_b, name="Wiesbaden", street="x", postcode="65183", city="Wiesbaden"
    )
    foreign = make_appointment(
        appt_type=type_of(jc_b),
        customer=customer_b,
        staff=staff_b[Role.JOB_ADVISOR],
        starts_at=local(TODAY, time(10)),
        office=office_b,
    )
    client = staff_client(staff_a[Role.RECEPTION])
    assert client.get(URL, {"standort": office_b.pk}).status_code == 404
    assert client.post(URL, {"appointment": foreign.pk}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.checked_in_at is None


@pytest.mark.parametrize("role", [Role.JOB_ADVISOR, Role.CASEWORKER])
def test_reception_page_is_for_reception_and_leads(staff_client, staff_a, today, role) -> None:
    client = staff_client(staff_a[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"appointment": today["on_site"].pk}).status_code == 403
    assert staff_client(staff_a[Role.TEAM_LEAD]).get(URL).status_code == 200
