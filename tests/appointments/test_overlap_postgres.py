"""Overlaps of staff-created times are refused by PostgreSQL itself (exclusion constraint).

Two invitations for one advisor with different starts that overlap ([10:00, 10:30) and
[10:15, 10:45)), sent by two connections at once with the services' own overlap check
bypassed: the database stores exactly one, the other caller gets ``SlotTaken`` (the
message staff see today), never an ``IntegrityError``.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from datetime import datetime, timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments import services, services_staff
from openjobcenter.appointments.models import Appointment, AppointmentType, Status
from openjobcenter.appointments.opening import holiday_on
from openjobcenter.appointments.slots import BERLIN
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import make_customer

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


def _ten_o_clock() -> datetime:
    """10:00 on a working day a week or so ahead (inside the office's opening hours)."""
    day = (timezone.now() + timedelta(days=7)).astimezone(BERLIN).date()
    while day.weekday() >= 5 or holiday_on(day) is not None:
        day += timedelta(days=1)
    return datetime(day.year, day.month, day.day, 10, tzinfo=BERLIN)


def _invite(
    actor: User, customer: CustomerProfile, appt_type: AppointmentType, at: datetime
) -> Appointment:
    return services.appointment_invite(
        request=None,
        actor=actor,
        customer=customer,
        appt_type=appt_type,
        staff=actor,
        starts_at=at,
        channel="phone",
        office_id=None,
    )


def test_constraint_exists() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_constraint WHERE conname = 'appointment_no_overlap' AND contype = 'x'"
        )
        assert cursor.fetchone() == (1,)


def test_concurrent_overlapping_invitations_store_one(
    jc_a: Jobcenter,
    appt_type: AppointmentType,
    advisor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(services_staff, "_refuse_overlap", lambda *_args: None)
    first = make_customer(jc_a, "ov1@example.org", "OV-1")
    second = make_customer(jc_a, "ov2@example.org", "OV-2")
    start = _ten_o_clock()
    jobs = [(first, start), (second, start + timedelta(minutes=15))]
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str] = []
    errors: list[BaseException] = []
    messages: list[str] = []
    lock = threading.Lock()

    def work(customer: CustomerProfile, at: datetime) -> None:
        outcome = "error"
        try:
            barrier.wait(timeout=30)
            _invite(advisor, customer, appt_type, at)
            outcome = "stored"
        except services.SlotTaken as exc:
            outcome = "taken"
            with lock:
                messages.append(exc.message)
        except BaseException as exc:  # every other outcome fails the test
            with lock:
                errors.append(exc)
        finally:
            with lock:
                outcomes.append(outcome)
            connections.close_all()

    threads = [threading.Thread(target=work, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert Counter(outcomes) == {"stored": 1, "taken": 1}
    assert messages == [
        "Dieser Termin ist gerade vergeben worden – hier sind die nächsten freien Termine."
    ]
    assert Appointment.objects.filter(staff=advisor, status=Status.INVITED).count() == 1


def test_reschedule_onto_overlap_is_refused_by_the_database(
    jc_a: Jobcenter,
    appt_type: AppointmentType,
    advisor: User,
    customer: CustomerProfile,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    start = _ten_o_clock()
    other = make_customer(jc_a, "ov3@example.org", "OV-3")
    kept = _invite(advisor, customer, appt_type, start)
    moved = _invite(advisor, other, appt_type, start + timedelta(hours=1))
    monkeypatch.setattr(services_staff, "_refuse_overlap", lambda *_args: None)
    with pytest.raises(services.SlotTaken):
        services.appointment_reschedule(
            request=None, actor=advisor, appointment=moved, starts_at=start + timedelta(minutes=20)
        )
    moved.refresh_from_db()
    kept.refresh_from_db()
    assert moved.starts_at == start + timedelta(hours=1)
    assert kept.starts_at == start
    # Back-to-back is fine: ranges are half-open.
    services.appointment_reschedule(
        request=None, actor=advisor, appointment=moved, starts_at=start + timedelta(minutes=30)
    )
    # A cancelled appointment holds nothing.
    services.appointment_cancel(request=None, actor=advisor, appointment=kept)
    services.appointment_reschedule(
        request=None, actor=advisor, appointment=moved, starts_at=start + timedelta(minutes=10)
    )
