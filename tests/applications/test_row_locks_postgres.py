"""Row locks hold one row: one customer's locked application does not stop another
customer of the same job centre, nor lock the job centre or user rows, and no PDF is
rendered while the application's row is locked.

PostgreSQL only: SQLite has no row locks. A second connection of its own (psycopg,
``NOWAIT``) probes what is locked while the test's connection holds a lock.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection, transaction

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications import pdf, services_common
from openjobcenter.applications import services as app_services
from openjobcenter.applications.models import Application
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import make_application

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


@pytest.fixture
def other() -> Iterator[psycopg.Connection[Any]]:
    params = connection.settings_dict
    conn = psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    )
    conn.execute("SET lock_timeout = '2s'")
    yield conn
    conn.close()


def can_lock(conn: psycopg.Connection[Any], table: str, pk: int) -> bool:
    """Whether another connection could lock the row right now (and lets it go)."""
    try:
        with conn.transaction():
            conn.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])  # noqa: S608 - table names from models
    except psycopg.errors.LockNotAvailable:
        return False
    return True


def test_a_locked_application_leaves_the_job_centre_and_other_customers_free(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    other: psycopg.Connection[Any],
) -> None:
    mine, theirs = make_application(customer), make_application(customer2)
    table = Application._meta.db_table
    with transaction.atomic():
        locked = services_common._lock(mine)
        assert locked.jobcenter.pk == jc_a.pk  # the joined rows were read ...
        assert not can_lock(other, table, mine.pk)  # ... this row is locked,
        assert can_lock(other, table, theirs.pk)  # the other customer's is not,
        assert can_lock(other, Jobcenter._meta.db_table, jc_a.pk)  # nor the job centre,
        assert can_lock(other, customer.user._meta.db_table, customer.user.pk)  # nor the user
        assert can_lock(other, CustomerProfile._meta.db_table, customer.pk)
    assert can_lock(other, table, mine.pk)


def test_no_pdf_is_rendered_under_the_applications_lock(
    customer: CustomerProfile, other: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_application(customer)
    seen: list[bool] = []
    real_summary = pdf.render_summary

    def render_and_probe(application: Application) -> bytes:
        seen.append(can_lock(other, Application._meta.db_table, application.pk))
        return real_summary(application)

    monkeypatch.setattr(pdf, "render_summary", render_and_probe)
    stored = app_services.application_pdfs_store(application_id=app.pk)
    assert seen == [True]  # while rendering, the row was free
    assert stored.pdf_name
    assert Application.objects.get(pk=app.pk).pdf_name == stored.pdf_name


def test_a_locked_appointment_leaves_its_type_job_centre_and_customer_free(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    appt_type: Any,
    advisor: Any,
    other: psycopg.Connection[Any],
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from openjobcenter.appointments import services_common as appt_services
    from openjobcenter.appointments.models import Appointment

    starts = timezone.now() + timedelta(days=3)
    appointment = Appointment.objects.create(
        jobcenter=jc_a,
        type=appt_type,
        customer=customer,
        staff=advisor,
        channel="phone",
        starts_at=starts,
        ends_at=starts + timedelta(minutes=appt_type.duration_min),
    )
    with transaction.atomic():
        appt_services._lock(appointment)
        assert not can_lock(other, Appointment._meta.db_table, appointment.pk)
        assert can_lock(other, Jobcenter._meta.db_table, jc_a.pk)
        assert can_lock(other, appt_type._meta.db_table, appt_type.pk)
        assert can_lock(other, customer.user._meta.db_table, customer.user.pk)
