"""The write path of appointments: booking, the unique slot, invitations, changes, reminders, ics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail

from openjobcenter.accounts.models import Role
from openjobcenter.appointments.calendar import ics_for
from openjobcenter.appointments.models import Appointment, ReminderSent, Status
from openjobcenter.appointments.reminders import send_due_reminders
from openjobcenter.appointments.selectors import free_slots, staff_for_type
from openjobcenter.appointments.services import (
    AppointmentError,
    BookingRequest,
    SlotTaken,
    appointment_book,
    appointment_check_in,
    appointment_invite,
    appointment_mark,
    appointment_request_change,
    appointment_reschedule,
)
from openjobcenter.core.models import AuditEntry

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # a Friday


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _first_slot(appt_type, customer):
    return free_slots(appt_type=appt_type, staff_ids=staff_for_type(appt_type, customer))[0]


def test_booking_takes_the_slot_once(
    frozen, appt_type, advisor, customer, customer2, django_capture_on_commit_callbacks
) -> None:
    slot = _first_slot(appt_type, customer)
    # Notice of 12 hours: nothing before Saturday 21:00 UTC; the advisor works Mon-Fri from 08:00 local.
    assert slot.starts_at == datetime(2026, 3, 23, 7, 0, tzinfo=UTC)
    request = BookingRequest(appt_type, slot.staff_id, slot.starts_at, "in_person")
    with django_capture_on_commit_callbacks(execute=True):
        booked = appointment_book(
            request=None, customer=customer, booking=request, actor=customer.user
        )
    assert booked.status == Status.BOOKED
    assert booked.office is not None
    assert slot.starts_at not in [
        s.starts_at for s in free_slots(appt_type=appt_type, staff_ids=[advisor.pk])
    ]
    assert AuditEntry.objects.filter(
        object_type="appointment", subject=customer.user, action="create"
    ).exists()
    assert len(mail.outbox) == 1 and "gebucht" in mail.outbox[0].subject
    customer2.advisor = advisor
    customer2.save()
    with pytest.raises(SlotTaken) as taken:
        appointment_book(request=None, customer=customer2, booking=request, actor=customer2.user)
    assert taken.value.alternatives
    assert taken.value.alternatives[0].starts_at > slot.starts_at
    assert Appointment.objects.count() == 1


def test_database_refuses_a_second_active_appointment_in_a_slot(
    frozen, appt_type, advisor, customer, customer2
) -> None:
    start = datetime(2026, 3, 23, 7, 0, tzinfo=UTC)
    appointment_invite(
        request=None,
        actor=advisor,
        customer=customer,
        appt_type=appt_type,
        staff=advisor,
        starts_at=start,
        channel="phone",
        office_id=None,
    )
    # Even a staff invitation that bypasses the slot search cannot double-book.
    with pytest.raises(SlotTaken):
        appointment_invite(
            request=None,
            actor=advisor,
            customer=customer2,
            appt_type=appt_type,
            staff=advisor,
            starts_at=start,
            channel="phone",
            office_id=None,
        )


@pytest.mark.parametrize(
    ("offset", "channel", "message"),
    [
        (timedelta(hours=-1), "phone", "Vergangenheit"),
        (timedelta(days=90), "phone", "außerhalb"),
        (timedelta(hours=2), "phone", "außerhalb"),
        (timedelta(days=3, hours=-2), "carrier_pigeon", "Weg"),
    ],
)
def test_booking_refuses_bad_requests(
    frozen, appt_type, advisor, customer, offset, channel, message
) -> None:
    with pytest.raises(AppointmentError) as error:
        appointment_book(
            request=None,
            customer=customer,
            actor=customer.user,
            booking=BookingRequest(appt_type, advisor.pk, NOW + offset, channel),
        )
    assert message in error.value.message
    assert not Appointment.objects.exists()


def test_type_not_self_bookable_and_foreign_staff(
    frozen, appt_type, advisor, customer, staff_a
) -> None:
    slot = _first_slot(appt_type, customer)
    with pytest.raises(AppointmentError):
        appointment_book(
            request=None,
            customer=customer,
            actor=customer.user,
            booking=BookingRequest(appt_type, staff_a[Role.CASEWORKER].pk, slot.starts_at, "phone"),
        )
    appt_type.self_bookable = False
    appt_type.save()
    with pytest.raises(AppointmentError):
        appointment_book(
            request=None,
            customer=customer,
            actor=customer.user,
            booking=BookingRequest(appt_type, advisor.pk, slot.starts_at, "phone"),
        )


def test_cannot_come_flow_tells_the_advisor_without_social_data(
    frozen, appt_type, advisor, customer, django_capture_on_commit_callbacks
) -> None:
    slot = _first_slot(appt_type, customer)
    appointment = appointment_book(
        request=None,
        customer=customer,
        actor=customer.user,
        booking=BookingRequest(appt_type, slot.staff_id, slot.starts_at, "phone"),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appointment_request_change(
            request=None,
            customer=customer,
            appointment=appointment,
            reason="illness",
            message="Ich habe Fieber und eine Krankmeldung.",
            cancel=False,
        )
    appointment.refresh_from_db()
    assert appointment.status == Status.CHANGE_REQUESTED
    assert [m.to for m in mail.outbox] == [[advisor.email]]
    assert "Fieber" not in mail.outbox[0].body and "Krankheit" not in mail.outbox[0].body
    with pytest.raises(AppointmentError):
        appointment_request_change(
            request=None,
            customer=customer,
            appointment=appointment,
            reason="bored",
            message="",
            cancel=True,
        )
    # The advisor answers by moving it; the request counts as answered.
    moved = appointment_reschedule(
        request=None,
        actor=advisor,
        appointment=appointment,
        starts_at=slot.starts_at + timedelta(days=1),
    )
    assert moved.status == Status.BOOKED


def test_check_in_and_marking(
    frozen, appt_type, advisor, customer, staff_a, django_capture_on_commit_callbacks
) -> None:
    start = datetime(2026, 3, 20, 9, 30, tzinfo=UTC)
    appointment = appointment_invite(
        request=None,
        actor=advisor,
        customer=customer,
        appt_type=appt_type,
        staff=advisor,
        starts_at=start,
        channel="in_person",
        office_id=None,
    )
    with pytest.raises(AppointmentError):
        appointment_mark(request=None, actor=advisor, appointment=appointment, attended=True)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_check_in(
            request=None, actor=staff_a[Role.RECEPTION], appointment=appointment
        )
    assert appointment.checked_in_at is not None
    assert [m.to for m in mail.outbox] == [[advisor.email]]
    frozen.shift(timedelta(hours=1))
    assert (
        appointment_mark(
            request=None, actor=advisor, appointment=appointment, attended=False
        ).status
        == Status.MISSED
    )


def test_reminders_24h_and_2h_once_each_and_again_after_a_move(
    appt_type, advisor, customer, django_capture_on_commit_callbacks
) -> None:
    start = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)
    with time_machine.travel(start - timedelta(days=3), tick=False) as traveller:
        appointment = appointment_invite(
            request=None,
            actor=advisor,
            customer=customer,
            appt_type=appt_type,
            staff=advisor,
            starts_at=start,
            channel="phone",
            office_id=None,
        )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders() == 0
        traveller.move_to(start - timedelta(hours=23))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders() == 1
            assert send_due_reminders() == 0  # idempotent
        traveller.move_to(start - timedelta(hours=1, minutes=50))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders() == 1
        assert len(mail.outbox) == 2
        assert all("Erinnerung" in m.subject for m in mail.outbox)
        appointment_reschedule(
            request=None,
            actor=advisor,
            appointment=appointment,
            starts_at=start + timedelta(days=1),
        )
        traveller.move_to(start + timedelta(hours=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert send_due_reminders() == 1  # the 24-hour reminder for the new time
    assert ReminderSent.objects.count() == 3


def test_cancelled_appointments_get_no_reminder(appt_type, advisor, customer) -> None:
    start = datetime(2026, 3, 24, 9, 0, tzinfo=UTC)
    with time_machine.travel(start - timedelta(days=3), tick=False) as traveller:
        appointment = appointment_invite(
            request=None,
            actor=advisor,
            customer=customer,
            appt_type=appt_type,
            staff=advisor,
            starts_at=start,
            channel="phone",
            office_id=None,
        )
        appointment_request_change(
            request=None,
            customer=customer,
            appointment=appointment,
            reason="other",
            message="",
            cancel=True,
        )
        traveller.move_to(start - timedelta(hours=1))
        assert send_due_reminders() == 0


def test_ics_has_utc_times_and_no_personal_data(frozen, appt_type, advisor, customer) -> None:
    appointment = appointment_invite(
        request=None,
        actor=advisor,
        customer=customer,
        appt_type=appt_type,
        staff=advisor,
        starts_at=datetime(2026, 3, 30, 7, 0, tzinfo=UTC),
        channel="video",
        office_id=None,
    )
    text = ics_for([appointment]).decode()
    assert "DTSTART:20260330T070000Z" in text
    assert "Beratung bei Ihrer Ansprechperson" in text
    assert customer.user.last_name not in text and customer.user.email not in text
    assert advisor.last_name not in text


def test_staff_cancellation_keeps_the_customers_request_apart(
    frozen, appt_type, advisor, customer
) -> None:
    from openjobcenter.appointments.services import appointment_cancel

    slot = _first_slot(appt_type, customer)
    appointment = appointment_book(
        request=None,
        customer=customer,
        actor=customer.user,
        booking=BookingRequest(appt_type, slot.staff_id, slot.starts_at, "phone"),
    )
    appointment = appointment_request_change(
        request=None,
        customer=customer,
        appointment=appointment,
        reason="childcare",
        message="Kita zu",
        cancel=False,
    )
    assert appointment.change_requested_at == NOW
    appointment = appointment_cancel(
        request=None, actor=advisor, appointment=appointment, message="Leider krank"
    )
    assert (appointment.cancelled_by, appointment.staff_message) == ("staff", "Leider krank")
    assert (appointment.change_reason, appointment.change_message) == ("childcare", "Kita zu")
