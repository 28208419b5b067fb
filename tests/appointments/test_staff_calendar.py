"""Staff calendar: day and week view, someone else's calendar for leads, audit of the read."""

from __future__ import annotations

from datetime import date, time

import pytest

from openjobcenter.accounts.models import Role
from openjobcenter.appointments.models import Status
from openjobcenter.core.models import AuditAction, AuditEntry

from .test_staff_support import local, make_appointment, utc

URL = "/fulda/staff/termine/"
MONDAY = date(2026, 12, 7)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to("2026-12-01 08:00 +0000", tick=False)


@pytest.fixture
def booked(frozen, appt_type, advisor, customer, customer2):
    return [
        make_appointment(
            appt_type=appt_type, customer=customer, staff=advisor, starts_at=local(MONDAY, time(9))
        ),
        make_appointment(
            appt_type=appt_type,
            customer=customer2,
            staff=advisor,
            starts_at=local(date(2026, 12, 9), time(10, 30)),
            channel="phone",
            status=Status.INVITED,
            checked_in_at=None,
        ),
    ]


def test_day_view_lists_own_appointments_in_berlin_time(staff_client, advisor, booked) -> None:
    response = staff_client(advisor).get(URL, {"tag": "2026-12-07"})
    assert response.status_code == 200
    html = response.content.decode()
    assert booked[0].starts_at == utc(2026, 12, 7, 8)  # 09:00 in winter
    assert "09:00–09:30" in html
    assert "Karl Kunde" in html
    assert "A-1001" in html
    assert "Beratung bei Ihrer Ansprechperson" in html
    assert "vor Ort" in html
    assert "gebucht" in html
    assert "A-1002" not in html  # that one is on Wednesday
    assert 'aria-current="page">Tag' in html


def test_week_view_shows_every_day_of_the_week(staff_client, advisor, booked) -> None:
    response = staff_client(advisor).get(URL, {"tag": "2026-12-09", "ansicht": "woche"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Montag, 7. Dezember 2026" in html
    assert "Sonntag, 13. Dezember 2026" in html
    assert "A-1001" in html
    assert "A-1002" in html
    assert "10:30–11:00" in html
    assert "Einladung offen" in html
    assert "2 Termine in diesem Zeitraum" in html


def test_checked_in_appointments_are_marked(staff_client, advisor, booked) -> None:
    appointment = booked[0]
    appointment.checked_in_at = local(MONDAY, time(8, 55))
    appointment.save()
    html = staff_client(advisor).get(URL, {"tag": "2026-12-07"}).content.decode()
    assert "angemeldet um 08:55 Uhr" in html


def test_reading_the_calendar_is_audited(staff_client, advisor, booked) -> None:
    staff_client(advisor).get(URL, {"tag": "2026-12-07", "ansicht": "woche"})
    entry = AuditEntry.objects.get(object_type="appointment_calendar")
    assert entry.action == AuditAction.READ
    assert entry.actor == advisor
    assert entry.object_id == str(advisor.pk)
    assert "woche 2026-12-07" in entry.detail


def test_appointments_of_other_staff_are_not_in_my_calendar(
    staff_client, staff_a, appt_type, advisor, booked
) -> None:
    html = staff_client(staff_a[Role.CASEWORKER]).get(URL, {"tag": "2026-12-07"}).content.decode()
    assert "A-1001" not in html
    assert "Keine Termine." in html


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.ADMIN])
def test_lead_can_open_the_calendar_of_another_person(
    staff_client, staff_a, advisor, booked, role
) -> None:
    response = staff_client(staff_a[role]).get(
        URL, {"tag": "2026-12-07", "person": str(advisor.pk)}
    )
    assert response.status_code == 200
    assert "A-1001" in response.content.decode()
    assert AuditEntry.objects.get(object_type="appointment_calendar").object_id == str(advisor.pk)


def test_job_advisor_cannot_open_the_calendar_of_another_person(
    staff_client, staff_a, advisor, booked
) -> None:
    response = staff_client(staff_a[Role.CASEWORKER]).get(URL, {"person": str(advisor.pk)})
    assert response.status_code == 403


def test_reception_cannot_open_any_calendar(staff_client, staff_a, advisor, appt_type) -> None:
    client = staff_client(staff_a[Role.RECEPTION])
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"person": str(advisor.pk)}).status_code == 403


@pytest.mark.parametrize("person", ["abc", "999999", "-1", ""])
def test_unknown_person_is_not_found(staff_client, staff_a, appt_type, person) -> None:
    response = staff_client(staff_a[Role.TEAM_LEAD]).get(URL, {"person": person})
    assert response.status_code == (200 if person == "" else 404)


def test_person_of_another_job_centre_is_not_found(
    staff_client, staff_a, staff_b, appt_type
) -> None:
    response = staff_client(staff_a[Role.ADMIN]).get(
        URL, {"person": str(staff_b[Role.JOB_ADVISOR].pk)}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("params", [{"tag": "2026-13-01"}, {"tag": "morgen"}, {"ansicht": "monat"}])
def test_bad_parameters_are_refused(staff_client, advisor, appt_type, params) -> None:
    assert staff_client(advisor).get(URL, params).status_code == 400


def test_week_view_across_the_autumn_clock_change(
    staff_client, advisor, customer, appt_type
) -> None:
    # Sunday 25 October 2026 has 25 hours; 23:30 local on that day is still on that day.
    late = make_appointment(
        appt_type=appt_type,
        customer=customer,
        staff=advisor,
        starts_at=local(date(2026, 10, 25), time(23, 30)),
        status=Status.ATTENDED,
    )
    assert late.starts_at == utc(2026, 10, 25, 22, 30)
    html = staff_client(advisor).get(URL, {"tag": "2026-10-25"}).content.decode()
    assert "23:30–00:00" in html
    html = staff_client(advisor).get(URL, {"tag": "2026-10-26"}).content.decode()
    assert "A-1001" not in html


def test_module_switched_off_is_not_found(staff_client, advisor, jc_a, appt_type) -> None:
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "appointments"]
    jc_a.save()
    assert staff_client(advisor).get(URL).status_code == 404


def test_navigation_links_follow_the_role(staff_client, staff_a, appt_type) -> None:
    html = staff_client(staff_a[Role.JOB_ADVISOR]).get("/fulda/staff/").content.decode()
    assert 'href="/fulda/staff/termine/"' in html
    assert 'href="/fulda/staff/termine/empfang/"' not in html
    html = staff_client(staff_a[Role.RECEPTION]).get("/fulda/staff/").content.decode()
    assert 'href="/fulda/staff/termine/"' not in html
    assert 'href="/fulda/staff/termine/empfang/"' in html


def test_stranger_is_sent_to_login(client, appt_type) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
