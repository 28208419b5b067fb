"""No slot is ever booked twice: 20 customers book the same slot at the same moment.

Runs on PostgreSQL only (``DATABASE_URL=postgres://...``): SQLite serialises writers, so
it could not show a race. Each thread has its own database connection; a barrier
releases them together. The partial unique index on (staff, starts_at) decides.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from typing import Any

import pytest
from django.db import connection, connections

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments import services
from openjobcenter.appointments.models import Appointment, AppointmentType
from openjobcenter.appointments.selectors import free_slots
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import make_customer

THREADS = 20
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    # CI runs the suite a second time with DATABASE_URL=postgres://..., where this runs.
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


@pytest.mark.parametrize("python_check", ["on", "bypassed"])
def test_twenty_connections_book_one_slot_exactly_once(
    jc_a: Jobcenter,
    appt_type: AppointmentType,
    advisor: User,
    python_check: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``bypassed``: every thread's free-slot check says "free", as if all had looked
    before anyone booked, so only the database's unique index can stop the doubles."""
    assert connection.vendor == "postgresql"
    customers: list[CustomerProfile] = []
    for number in range(THREADS):
        customer = make_customer(jc_a, f"race{number}@example.org", f"R-{number:04d}")
        customer.advisor = advisor
        customer.save(update_fields=["advisor"])
        customers.append(customer)
    slot = free_slots(appt_type=appt_type, staff_ids=[advisor.pk])[0]
    if python_check == "bypassed":
        monkeypatch.setattr(services, "free_slots", lambda **_kwargs: [slot])

    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def book(customer: CustomerProfile) -> None:
        outcome = "error"
        try:
            barrier.wait(timeout=30)
            services.appointment_book(
                request=None,
                customer=customer,
                booking=services.BookingRequest(
                    appt_type=appt_type,
                    staff_id=slot.staff_id,
                    starts_at=slot.starts_at,
                    channel="in_person",
                ),
                actor=customer.user,
            )
            outcome = "booked"
        except services.SlotTaken:
            outcome = "taken"
        except BaseException as exc:  # every other outcome fails the test below
            with lock:
                errors.append(exc)
        finally:
            with lock:
                outcomes.append(outcome)
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=book, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)

    assert not errors, errors
    assert Counter(outcomes) == {"booked": 1, "taken": THREADS - 1}
    booked = Appointment.objects.filter(staff=advisor, starts_at=slot.starts_at)
    assert booked.count() == 1
    winner: Any = booked.get().customer
    assert winner in customers
