"""One appointment for staff: details, the customer's reply, reschedule, cancel, mark."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from openjobcenter.accounts.models import Role
from openjobcenter.appointments.models import Appointment, ChangeReason, Status
from openjobcenter.core.models import AuditAction, AuditEntry

from .test_staff_support import local, make_appointment, utc

DAY = date(2026, 12, 8)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to("2026-12-01 08:00 +0000", tick=False)
    return time_machine


@pytest.fixture
def appt(frozen, appt_type, advisor, customer):
    return make_appointment(
        appt_type=appt_type,
        customer=customer,
        staff=advisor,
        starts_at=local(DAY, time(9)),
        status=Status.INVITED,
        created_by=advisor,
    )


def _url(appointment: Appointment) -> str:
    return f"/fulda/staff/termine/{appointment.pk}/"


def _snapshot(appointment: Appointment) -> tuple[str, datetime, str]:
    appointment.refresh_from_db()
    return (appointment.status, appointment.starts_at, appointment.staff_message)


def test_detail_shows_the_appointment_and_audits_the_read(staff_client, advisor, appt) -> None:
    response = staff_client(advisor).get(_url(appt))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Karl Kunde" in html
    assert "A-1001" in html
    assert "Dienstag, 8. Dezember 2026, 09:00–09:30 Uhr" in html
    assert "Noch keine Antwort auf die Einladung." in html
    assert "kann Ihr Bürgergeld gemindert werden" in html
    entry = AuditEntry.objects.get(object_type="appointment", action=AuditAction.READ)
    assert entry.object_id == str(appt.pk)
    assert entry.subject == appt.customer.user


def test_detail_shows_the_customers_request_for_another_date(staff_client, advisor, appt) -> None:
    Appointment.objects.filter(pk=appt.pk).update(
        status=Status.CHANGE_REQUESTED,
        change_reason=ChangeReason.JOB_INTERVIEW,
        change_message="Ich habe an dem Tag ein Vorstellungsgespräch bei der Bäckerei.",
    )
    html = staff_client(advisor).get(_url(appt)).content.decode()
    assert "bittet um einen anderen Termin" in html
    assert "Vorstellungsgespräch" in html
    assert "bei der Bäckerei" in html


def test_detail_shows_confirmation_and_cancellation(staff_client, advisor, appt) -> None:
    client = staff_client(advisor)
    Appointment.objects.filter(pk=appt.pk).update(status=Status.CONFIRMED)
    assert "hat den Termin bestätigt" in client.get(_url(appt)).content.decode()
    Appointment.objects.filter(pk=appt.pk).update(
        status=Status.CANCELLED,
        cancelled_by="customer",
        change_reason=ChangeReason.ILLNESS,
        change_message="Fieber",
    )
    html = client.get(_url(appt)).content.decode()
    assert "hat abgesagt" in html
    assert "Krankheit" in html
    assert "Fieber" in html


def test_reschedule_moves_the_appointment(
    staff_client, advisor, appt, outbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client(advisor).post(
            _url(appt),
            {"action": "reschedule", "reschedule-day": "2026-12-09", "reschedule-at": "10:30"},
        )
    assert response.status_code == 302
    appt.refresh_from_db()
    assert appt.starts_at == utc(2026, 12, 9, 9, 30)
    assert appt.ends_at == utc(2026, 12, 9, 10)
    assert [m.to for m in outbox] == [[appt.customer.user.email]]


def test_reschedule_into_a_taken_slot_is_409_and_changes_nothing(
    staff_client, advisor, appt, customer2, appt_type
) -> None:
    make_appointment(
        appt_type=appt_type,
        customer=customer2,
        staff=advisor,
        starts_at=local(date(2026, 12, 9), time(10, 30)),
    )
    before = _snapshot(appt)
    response = staff_client(advisor).post(
        _url(appt),
        {"action": "reschedule", "reschedule-day": "2026-12-09", "reschedule-at": "10:30"},
    )
    assert response.status_code == 409
    assert "Dieser Termin ist gerade vergeben worden" in response.content.decode()
    assert _snapshot(appt) == before


@pytest.mark.parametrize(
    ("day", "at", "message"),
    [
        ("2026-11-30", "10:00", "Vergangenheit"),
        ("2027-03-28", "02:15", "Sommerzeit"),
        ("", "10:00", "Datum"),
    ],
)
def test_reschedule_bad_input_is_400(staff_client, advisor, appt, day, at, message) -> None:
    before = _snapshot(appt)
    response = staff_client(advisor).post(
        _url(appt), {"action": "reschedule", "reschedule-day": day, "reschedule-at": at}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert _snapshot(appt) == before


def test_cancel_with_a_message(
    staff_client, advisor, appt, outbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client(advisor).post(
            _url(appt), {"action": "cancel", "cancel-message": "Ihr Berater ist krank."}
        )
    assert response.status_code == 302
    assert _snapshot(appt) == (Status.CANCELLED, local(DAY, time(9)), "Ihr Berater ist krank.")
    assert len(outbox) == 1
    assert "krank" not in outbox[0].body  # the message stays out of the mailbox


@pytest.mark.parametrize("message", ["", "x" * 1001])
def test_cancel_needs_a_message_of_sensible_length(staff_client, advisor, appt, message) -> None:
    before = _snapshot(appt)
    response = staff_client(advisor).post(
        _url(appt), {"action": "cancel", "cancel-message": message}
    )
    assert response.status_code == 400
    assert _snapshot(appt) == before


def test_cancelling_twice_is_refused(staff_client, advisor, appt) -> None:
    Appointment.objects.filter(pk=appt.pk).update(status=Status.CANCELLED)
    response = staff_client(advisor).post(
        _url(appt), {"action": "cancel", "cancel-message": "Nochmal"}
    )
    assert response.status_code == 400
    assert "nicht mehr aktiv" in response.content.decode()
    assert _snapshot(appt)[2] == ""


def test_mark_before_the_start_is_refused(staff_client, advisor, appt) -> None:
    client = staff_client(advisor)
    assert "Wahrgenommen oder versäumt" not in client.get(_url(appt)).content.decode()
    response = client.post(_url(appt), {"action": "missed"})
    assert response.status_code == 400
    assert "erst nach seinem Beginn" in response.content.decode()
    assert _snapshot(appt)[0] == Status.INVITED


@pytest.mark.parametrize(("action", "status"), [("attended", "attended"), ("missed", "missed")])
def test_mark_after_the_start(staff_client, advisor, appt, frozen, action, status) -> None:
    frozen.move_to("2026-12-08 08:10 +0000", tick=False)
    client = staff_client(advisor)
    assert "Wahrgenommen oder versäumt" in client.get(_url(appt)).content.decode()
    response = client.post(_url(appt), {"action": action})
    assert response.status_code == 302
    assert _snapshot(appt)[0] == status
    assert AuditEntry.objects.filter(
        object_type="appointment", action=AuditAction.UPDATE, detail=status
    ).exists()


def test_unknown_action_is_400(staff_client, advisor, appt) -> None:
    before = _snapshot(appt)
    response = staff_client(advisor).post(_url(appt), {"action": "delete"})
    assert response.status_code == 400
    assert _snapshot(appt) == before


def test_reception_cannot_open_appointments(staff_client, staff_a, appt) -> None:
    client = staff_client(staff_a[Role.RECEPTION])
    assert client.get(_url(appt)).status_code == 403
    assert client.post(_url(appt), {"action": "missed"}).status_code == 403


def test_appointment_of_another_job_centre_is_not_found(
    staff_client, staff_a, jc_b, customer_b, staff_b, frozen
) -> None:
    from .test_staff_support import type_of

    foreign = make_appointment(
        appt_type=type_of(jc_b),
        customer=customer_b,
        staff=staff_b[Role.JOB_ADVISOR],
        starts_at=local(DAY, time(9)),
        channel="phone",
    )
    jc_a = staff_a[Role.ADMIN].memberships.get().jobcenter
    jc_a.enabled_modules = [*jc_a.enabled_modules, "appointments"]
    jc_a.save()
    client = staff_client(staff_a[Role.ADMIN])
    assert client.get(_url(foreign)).status_code == 404
    response = client.post(_url(foreign), {"action": "cancel", "cancel-message": "weg"})
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == Status.BOOKED
