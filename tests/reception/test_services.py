"""Reception services: check-in gives a call number, walk-ins, calls; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment
from openjobcenter.core.models import AuditEntry
from openjobcenter.reception import services
from openjobcenter.reception.lookup import Outcome, identify
from openjobcenter.reception.models import Ticket, TicketStatus, WaitingArea
from openjobcenter.reception.services import ReceptionError
from openjobcenter.tenants.models import Jobcenter
from tests.reception.conftest import TODAY

pytestmark = pytest.mark.django_db


def _state() -> tuple[int, int, list[Any]]:
    return (
        Ticket.objects.count(),
        AuditEntry.objects.count(),
        list(Appointment.objects.values_list("pk", "checked_in_at", "status")),
    )


def test_check_in_gives_the_areas_next_number_and_checks_the_appointment_in(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
    staff_a: dict[Role, User],
) -> None:
    walk = services.ticket_walk_in(
        request=None,
        actor=staff_a[Role.RECEPTION],
        jobcenter=jc_a,
        customer=None,
        topic="Antrag abgeben",
        area=areas["b"],
    )
    ticket = services.ticket_check_in(
        request=None,
        actor=staff_a[Role.RECEPTION],
        jobcenter=jc_a,
        customer=customer,
        area=areas["b"],
    )
    assert (walk.call_number, ticket.call_number) == ("A-001", "A-002")
    assert ticket.day == TODAY
    on_site.refresh_from_db()
    assert on_site.checked_in_at is not None
    assert ticket.appointment_id == on_site.pk
    # Scanning again gives the same ticket, not a second number.
    again = services.ticket_check_in(
        request=None,
        actor=staff_a[Role.RECEPTION],
        jobcenter=jc_a,
        customer=customer,
        area=areas["b"],
    )
    assert again.pk == ticket.pk
    assert Ticket.objects.count() == 2
    assert AuditEntry.objects.filter(
        object_type="reception_ticket", detail__startswith="check-in A-002"
    ).exists()


def test_numbers_count_per_area(
    jc_a: Jobcenter, areas: dict[str, Any], staff_a: dict[Role, User], frozen: None
) -> None:
    actor = staff_a[Role.RECEPTION]
    numbers = [
        services.ticket_walk_in(
            request=None, actor=actor, jobcenter=jc_a, customer=None, topic="x", area=area
        ).call_number
        for area in (areas["b"], areas["c"], areas["b"])
    ]
    assert numbers == ["A-001", "C-001", "A-002"]


def test_without_appointment_today_nothing_changes(
    jc_a: Jobcenter,
    customer2: CustomerProfile,
    areas: dict[str, Any],
    staff_a: dict[Role, User],
    frozen: None,
) -> None:
    before = _state()
    with pytest.raises(ReceptionError) as info:
        services.ticket_check_in(
            request=None, actor=staff_a[Role.RECEPTION], jobcenter=jc_a, customer=customer2
        )
    assert info.value.code == "no_appointment"
    assert "keinen Termin vor Ort" in info.value.message
    assert _state() == before


def test_without_waiting_area_nothing_changes(
    jc_a: Jobcenter, customer: CustomerProfile, on_site: Appointment, staff_a: dict[Role, User]
) -> None:
    before = _state()
    with pytest.raises(ReceptionError) as info:
        services.ticket_check_in(
            request=None, actor=staff_a[Role.RECEPTION], jobcenter=jc_a, customer=customer
        )
    assert info.value.code == "no_area"
    assert _state() == before


def test_another_job_centres_area_or_customer_is_refused(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    customer_b: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
    staff_a: dict[Role, User],
) -> None:
    before = _state()
    actor = staff_a[Role.RECEPTION]
    with pytest.raises(ReceptionError):
        services.ticket_check_in(
            request=None, actor=actor, jobcenter=jc_a, customer=customer, area=areas["other"]
        )
    with pytest.raises(ReceptionError):
        services.ticket_check_in(request=None, actor=actor, jobcenter=jc_a, customer=customer_b)
    with pytest.raises(ReceptionError):
        services.ticket_walk_in(
            request=None, actor=actor, jobcenter=jc_a, customer=customer_b, topic="x"
        )
    with pytest.raises(ReceptionError):
        services.ticket_walk_in(
            request=None, actor=actor, jobcenter=jc_a, customer=customer, topic="   "
        )
    assert _state() == before


def test_identify_by_number_stays_in_the_job_centre(
    jc_a: Jobcenter, jc_b: Jobcenter, customer: CustomerProfile, customer_b: CustomerProfile
) -> None:
    assert identify(jobcenter=jc_a, raw=" a-1001 ").customer == customer
    assert identify(jobcenter=jc_a, raw="B-2001").outcome == Outcome.UNKNOWN
    assert identify(jobcenter=jc_b, raw="A-1001").outcome == Outcome.UNKNOWN
    assert identify(jobcenter=jc_a, raw="<script>").outcome == Outcome.MALFORMED
    assert identify(jobcenter=jc_a, raw="x" * 500).outcome == Outcome.MALFORMED
    assert identify(jobcenter=jc_a, raw="A-1001\x00").outcome == Outcome.MALFORMED
    assert identify(jobcenter=jc_a, raw="OJC1:not-a-real-token").outcome == Outcome.UNKNOWN


def test_call_next_recall_no_show_and_done(
    jc_a: Jobcenter, areas: dict[str, Any], staff_a: dict[Role, User], frozen: None
) -> None:
    actor = staff_a[Role.JOB_ADVISOR]
    first = services.ticket_walk_in(
        request=None, actor=actor, jobcenter=jc_a, customer=None, topic="a", area=areas["b"]
    )
    second = services.ticket_walk_in(
        request=None, actor=actor, jobcenter=jc_a, customer=None, topic="b", area=areas["b"]
    )
    called = services.ticket_call_next(
        request=None, actor=actor, jobcenter=jc_a, desk=areas["desk3"]
    )
    assert called.pk == first.pk
    assert (called.status, called.desk, called.call_count) == (
        TicketStatus.CALLED,
        areas["desk3"],
        1,
    )
    again = services.ticket_call(request=None, actor=actor, ticket=called, desk=areas["desk3"])
    assert again.call_count == 2
    services.ticket_close(request=None, actor=actor, ticket=again, no_show=True)
    # A waiting ticket cannot be "no-show"; a desk of another area cannot call it.
    with pytest.raises(ReceptionError):
        services.ticket_close(request=None, actor=actor, ticket=second, no_show=True)
    with pytest.raises(ReceptionError):
        services.ticket_call(request=None, actor=actor, ticket=second, desk=areas["desk_c"])
    nxt = services.ticket_call_next(request=None, actor=actor, jobcenter=jc_a, desk=areas["desk3"])
    assert nxt.pk == second.pk
    services.ticket_close(request=None, actor=actor, ticket=nxt, no_show=False)
    with pytest.raises(ReceptionError) as info:
        services.ticket_call_next(request=None, actor=actor, jobcenter=jc_a, desk=areas["desk3"])
    assert info.value.code == "empty"
    assert list(Ticket.objects.order_by("pk").values_list("status", flat=True)) == [
        "no_show",
        "done",
    ]


def test_area_validation(jc_a: Jobcenter, staff_a: dict[Role, User], areas: dict[str, Any]) -> None:
    from django.core.exceptions import ValidationError

    from openjobcenter.reception.services_config import area_save

    admin = staff_a[Role.ADMIN]
    before = WaitingArea.objects.count()
    with pytest.raises(ReceptionError):
        area_save(
            request=None,
            actor=admin,
            jobcenter=jc_a,
            area=None,
            name="Neu",
            prefix="a",
            active=True,
        )
    with pytest.raises(ReceptionError):
        area_save(
            request=None, actor=admin, jobcenter=jc_a, area=None, name="b", prefix="Z", active=True
        )
    with pytest.raises(ValidationError):
        area_save(
            request=None,
            actor=admin,
            jobcenter=jc_a,
            area=None,
            name="Neu",
            prefix="Z1",
            active=True,
        )
    assert WaitingArea.objects.count() == before
    made = area_save(
        request=None,
        actor=admin,
        jobcenter=jc_a,
        area=None,
        name="Erdgeschoss",
        prefix="e",
        active=True,
    )
    assert made.prefix == "E"


def test_old_tickets_go_by_the_retention_rule(
    jc_a: Jobcenter, areas: dict[str, Any], staff_a: dict[Role, User], time_machine: Any
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from openjobcenter.retention.services import retention_run

    actor = staff_a[Role.RECEPTION]
    time_machine.move_to(timezone.now() - timedelta(days=31))
    old = services.ticket_walk_in(
        request=None, actor=actor, jobcenter=jc_a, customer=None, topic="alt", area=areas["b"]
    )
    time_machine.move_to(timezone.now() + timedelta(days=2))
    kept = services.ticket_walk_in(
        request=None, actor=actor, jobcenter=jc_a, customer=None, topic="neu", area=areas["b"]
    )
    time_machine.move_to(timezone.now() + timedelta(days=29))
    retention_run()
    assert list(Ticket.objects.values_list("pk", flat=True)) == [kept.pk]
    assert old.pk != kept.pk
    assert (
        AuditEntry.objects.filter(object_type="reception_ticket", detail="retention").count() == 1
    )
