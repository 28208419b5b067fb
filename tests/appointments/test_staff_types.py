"""Appointment types: listed and edited by team leads and admins only."""

from __future__ import annotations

import pytest

from openjobcenter.accounts.models import Role
from openjobcenter.appointments.models import AppointmentType
from openjobcenter.core.models import AuditAction, AuditEntry

from .test_staff_support import type_of

LIST = "/fulda/staff/termine/arten/"
NEW = "/fulda/staff/termine/arten/neu/"


def _edit(appt_type: AppointmentType) -> str:
    return f"/fulda/staff/termine/arten/{appt_type.pk}/"


def _data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Erstgespräch",
        "description": "Wir lernen uns kennen.",
        "duration_min": "45",
        "buffer_min": "15",
        "channels": ["in_person", "video"],
        "self_bookable": "on",
        "horizon_days": "28",
        "notice_hours": "24",
        "what_to_bring": "Ausweis, Lebenslauf",
        "legal_notice": "Bitte kommen Sie. Sonst kann das Bürgergeld gemindert werden.",
        "is_active": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", [Role.TEAM_LEAD, Role.ADMIN])
def test_leads_see_the_list(staff_client, staff_a, appt_type, role) -> None:
    response = staff_client(staff_a[role]).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Beratung bei Ihrer Ansprechperson" in html
    assert "vor Ort, am Telefon, per Video" in html
    assert "30 Min." in html


@pytest.mark.parametrize("role", [Role.RECEPTION, Role.CASEWORKER, Role.JOB_ADVISOR])
def test_others_may_not_configure_types(staff_client, staff_a, appt_type, role) -> None:
    client = staff_client(staff_a[role])
    assert client.get(LIST).status_code == 403
    assert client.get(NEW).status_code == 403
    assert client.get(_edit(appt_type)).status_code == 403
    assert client.post(NEW, _data()).status_code == 403
    assert client.post(_edit(appt_type), _data()).status_code == 403
    assert AppointmentType.objects.count() == 1
    assert AppointmentType.objects.get().name == "Beratung bei Ihrer Ansprechperson"


def test_create_a_type(staff_client, staff_a, appt_type, jc_a) -> None:
    response = staff_client(staff_a[Role.TEAM_LEAD]).post(NEW, _data())
    assert response.status_code == 302
    assert response["Location"] == LIST
    created = AppointmentType.objects.get(name="Erstgespräch")
    assert created.jobcenter == jc_a
    assert created.duration_min == 45
    assert created.buffer_min == 15
    assert created.channels == ["in_person", "video"]
    assert created.self_bookable is True
    assert created.own_advisor_only is False
    assert created.legal_notice.startswith("Bitte kommen Sie.")
    entry = AuditEntry.objects.get(object_type="appointment_config", action=AuditAction.CREATE)
    assert entry.object_id == str(created.pk)


def test_edit_a_type(staff_client, staff_a, appt_type) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    html = client.get(_edit(appt_type)).content.decode()
    assert 'value="Beratung bei Ihrer Ansprechperson"' in html
    response = client.post(
        _edit(appt_type), _data(name="Beratung", channels=["phone"], is_active="")
    )
    assert response.status_code == 302
    appt_type.refresh_from_db()
    assert appt_type.name == "Beratung"
    assert appt_type.channels == ["phone"]
    assert appt_type.is_active is False
    entry = AuditEntry.objects.get(object_type="appointment_config", action=AuditAction.UPDATE)
    assert "name" in entry.detail
    assert "channels" in entry.detail


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": ""},
        {"duration_min": "0"},
        {"duration_min": "481"},
        {"buffer_min": "121"},
        {"channels": []},
        {"channels": ["fax"]},
        {"horizon_days": "0"},
        {"notice_hours": "-1"},
        {"name": "x" * 121},
    ],
)
def test_bad_input_changes_nothing(staff_client, staff_a, appt_type, overrides) -> None:
    client = staff_client(staff_a[Role.TEAM_LEAD])
    assert client.post(NEW, _data(**overrides)).status_code == 400
    assert client.post(_edit(appt_type), _data(**overrides)).status_code == 400
    assert AppointmentType.objects.count() == 1
    appt_type.refresh_from_db()
    assert appt_type.name == "Beratung bei Ihrer Ansprechperson"
    assert appt_type.duration_min == 30
    assert not AuditEntry.objects.filter(object_type="appointment_config").exists()


def test_type_of_another_job_centre_is_not_found(staff_client, staff_a, appt_type, jc_b) -> None:
    foreign = type_of(jc_b, name="Wiesbadener Beratung")
    client = staff_client(staff_a[Role.ADMIN])
    assert client.get(_edit(foreign)).status_code == 404
    assert client.post(_edit(foreign), _data()).status_code == 404
    foreign.refresh_from_db()
    assert foreign.name == "Wiesbadener Beratung"
    assert "Wiesbadener Beratung" not in client.get(LIST).content.decode()
