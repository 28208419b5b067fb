"""Appointments staff can trust (issue 18, part 6), on the pages and in the staff API:
warnings with an override reason, an invitation that answers a move request replaces
the appointment (also when sent twice), and the advisor picker."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from typing import Any

import pytest
import time_machine
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, StaffMembership, User
from openjobcenter.appointments.models import (
    Appointment,
    AppointmentMove,
    AppointmentType,
    Channel,
    Status,
)
from openjobcenter.core.models import AuditEntry
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa, make_user

from .test_staff_support import first_office, local, make_appointment

URL = "/fulda/staff/termine/neu/"
API = "/api/v1/appointments/fulda/staff/invitations"
CHRISTMAS = "Der 25.12.2026 ist ein Feiertag in Hessen (1. Weihnachtstag)."


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    # Tuesday 1 December 2026.
    with time_machine.travel(datetime(2026, 12, 1, 7, tzinfo=UTC), tick=False):
        yield


def _form(appt_type: AppointmentType, staff: User, **overrides: str) -> dict[str, str]:
    data = {
        "appt_type": str(appt_type.pk),
        "staff": str(staff.pk),
        "day": "2026-12-25",
        "at": "09:00",
        "channel": "in_person",
        "office": str(first_office(Jobcenter.objects.get(slug="fulda")).pk),
        "note": "",
        "override_reason": "",
    }
    data.update(overrides)
    return data


# --- 1. Holidays, weekends, opening hours ----------------------------------------------


def test_page_warns_on_a_holiday_and_stores_the_reason(
    staff_client: Any, advisor: User, customer: CustomerProfile, appt_type: AppointmentType
) -> None:
    client = staff_client(advisor)
    response = client.post(f"{URL}?kunde={customer.pk}", _form(appt_type, advisor))
    assert response.status_code == 400
    html = response.content.decode()
    assert CHRISTMAS in html
    assert "Dieser Zeitpunkt liegt außerhalb der Öffnungszeiten" in html
    assert "Wenn der Termin trotzdem stattfinden soll" in html
    assert not Appointment.objects.exists()

    reason = "Die Kundin kann nur an Feiertagen (Schichtdienst)."
    response = client.post(
        f"{URL}?kunde={customer.pk}", _form(appt_type, advisor, override_reason=reason)
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.status, appointment.override_reason) == (Status.INVITED, reason)
    assert AuditEntry.objects.filter(
        object_type="appointment", object_id=str(appointment.pk), detail__contains=reason
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Außerhalb der Öffnungszeiten, weil" in page
    assert reason in page


def test_page_warns_on_a_weekend_and_after_closing(
    staff_client: Any, advisor: User, customer: CustomerProfile, appt_type: AppointmentType
) -> None:
    client = staff_client(advisor)
    response = client.post(
        f"{URL}?kunde={customer.pk}", _form(appt_type, advisor, day="2026-12-05", at="10:00")
    )
    assert response.status_code == 400
    assert "Der 05.12.2026 ist ein Samstag." in response.content.decode()
    response = client.post(
        f"{URL}?kunde={customer.pk}", _form(appt_type, advisor, day="2026-12-08", at="11:45")
    )
    assert response.status_code == 400
    assert (
        "Der Standort ist am 08.12.2026 von 11:45 bis 12:15 Uhr nicht durchgehend geöffnet"
        in response.content.decode()
    )
    assert not Appointment.objects.exists()
    response = client.post(
        f"{URL}?kunde={customer.pk}", _form(appt_type, advisor, day="2026-12-08", at="11:30")
    )
    assert response.status_code == 302


def test_reschedule_page_warns_and_takes_a_reason(
    staff_client: Any, advisor: User, customer: CustomerProfile, appt_type: AppointmentType
) -> None:
    appointment = make_appointment(
        appt_type=appt_type,
        customer=customer,
        staff=advisor,
        starts_at=local(date(2026, 12, 8), time(9)),
    )
    client = staff_client(advisor)
    url = f"/fulda/staff/termine/{appointment.pk}/"
    data = {
        "action": "reschedule",
        "reschedule-day": "2026-12-26",
        "reschedule-at": "10:00",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Der 26.12.2026 ist ein Feiertag in Hessen (2. Weihnachtstag)." in (
        response.content.decode()
    )
    appointment.refresh_from_db()
    assert appointment.starts_at == local(date(2026, 12, 8), time(9))
    response = client.post(url, {**data, "reschedule-override_reason": "Notfalltermin"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.override_reason == "Notfalltermin"
    # The same form sent again moves nothing and writes no second history line.
    writes = AuditEntry.objects.filter(object_type="appointment").exclude(action="read")
    before = writes.count()
    response = client.post(url, {**data, "reschedule-override_reason": "Notfalltermin"})
    assert response.status_code == 302
    assert AppointmentMove.objects.filter(appointment=appointment).count() == 1
    assert writes.count() == before
    page = client.get(url).content.decode()
    assert "Verlauf" in page
    assert "verlegt auf 26. Dezember 2026, 10:00 Uhr" in page


def test_api_answers_422_with_a_code_unless_a_reason_is_sent(
    advisor: User, customer: CustomerProfile, appt_type: AppointmentType
) -> None:
    client = login_with_mfa(Client(), advisor)
    body = {
        "customer_id": customer.pk,
        "type_id": appt_type.pk,
        "starts_at": "2026-12-25T08:00:00Z",
        "channel": "phone",
    }
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 422
    payload = response.json()
    assert payload["code"] == "outside_opening_hours"
    assert payload["reasons"] == [{"code": "holiday", "message": CHRISTMAS}]
    assert not Appointment.objects.exists()
    response = client.post(
        API,
        {**body, "override_reason": "Telefonat auf Wunsch der Kundin"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["override_reason"] == "Telefonat auf Wunsch der Kundin"
    # A Sunday: two reasons at once are both named.
    response = client.post(
        API, {**body, "starts_at": "2026-12-27T08:00:00Z"}, content_type="application/json"
    )
    assert [r["code"] for r in response.json()["reasons"]] == ["weekend"]
    response = client.post(
        API, {**body, "starts_at": "2027-10-03T08:00:00Z"}, content_type="application/json"
    )
    assert [r["code"] for r in response.json()["reasons"]] == ["holiday", "weekend"]
    assert Appointment.objects.count() == 1


# --- 2. An invitation answering a move request replaces the appointment --------------


@pytest.fixture
def asked_to_move(
    advisor: User, customer: CustomerProfile, appt_type: AppointmentType
) -> Appointment:
    appointment = make_appointment(
        appt_type=appt_type,
        customer=customer,
        staff=advisor,
        starts_at=local(date(2026, 12, 8), time(9)),
    )
    appointment.status = Status.CHANGE_REQUESTED
    appointment.change_reason = "illness"
    appointment.save()
    return appointment


def test_page_answer_replaces_and_a_second_submit_does_nothing(
    staff_client: Any,
    advisor: User,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    asked_to_move: Appointment,
) -> None:
    client = staff_client(advisor)
    form = client.get(URL, {"kunde": customer.pk, "ersetzt": asked_to_move.pk})
    assert f'<option value="{asked_to_move.pk}" selected>' in form.content.decode()
    data = _form(appt_type, advisor, day="2026-12-10", at="10:00", replaces=str(asked_to_move.pk))
    first = client.post(f"{URL}?kunde={customer.pk}", data)
    assert first.status_code == 302
    assert first["Location"] == f"/fulda/staff/termine/{asked_to_move.pk}/"
    second = client.post(f"{URL}?kunde={customer.pk}", data)
    assert second.status_code == 302
    assert second["Location"] == f"/fulda/staff/termine/{asked_to_move.pk}/"
    page = client.get(second["Location"]).content.decode()
    assert "Diese Bitte um einen anderen Termin ist schon beantwortet" in page
    appointment = Appointment.objects.get()
    assert appointment.pk == asked_to_move.pk
    assert appointment.status == Status.INVITED
    assert appointment.starts_at == local(date(2026, 12, 10), time(10))
    assert appointment.change_reason == "illness"
    (move,) = AppointmentMove.objects.all()
    assert (move.moved_from, move.moved_to, move.answered_request) == (
        local(date(2026, 12, 8), time(9)),
        local(date(2026, 12, 10), time(10)),
        True,
    )
    assert "Termin am 8. Dezember 2026, 09:00 Uhr – verlegt auf 10. Dezember 2026, 10:00 Uhr" in (
        page
    )
    assert "auf Bitte der Kundin oder des Kunden" in page


def test_api_answer_replaces_once(
    advisor: User,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    appt_type: AppointmentType,
    asked_to_move: Appointment,
) -> None:
    client = login_with_mfa(Client(), advisor)
    body = {
        "customer_id": customer.pk,
        "type_id": appt_type.pk,
        "starts_at": "2026-12-10T09:00:00Z",
        "channel": "phone",
        "replaces_id": asked_to_move.pk,
    }
    # Another customer's appointment is not answered through this one.
    response = client.post(
        API, {**body, "customer_id": customer2.pk}, content_type="application/json"
    )
    assert (response.status_code, response.json()["detail"][0]["loc"][-1]) == (
        422,
        "replaces_id",
    )
    response = client.post(API, body, content_type="application/json")
    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["id"], out["status"]) == (asked_to_move.pk, "invited")
    assert out["rescheduled_from"].startswith("2026-12-08T08:00:00")
    again = client.post(API, body, content_type="application/json")
    assert again.status_code == 422
    assert again.json()["detail"][0]["msg"] == (
        "Diese Bitte um einen anderen Termin ist schon beantwortet."
    )
    assert Appointment.objects.count() == 1
    assert AppointmentMove.objects.count() == 1


# --- 3. The advisor picker -------------------------------------------------------------


def test_picker_lists_people_by_name_and_role(
    staff_client: Any,
    advisor: User,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
    jc_a: Jobcenter,
    customer: CustomerProfile,
    appt_type: AppointmentType,
) -> None:
    petra = make_user("petra.berger@example.org", "Petra", "Berger")
    StaffMembership.objects.create(user=petra, jobcenter=jc_a, role=Role.JOB_ADVISOR)
    gone = make_user("alt@example.org", "Anton", "Ausgeschieden")
    StaffMembership.objects.create(user=gone, jobcenter=jc_a, role=Role.CASEWORKER)
    gone.is_active = False
    gone.save()
    html = staff_client(advisor).get(URL, {"kunde": customer.pk}).content.decode()
    picker = html[html.index('name="staff"') : html.index("</select>", html.index('name="staff"'))]
    assert f'<option value="{petra.pk}">Petra Berger – Arbeitsvermittlung</option>' in picker
    assert f"{staff_a[Role.CASEWORKER].display_name} – Leistungssachbearbeitung" in picker
    assert f'value="{staff_a[Role.RECEPTION].pk}"' not in picker
    assert f'value="{gone.pk}"' not in picker
    assert f'value="{staff_b[Role.JOB_ADVISOR].pk}"' not in picker
    names = [
        line.split(">")[1].split(" – ")[0] for line in picker.split("<option")[1:] if " – " in line
    ]
    last_names = [name.split()[-1] for name in names]
    assert last_names == sorted(last_names)


def test_picking_someone_who_cannot_hold_it_is_a_form_error(
    staff_client: Any,
    advisor: User,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    appt_type: AppointmentType,
) -> None:
    client = staff_client(advisor)
    response = client.post(
        f"{URL}?kunde={customer.pk}",
        _form(appt_type, staff_a[Role.RECEPTION], day="2026-12-08", at="10:00"),
    )
    assert response.status_code == 400
    assert (
        "Bei dieser Person können Sie keinen Termin vergeben. Bitte wählen Sie eine Person "
        "aus der Liste." in response.content.decode()
    )
    assert not Appointment.objects.exists()
    lead = login_with_mfa(Client(), staff_a[Role.TEAM_LEAD])
    response = lead.post(
        API,
        {
            "customer_id": customer.pk,
            "type_id": appt_type.pk,
            "starts_at": "2026-12-08T09:00:00Z",
            "channel": Channel.PHONE.value,
            "staff_id": staff_a[Role.RECEPTION].pk,
        },
        content_type="application/json",
    )
    assert (response.status_code, response.json()["detail"][0]["loc"][-1]) == (422, "staff_id")
    assert not Appointment.objects.exists()
