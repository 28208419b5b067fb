"""Ownership matrix of the staff appointment pages (DESIGN §4.7): outsiders get 404."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from django.test import Client

from openjobcenter.accounts.models import Role
from openjobcenter.appointments.models import Absence, Appointment, AppointmentType, WeeklyHours
from openjobcenter.tenants.models import Office

from ..conftest import login_with_mfa
from .test_staff_support import make_appointment, type_of

# (method, path, data); {appointment}, {type}, {hours}, ... are job centre A's objects.
ENDPOINTS = [
    ("get", "/fulda/staff/termine/", {}),
    ("get", "/fulda/staff/termine/?person={person}", {}),
    ("get", "/fulda/staff/termine/neu/?kunde={customer}", {}),
    ("post", "/fulda/staff/termine/neu/?kunde={customer}", {}),
    ("get", "/fulda/staff/termine/{appointment}/", {}),
    ("post", "/fulda/staff/termine/{appointment}/", {"action": "missed"}),
    ("get", "/fulda/staff/termine/empfang/?standort={office}", {}),
    ("post", "/fulda/staff/termine/empfang/", {"appointment": "{appointment}"}),
    ("get", "/fulda/staff/termine/sprechzeiten/?person={person}", {}),
    ("post", "/fulda/staff/termine/sprechzeiten/", {"action": "delete_hours", "row": "{hours}"}),
    (
        "post",
        "/fulda/staff/termine/sprechzeiten/",
        {"action": "delete_absence", "row": "{absence}"},
    ),
    ("get", "/fulda/staff/termine/arten/", {}),
    ("get", "/fulda/staff/termine/arten/neu/", {}),
    ("get", "/fulda/staff/termine/arten/{type}/", {}),
    ("post", "/fulda/staff/termine/arten/{type}/", {"name": "geändert"}),
]
OBJECT_ENDPOINTS = [e for e in ENDPOINTS if "{" in e[1] or any("{" in v for v in e[2].values())]


def _objects(jobcenter, customer, staff, appt_type) -> dict[str, int]:
    office = Office.objects.filter(jobcenter=jobcenter).first() or Office.objects.create(
        jobcenter=jobcenter, name="Zentrale", street="x", postcode="65183", city="Wiesbaden"
    )
    appointment = make_appointment(
        appt_type=appt_type,
        customer=customer,
        staff=staff,
        office=office,
        starts_at=datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1),
    )
    hours = WeeklyHours.objects.create(
        jobcenter=jobcenter, staff=staff, weekday=6, start=time(8), end=time(9)
    )
    absence = Absence.objects.create(
        jobcenter=jobcenter,
        staff=None,
        starts_at=datetime(2030, 1, 1, tzinfo=UTC),
        ends_at=datetime(2030, 1, 2, tzinfo=UTC),
    )
    return {
        "appointment": appointment.pk,
        "type": appt_type.pk,
        "customer": customer.pk,
        "person": staff.pk,
        "office": office.pk,
        "hours": hours.pk,
        "absence": absence.pk,
    }


@pytest.fixture
def objects_a(jc_a, customer, advisor, appt_type):
    return _objects(jc_a, customer, advisor, appt_type)


@pytest.fixture
def objects_b(jc_b, customer_b, staff_b):
    jc_b.enabled_modules = [*jc_b.enabled_modules, "appointments"]
    jc_b.save()
    return _objects(jc_b, customer_b, staff_b[Role.JOB_ADVISOR], type_of(jc_b))


def _call(client: Client, method: str, path: str, data: dict[str, str], objects: dict[str, int]):
    filled = {k: v.format(**objects) for k, v in data.items()}
    return getattr(client, method)(path.format(**objects), filled)


def _state() -> tuple[object, ...]:
    return (
        list(Appointment.objects.values_list("pk", "status", "starts_at", "checked_in_at")),
        list(AppointmentType.objects.values_list("pk", "name")),
        WeeklyHours.objects.count(),
        Absence.objects.count(),
    )


@pytest.mark.parametrize(("method", "path", "data"), ENDPOINTS)
def test_staff_of_another_job_centre_get_404(
    client, objects_a, objects_b, staff_b, method, path, data
) -> None:
    login_with_mfa(client, staff_b[Role.ADMIN])
    before = _state()
    assert _call(client, method, path, data, objects_a).status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("method", "path", "data"), OBJECT_ENDPOINTS)
def test_objects_of_another_job_centre_get_404(
    client, objects_a, objects_b, staff_a, method, path, data
) -> None:
    # Admin of A asks for B's objects through A's URLs.
    login_with_mfa(client, staff_a[Role.ADMIN])
    before = _state()
    assert _call(client, method, path, data, objects_b).status_code == 404
    assert _state() == before


@pytest.mark.parametrize(("method", "path", "data"), ENDPOINTS)
def test_customers_get_404(client, objects_a, customer2, method, path, data) -> None:
    client.force_login(customer2.user)
    assert _call(client, method, path, data, objects_a).status_code == 404


@pytest.mark.parametrize(("method", "path", "data"), ENDPOINTS)
def test_strangers_are_sent_to_login(client, objects_a, method, path, data) -> None:
    response = _call(client, method, path, data, objects_a)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


@pytest.mark.parametrize(("method", "path", "data"), ENDPOINTS)
def test_module_switched_off_is_404_for_everyone(
    client, objects_a, staff_a, jc_a, method, path, data
) -> None:
    jc_a.enabled_modules = []
    jc_a.save()
    login_with_mfa(client, staff_a[Role.ADMIN])
    assert _call(client, method, path, data, objects_a).status_code == 404
