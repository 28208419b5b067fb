"""Consultation hours and absences: own for everyone with a calendar, anyone's for leads."""

from __future__ import annotations

from datetime import time

import pytest

from openjobcenter.accounts.models import Role
from openjobcenter.appointments.models import Absence, WeeklyHours
from openjobcenter.core.models import AuditAction, AuditEntry

from .test_staff_support import first_office, utc

URL = "/fulda/staff/termine/sprechzeiten/"


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to("2026-03-02 08:00 +0000", tick=False)


def _hours(**overrides: str) -> dict[str, str]:
    data = {
        "action": "add_hours",
        "hours-weekday": "2",
        "hours-start": "13:00",
        "hours-end": "15:30",
    }
    data.update(overrides)
    return data


def _absence(**overrides: str) -> dict[str, str]:
    data = {
        "action": "add_absence",
        "absence-kind": "holiday",
        "absence-start_day": "2026-03-23",
        "absence-start_time": "",
        "absence-end_day": "2026-03-27",
        "absence-end_time": "",
    }
    data.update(overrides)
    return data


def test_page_lists_own_hours(staff_client, advisor, appt_type) -> None:
    response = staff_client(advisor).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Meine Sprechzeiten" in html
    assert html.count('value="delete_hours"') == 5  # Mon–Fri from the fixture


def test_add_own_weekly_hours(staff_client, advisor, appt_type, jc_a) -> None:
    office = first_office(jc_a)
    response = staff_client(advisor).post(URL, _hours(**{"hours-office": str(office.pk)}))
    assert response.status_code == 302
    row = WeeklyHours.objects.get(staff=advisor, weekday=2, start=time(13))
    assert row.end == time(15, 30)
    assert row.office == office
    entry = AuditEntry.objects.get(object_type="appointment_config", action=AuditAction.CREATE)
    assert entry.object_id == str(row.pk)
    assert entry.subject == advisor


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours-end": "13:00"}, "Das Ende muss nach dem Beginn liegen."),
        ({"hours-end": "12:00"}, "Das Ende muss nach dem Beginn liegen."),
        ({"hours-start": "11:00"}, "überschneidet sich"),  # fixture has 08–12 every weekday
        ({"hours-start": "07:00", "hours-end": "08:30"}, "überschneidet sich"),
        ({"hours-weekday": "7"}, "Wochentag"),
        ({"hours-start": "nachmittags"}, "von"),
        ({"hours-office": "999999"}, "Standort"),
    ],
)
def test_bad_weekly_hours_are_refused(staff_client, advisor, appt_type, overrides, message) -> None:
    response = staff_client(advisor).post(URL, _hours(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert WeeklyHours.objects.filter(staff=advisor).count() == 5


def test_adjacent_hours_are_fine(staff_client, advisor, appt_type) -> None:
    response = staff_client(advisor).post(URL, _hours(**{"hours-start": "12:00"}))
    assert response.status_code == 302
    assert WeeklyHours.objects.filter(staff=advisor).count() == 6


def test_delete_own_hours(staff_client, advisor, appt_type) -> None:
    row = WeeklyHours.objects.filter(staff=advisor).earliest("pk")
    response = staff_client(advisor).post(URL, {"action": "delete_hours", "row": row.pk})
    assert response.status_code == 302
    assert not WeeklyHours.objects.filter(pk=row.pk).exists()
    assert AuditEntry.objects.filter(
        object_type="appointment_config", action=AuditAction.DELETE, object_id=str(row.pk)
    ).exists()


def test_advisor_cannot_edit_someone_elses_hours(staff_client, staff_a, advisor, appt_type) -> None:
    client = staff_client(staff_a[Role.CASEWORKER])
    assert client.get(URL, {"person": advisor.pk}).status_code == 403
    assert client.post(f"{URL}?person={advisor.pk}", _hours()).status_code == 403
    row = WeeklyHours.objects.filter(staff=advisor).earliest("pk")
    assert client.post(URL, {"action": "delete_hours", "row": row.pk}).status_code == 403
    assert WeeklyHours.objects.filter(staff=advisor).count() == 5


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.ADMIN])
def test_lead_edits_anyones_hours(staff_client, staff_a, advisor, appt_type, role) -> None:
    client = staff_client(staff_a[role])
    html = client.get(URL, {"person": advisor.pk}).content.decode()
    assert "Sprechzeiten und Abwesenheiten von Sam Job_Advisor" in html
    response = client.post(f"{URL}?person={advisor.pk}", _hours())
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?person={advisor.pk}"
    assert WeeklyHours.objects.filter(staff=advisor).count() == 6
    row = WeeklyHours.objects.filter(staff=advisor).earliest("pk")
    assert client.post(URL, {"action": "delete_hours", "row": row.pk}).status_code == 302


def test_reception_has_no_hours_page(staff_client, staff_a, appt_type) -> None:
    assert staff_client(staff_a[Role.RECEPTION]).get(URL).status_code == 403


def test_unknown_action_is_400(staff_client, advisor, appt_type) -> None:
    assert staff_client(advisor).post(URL, {"action": "drop_table"}).status_code == 400


