"""Call numbers stay unique and gapless when ten desks hand out tickets of one waiting area
at the same moment (and two advisors never call the same person).

PostgreSQL only (``DATABASE_URL=postgres://...``): SQLite serialises writers, so it could
not show a race. Each thread has its own connection; a barrier releases them together.
"""

from __future__ import annotations

import os
import threading
from typing import Any

import pytest
from django.db import connection, connections

from openjobcenter.accounts.models import Role, User
from openjobcenter.reception import services
from openjobcenter.reception.models import Ticket
from openjobcenter.reception.services import ReceptionError
from openjobcenter.tenants.models import Jobcenter

THREADS = 10
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


def _together(work: Any) -> list[Any]:
    barrier = threading.Barrier(THREADS)
    results: list[Any] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            out: Any = work()
        except BaseException as exc:
            out = exc
        finally:
            connections.close_all()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results


def test_ten_desks_at_once_get_ten_different_numbers_and_each_is_called_once(
    jc_a: Jobcenter, areas: dict[str, Any], staff_a: dict[Role, User], frozen: None
) -> None:
    assert connection.vendor == "postgresql"
    actor = staff_a[Role.RECEPTION]
    tickets = _together(
        lambda: services.ticket_walk_in(
            request=None, actor=actor, jobcenter=jc_a, customer=None, topic="x", area=areas["b"]
        )
    )
    assert all(isinstance(t, Ticket) for t in tickets), tickets
    assert sorted(t.call_number for t in tickets) == [f"A-{n:03d}" for n in range(1, 11)]

    advisor = staff_a[Role.JOB_ADVISOR]
    calls = _together(
        lambda: services.ticket_call_next(
            request=None, actor=advisor, jobcenter=jc_a, desk=areas["desk3"]
        )
    )
    called = [c.pk for c in calls if isinstance(c, Ticket)]
    assert len(called) == len(set(called))  # nobody called twice
    assert all(isinstance(c, (Ticket, ReceptionError)) for c in calls), calls
    assert Ticket.objects.filter(status="called").count() == len(called)
