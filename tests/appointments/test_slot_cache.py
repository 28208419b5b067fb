"""The free-slot API answers from the shared cache, and never serves what changed since.

Every service that changes availability makes the job centre's cached answers
unreachable (a version token in the shared cache), so the next request sees the
change at once, in every process.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments import services, services_config
from openjobcenter.appointments.models import AppointmentType
from openjobcenter.appointments.slot_cache import free_slot_rows
from openjobcenter.tenants.models import Jobcenter

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # Monday 07:00 Berlin
TUESDAY_8 = "2026-03-03T07:00:00Z"
DAY = {"von": "2026-03-03", "bis": "2026-03-03"}


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def api(client: Client, customer: CustomerProfile, advisor: User) -> Client:
    client.force_login(customer.user)
    return client


def starts(api: Client, appt_type: AppointmentType) -> list[str]:
    url = f"/api/v1/appointments/fulda/types/{appt_type.pk}/slots"
    response = api.get(url, DAY)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [s["starts_at"] for s in response.json()]


def test_answer_shape_and_second_request_is_cheaper(
    api: Client, appt_type: AppointmentType, advisor: User
) -> None:
    url = f"/api/v1/appointments/fulda/types/{appt_type.pk}/slots"
    first = api.get(url, DAY).json()
    assert first[0] == {
        "starts_at": TUESDAY_8,
        "ends_at": "2026-03-03T07:30:00Z",
        "staff_id": advisor.pk,
        "office_id": first[0]["office_id"],
    }
    assert isinstance(first[0]["office_id"], int)
    with CaptureQueriesContext(connection) as ctx:
        again = api.get(url, DAY).json()
    assert again == first
    tables = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "appointments_weeklyhours" not in tables  # served from the cache


def test_booking_by_someone_else_shows_at_once(
    api: Client,
    appt_type: AppointmentType,
    advisor: User,
    customer2: CustomerProfile,
) -> None:
    assert TUESDAY_8 in starts(api, appt_type)
    customer2.advisor = advisor
    customer2.save(update_fields=["advisor"])
    services.appointment_book(
        request=None,
        customer=customer2,
        booking=services.BookingRequest(
            appt_type=appt_type,
            staff_id=advisor.pk,
            starts_at=datetime(2026, 3, 3, 7, tzinfo=UTC),
            channel="phone",
        ),
        actor=customer2.user,
    )
    assert TUESDAY_8 not in starts(api, appt_type)


def test_configuration_changes_show_at_once(
    api: Client, appt_type: AppointmentType, advisor: User, jc_a: Jobcenter
) -> None:
    assert len(starts(api, appt_type)) == 8
    absence = services_config.absence_add(
        request=None,
        actor=advisor,
        jobcenter=jc_a,
        staff=advisor,
        starts_at=datetime(2026, 3, 3, 7, tzinfo=UTC),
        ends_at=datetime(2026, 3, 3, 9, tzinfo=UTC),
        reason="Fortbildung",
    )
    assert len(starts(api, appt_type)) == 4
    services_config.absence_delete(request=None, actor=advisor, absence=absence)
    assert len(starts(api, appt_type)) == 8


def test_notice_period_is_applied_when_read(appt_type: AppointmentType, advisor: User) -> None:
    # One entry serves a minute; 30 seconds into it, 12 hours' notice ends after 07:00 UTC.
    minute = datetime(2026, 3, 2, 19, 0, tzinfo=UTC)
    rows = free_slot_rows(appt_type=appt_type, staff_ids=[advisor.pk], now=minute)
    assert rows[0]["starts_at"] == TUESDAY_8
    with CaptureQueriesContext(connection) as ctx:
        rows = free_slot_rows(
            appt_type=appt_type, staff_ids=[advisor.pk], now=minute + timedelta(seconds=30)
        )
    assert not any("appointments_" in q["sql"] for q in ctx.captured_queries)
    assert rows[0]["starts_at"] == "2026-03-03T07:30:00Z"


def test_a_lost_version_key_is_only_a_miss(
    api: Client, appt_type: AppointmentType, advisor: User
) -> None:
    first = starts(api, appt_type)
    cache.delete(f"appointments:slots-version:{appt_type.jobcenter_id}")
    assert starts(api, appt_type) == first