def test_add_own_absence_for_whole_days(frozen, staff_client, advisor, appt_type) -> None:
    response = staff_client(advisor).post(URL, _absence())
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.staff == advisor
    assert absence.reason == "holiday"
    assert absence.starts_at == utc(2026, 3, 22, 23)  # Monday 00:00 CET
    assert absence.ends_at == utc(2026, 3, 27, 23)  # Saturday 00:00 CET
    html = staff_client(advisor).get(URL).content.decode()
    assert "Urlaub" in html
    assert AuditEntry.objects.filter(object_type="appointment_config", object_id=str(absence.pk))


def test_absence_with_times_across_the_spring_change(
    frozen, staff_client, advisor, appt_type
) -> None:
    response = staff_client(advisor).post(
        URL,
        _absence(
            **{
                "absence-kind": "training",
                "absence-start_day": "2026-03-27",
                "absence-start_time": "13:00",
                "absence-end_day": "2026-03-30",
                "absence-end_time": "12:00",
            }
        ),
    )
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert absence.starts_at == utc(2026, 3, 27, 12)  # CET
    assert absence.ends_at == utc(2026, 3, 30, 10)  # CEST


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"absence-end_day": "2026-03-22"}, "Das Ende muss nach dem Beginn liegen."),
        (
            {"absence-start_day": "2026-03-29", "absence-start_time": "02:30"},
            "Sommerzeit",
        ),
        ({"absence-kind": "party"}, "Art"),
        ({"absence-start_day": ""}, "von (Datum)"),
    ],
)
def test_bad_absences_are_refused(
    frozen, staff_client, advisor, appt_type, overrides, message
) -> None:
    response = staff_client(advisor).post(URL, _absence(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Absence.objects.exists()


def test_only_leads_enter_absences_for_the_whole_job_centre(
    frozen, staff_client, staff_a, advisor, appt_type
) -> None:
    # The field is not offered to an advisor; sending it anyway books an own absence.
    response = staff_client(advisor).post(URL, _absence(**{"absence-everyone": "on"}))
    assert response.status_code == 302
    assert Absence.objects.get().staff == advisor
    Absence.objects.all().delete()
    response = staff_client(staff_a[Role.TEAM_LEAD]).post(
        URL, _absence(**{"absence-everyone": "on"})
    )
    assert response.status_code == 302
    assert Absence.objects.get().staff is None


def test_delete_absences(frozen, staff_client, staff_a, advisor, appt_type, jc_a) -> None:
    own = Absence.objects.create(
        jobcenter=jc_a, staff=advisor, starts_at=utc(2026, 4, 1, 6), ends_at=utc(2026, 4, 1, 14)
    )
    everyone = Absence.objects.create(
        jobcenter=jc_a, staff=None, starts_at=utc(2026, 4, 3, 6), ends_at=utc(2026, 4, 3, 14)
    )
    others = Absence.objects.create(
        jobcenter=jc_a,
        staff=staff_a[Role.CASEWORKER],
        starts_at=utc(2026, 4, 1, 6),
        ends_at=utc(2026, 4, 1, 14),
    )
    client = staff_client(advisor)
    assert client.post(URL, {"action": "delete_absence", "row": everyone.pk}).status_code == 403
    assert client.post(URL, {"action": "delete_absence", "row": others.pk}).status_code == 403
    assert client.post(URL, {"action": "delete_absence", "row": own.pk}).status_code == 302
    assert set(Absence.objects.values_list("pk", flat=True)) == {everyone.pk, others.pk}
    lead = staff_client(staff_a[Role.TEAM_LEAD])
    assert lead.post(URL, {"action": "delete_absence", "row": everyone.pk}).status_code == 302
    assert set(Absence.objects.values_list("pk", flat=True)) == {others.pk}


def test_objects_of_another_job_centre_are_not_found(
    staff_client, staff_a, staff_b, appt_type, jc_b
) -> None:
    person_b = staff_b[Role.JOB_ADVISOR]
    hours_b = WeeklyHours.objects.create(
        jobcenter=jc_b, staff=person_b, weekday=0, start=time(8), end=time(12)
    )
    absence_b = Absence.objects.create(
        jobcenter=jc_b, staff=None, starts_at=utc(2027, 1, 1), ends_at=utc(2027, 1, 2)
    )
    client = staff_client(staff_a[Role.ADMIN])
    assert client.get(URL, {"person": person_b.pk}).status_code == 404
    assert client.post(f"{URL}?person={person_b.pk}", _hours()).status_code == 404
    assert client.post(URL, {"action": "delete_hours", "row": hours_b.pk}).status_code == 404
    assert client.post(URL, {"action": "delete_absence", "row": absence_b.pk}).status_code == 404
    assert client.post(URL, {"action": "delete_hours", "row": "x"}).status_code == 404
    assert WeeklyHours.objects.filter(pk=hours_b.pk).exists()
    assert Absence.objects.filter(pk=absence_b.pk).exists()
    assert not WeeklyHours.objects.filter(staff=person_b).exclude(pk=hours_b.pk).exists()
