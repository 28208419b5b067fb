"""Ownership matrix of every customer appointments URL (DESIGN §4.7).

The appointment and the type belong to ``customer`` of job centre A (Fulda). Everyone
else gets 404 (or, without a login, the login page) and nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment, AppointmentType, Status
from tests.conftest import login_with_mfa

from .test_customer_pages import FIRST_SLOT, NOW, invite, value

BASE = "/fulda/mein-bereich/termine/"
# (method, path, form data); {pk} is the customer's appointment, {type} the bookable type.
ENDPOINTS: list[tuple[str, str, dict[str, str]]] = [
    ("get", BASE, {}),
    ("get", BASE + "buchen/", {}),
    ("get", BASE + "buchen/{type}/", {}),
    ("post", BASE + "buchen/{type}/", {"slot": "{slot}", "channel": "in_person"}),
    ("get", BASE + "kalender/", {}),
    ("post", BASE + "kalender/", {"action": "renew"}),
    ("get", BASE + "{pk}/", {}),
    ("post", BASE + "{pk}/bestaetigen/", {}),
    ("get", BASE + "{pk}/absagen/", {}),
    ("post", BASE + "{pk}/absagen/", {"reason": "illness", "wish": "cancel"}),
    ("get", BASE + "{pk}/termin.ics", {}),
]
OBJECT_ENDPOINTS = [e for e in ENDPOINTS if "{pk}" in e[1]]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def objects(
    customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> dict[str, object]:
    appointment = invite(customer, appt_type, advisor, FIRST_SLOT + timedelta(days=1))
    return {
        "pk": appointment.pk,
        "type": appt_type.pk,
        "slot": value(FIRST_SLOT, advisor),
        "appointment": appointment,
    }


def call(client: Client, endpoint: tuple[str, str, dict[str, str]], objects: dict[str, object]):
    method, path, data = endpoint
    url = path.format(**objects)
    form = {k: v.format(**objects) for k, v in data.items()}
    return getattr(client, method)(url, form) if method == "post" else client.get(url)


def assert_untouched(objects: dict[str, object], customer: CustomerProfile) -> None:
    appointment = objects["appointment"]
    assert isinstance(appointment, Appointment)
    appointment.refresh_from_db()
    assert appointment.status == Status.INVITED
    assert Appointment.objects.count() == 1
    assert not customer.__class__.objects.filter(calendar_feed__isnull=False).exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_customer_of_another_job_centre_gets_404(
    client: Client,
    objects: dict[str, object],
    customer: CustomerProfile,
    customer_b: CustomerProfile,
    endpoint,
) -> None:
    client.force_login(customer_b.user)
    assert call(client, endpoint, objects).status_code == 404
    assert_untouched(objects, customer)


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_another_customer_of_the_same_job_centre_gets_404(
    client: Client,
    objects: dict[str, object],
    customer: CustomerProfile,
    customer2: CustomerProfile,
    endpoint,
) -> None:
    client.force_login(customer2.user)
    assert call(client, endpoint, objects).status_code == 404
    assert_untouched(objects, customer)


@pytest.mark.parametrize("role", [Role.JOB_ADVISOR, Role.ADMIN, Role.RECEPTION])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_staff_get_404_in_the_customer_area(
    client: Client,
    objects: dict[str, object],
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    role: Role,
    endpoint,
) -> None:
    # Even the advisor whose appointment it is: the customer area is the customer's.
    login_with_mfa(client, staff_a[role])
    assert call(client, endpoint, objects).status_code == 404
    assert_untouched(objects, customer)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_staff_of_another_job_centre_get_404(
    client: Client,
    objects: dict[str, object],
    customer: CustomerProfile,
    staff_b: dict[Role, User],
    endpoint,
) -> None:
    login_with_mfa(client, staff_b[Role.ADMIN])
    assert call(client, endpoint, objects).status_code == 404
    assert_untouched(objects, customer)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_strangers_are_sent_to_log_in(
    client: Client, objects: dict[str, object], customer: CustomerProfile, endpoint
) -> None:
    response = call(client, endpoint, objects)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    assert_untouched(objects, customer)


@pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_object_of_job_centre_a_through_job_centre_bs_urls_is_404(
    client: Client,
    objects: dict[str, object],
    customer: CustomerProfile,
    customer_b: CustomerProfile,
    endpoint,
) -> None:
    jobcenter_b = customer_b.jobcenter
    jobcenter_b.enabled_modules = [*jobcenter_b.enabled_modules, "appointments"]
    jobcenter_b.save()
    client.force_login(customer_b.user)
    method, path, data = endpoint
    moved = (method, path.replace("/fulda/", f"/{jobcenter_b.slug}/"), data)
    assert call(client, moved, objects).status_code == 404
    assert_untouched(objects, customer)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e[0]} {e[1]}")
def test_the_owner_gets_through(
    client: Client, objects: dict[str, object], customer: CustomerProfile, endpoint
) -> None:
    # The other side of the matrix: the same requests work for the owner.
    client.force_login(customer.user)
    assert call(client, endpoint, objects).status_code in (200, 302)
