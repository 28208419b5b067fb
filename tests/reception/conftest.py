"""Reception fixtures: a morning in Fulda with one appointment on site, two waiting
areas with desks, and a display."""

from __future__ import annotations

from datetime import date, time
from typing import Any

import pytest

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment, AppointmentType
from openjobcenter.reception.models import Desk, WaitingArea
from openjobcenter.reception.services_config import display_create
from openjobcenter.tenants.models import Jobcenter
from tests.appointments.test_staff_support import local, make_appointment

TODAY = date(2026, 12, 1)


@pytest.fixture
def frozen(time_machine: Any) -> None:
    time_machine.move_to("2026-12-01 08:30 +0000", tick=False)  # 09:30 in Fulda


@pytest.fixture
def on_site(
    frozen: None, appt_type: AppointmentType, advisor: User, customer: CustomerProfile
) -> Appointment:
    return make_appointment(
        appt_type=appt_type, customer=customer, staff=advisor, starts_at=local(TODAY, time(10))
    )


@pytest.fixture
def areas(jc_a: Jobcenter, jc_b: Jobcenter) -> dict[str, Any]:
    b = WaitingArea.objects.create(jobcenter=jc_a, name="B", prefix="A")
    c = WaitingArea.objects.create(jobcenter=jc_a, name="C", prefix="C")
    other = WaitingArea.objects.create(jobcenter=jc_b, name="B", prefix="A")
    return {
        "b": b,
        "c": c,
        "other": other,
        "desk3": Desk.objects.create(jobcenter=jc_a, area=b, name="Platz 3"),
        "desk_c": Desk.objects.create(jobcenter=jc_a, area=c, name="Platz 7"),
        "desk_other": Desk.objects.create(jobcenter=jc_b, area=other, name="Platz 3"),
    }


@pytest.fixture
def display(areas: dict[str, Any], jc_a: Jobcenter, staff_a: dict[Role, User]) -> dict[str, Any]:
    screen, token = display_create(
        request=None, actor=staff_a[Role.ADMIN], jobcenter=jc_a, area=areas["b"], name="Flur"
    )
    return {"display": screen, "token": token}
