"""Answering an invitation and "Ich kann den Termin nicht wahrnehmen" from the customer's side."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments.models import Appointment, AppointmentType, ChangeReason, Status
from openjobcenter.core.models import AuditAction, AuditEntry

from .test_customer_pages import FIRST_SLOT, NOW, book_url, detail_url, invite, text, value

SECRET_MESSAGE = "Mein Kind hat Windpocken, ich bin ab Montag wieder da."


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def invitation(customer: CustomerProfile, appt_type: AppointmentType, advisor: User) -> Appointment:
    return invite(customer, appt_type, advisor, FIRST_SLOT + timedelta(days=1))


@pytest.fixture
def logged_in(client: Client, customer: CustomerProfile) -> Client:
    client.force_login(customer.user)
    return client


def audit_details(appointment: Appointment) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type="appointment", object_id=str(appointment.pk), action=AuditAction.UPDATE
        ).values_list("detail", flat=True)
    )


# --- Invitations ------------------------------------------------------------------------------


def test_invitation_detail_shows_legal_notice_and_confirms(
    logged_in: Client, customer: CustomerProfile, invitation: Appointment
) -> None:
    page = text(logged_in.get(detail_url(invitation)))
    assert "Einladung: Bitte antworten Sie" in page
    assert "Wichtig: Was passiert, wenn Sie nicht kommen?" in page
    # No decision yet: the applicant's notice (legal_notice.py), not the recipient's.
    assert "über Ihren Antrag ist noch nicht entschieden" in page
    assert "Weitere Hinweise Ihres Jobcenters" in page
    assert "§ 32 SGB II" in page
    assert "Bitte bringen Sie Ihren Lebenslauf mit." in page

    assert logged_in.get(detail_url(invitation) + "bestaetigen/").status_code == 405
    response = logged_in.post(detail_url(invitation) + "bestaetigen/")
    assert response.status_code == 302
    assert response["Location"] == detail_url(invitation)
    invitation.refresh_from_db()
    assert invitation.status == Status.CONFIRMED
    assert "confirmed" in audit_details(invitation)

    page = text(logged_in.get(detail_url(invitation)))
    assert "Sie haben den Termin bestätigt" in page
    assert "Einladung: Bitte antworten Sie" not in page
    # Still an invitation: the legal notice stays, and one can still say "I can't come".
    assert "Wichtig: Was passiert, wenn Sie nicht kommen?" in page
    assert "absagen/" in page

    # A second tap on "Bestätigen": nothing written twice, no error.
    updates = len(audit_details(invitation))
    again = logged_in.post(detail_url(invitation) + "bestaetigen/", follow=True)
    assert again.redirect_chain == [(detail_url(invitation), 302)]
    assert "Sie haben diesen Termin schon bestätigt." in text(again)
    assert len(audit_details(invitation)) == updates


def test_own_booking_has_no_legal_notice_and_cannot_be_confirmed(
    logged_in: Client, customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    logged_in.post(book_url(appt_type), {"slot": value(FIRST_SLOT, advisor), "channel": "video"})
    booked = Appointment.objects.get(customer=customer)
    page = text(logged_in.get(detail_url(booked)))
    assert "Was passiert, wenn Sie nicht kommen" not in page
    assert "Zum Videogespräch" in page
    # A video appointment: nothing to bring to a door, no address.
    assert "Bitte mitbringen" not in page
    assert "Per Video im Browser: Sie müssen nirgendwohin kommen." in page
    refused = logged_in.post(detail_url(booked) + "bestaetigen/")
    assert refused.status_code == 409
    assert "Dieser Termin ist schon gebucht. Sie müssen ihn nicht bestätigen." in text(refused)
    booked.refresh_from_db()
    assert booked.status == Status.BOOKED


# --- "Ich kann den Termin nicht wahrnehmen" ------------------------------------------------


def test_cannot_come_page_explains_in_plain_words(
    logged_in: Client, invitation: Appointment
) -> None:
    response = logged_in.get(detail_url(invitation) + "absagen/")
    assert response.status_code == 200
    page = text(response)
    assert "<h1>Ich kann den Termin nicht wahrnehmen</h1>" in page
    assert "über Ihren Antrag ist noch nicht entschieden" in page
    for label in ("Krankheit", "Vorstellungsgespräch", "Kinderbetreuung", "Anderer Grund"):
        assert label in page
    assert "Ich bitte um einen anderen Termin" in page
    assert "Ich sage den Termin ab" in page
    assert "Krankmeldung" in page  # how to hand in a proof
    assert 'maxlength="1000"' in page


def test_asking_for_another_date(
    logged_in: Client,
    invitation: Appointment,
    advisor: User,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(
            detail_url(invitation) + "absagen/",
            {"reason": "childcare", "wish": "move", "message": SECRET_MESSAGE},
        )
    assert response.status_code == 302
    assert response["Location"] == detail_url(invitation)
    invitation.refresh_from_db()
    assert invitation.status == Status.CHANGE_REQUESTED
    assert invitation.change_reason == ChangeReason.CHILDCARE
    assert invitation.change_message == SECRET_MESSAGE
    assert "change requested reason=childcare" in audit_details(invitation)

    # The advisor is told, without the reason or the message (a mailbox is no safe place).
    assert [m.to for m in outbox] == [[advisor.email]]
    mail = outbox[0]
    assert "Windpocken" not in mail.body
    assert SECRET_MESSAGE not in mail.body
    assert "Kinderbetreuung" not in mail.body
    assert "childcare" not in mail.body
    assert "Windpocken" not in mail.subject

    page = text(logged_in.get(detail_url(invitation)))
    assert "Ihre Nachricht ist angekommen" in page
    assert "Kinderbetreuung" in page
    assert "1. Juni 2026 um 08:00 Uhr" in page  # when it was sent, Berlin time
    assert SECRET_MESSAGE in page
    assert "Verschiebung erbeten" in page


def test_cancelling_frees_the_slot(
    client: Client,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.force_login(customer.user)
    client.post(book_url(appt_type), {"slot": value(FIRST_SLOT, advisor), "channel": "in_person"})
    booked = Appointment.objects.get(customer=customer)
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            detail_url(booked) + "absagen/", {"reason": "illness", "wish": "cancel"}
        )
    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == Status.CANCELLED
    assert booked.change_reason == ChangeReason.ILLNESS
    assert "cancelled reason=illness" in audit_details(booked)
    assert [m.to for m in outbox] == [[advisor.email]]
    assert "Krankheit" not in outbox[0].body

    page = text(client.get(detail_url(booked)))
    assert "Ihre Absage ist angekommen" in page
    assert "Ihre Nachricht ist angekommen" in page
    assert "Sie haben den Termin abgesagt" in page
    assert "absagen/" not in page  # nothing more to change

    listing = text(client.get("/fulda/mein-bereich/termine/"))
    assert listing.index(f"/termine/{booked.pk}/") > listing.index("Vergangene und abgesagte")

    # Someone else can have the slot now.
    customer2.advisor = advisor
    customer2.save(update_fields=["advisor"])
    client.force_login(customer2.user)
    assert f'value="{value(FIRST_SLOT, advisor)}"' in text(client.get(book_url(appt_type)))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"wish": "move"}, "Bitte wählen Sie einen Grund."),
        ({"reason": "hangover", "wish": "move"}, "Bitte wählen Sie einen Grund aus der Liste."),
        (
            {"reason": "illness"},
            "Bitte wählen Sie, ob Sie absagen oder einen anderen Termin möchten.",
        ),
        (
            {"reason": "illness", "wish": "vanish"},
            "Bitte wählen Sie eine der beiden Möglichkeiten.",
        ),
        ({"reason": "illness", "wish": "move", "message": "x" * 1001}, "höchstens 1000 Zeichen"),
    ],
)
def test_bad_input_is_400_and_changes_nothing(
    logged_in: Client,
    invitation: Appointment,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    data: dict[str, str],
    message: str,
) -> None:
    outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in.post(detail_url(invitation) + "absagen/", data)
    assert response.status_code == 400
    page = text(response)
    assert "error-summary" in page
    assert message in page
    if "message" in data:
        assert data["message"] in page  # what was typed stays
    invitation.refresh_from_db()
    assert invitation.status == Status.INVITED
    assert invitation.change_reason == ""
    assert audit_details(invitation) == []
    assert outbox == []


def test_too_late_or_already_cancelled(
    logged_in: Client,
    customer: CustomerProfile,
    invitation: Appointment,
    frozen: time_machine.Traveller,
) -> None:
    logged_in.post(detail_url(invitation) + "absagen/", {"reason": "other", "wish": "cancel"})
    invitation.refresh_from_db()
    assert invitation.status == Status.CANCELLED
    # The stale link says what happened; "I can't come" is not offered again.
    page = text(logged_in.get(detail_url(invitation) + "absagen/"))
    assert "Sie haben diesen Termin bereits abgesagt. Ihre Absage ist angekommen." in page
    assert 'name="reason"' not in page
    assert "absagen/" not in text(logged_in.get(detail_url(invitation)))
    listing = text(logged_in.get("/fulda/mein-bereich/termine/"))
    assert f"/termine/{invitation.pk}/absagen/" not in listing
    # A second tap on "senden" (or an old tab): nothing changes, no error.
    updates = len(audit_details(invitation))
    response = logged_in.post(
        detail_url(invitation) + "absagen/", {"reason": "illness", "wish": "move"}, follow=True
    )
    assert response.redirect_chain == [(detail_url(invitation), 302)]
    assert "Ihre Nachricht ist schon angekommen." in text(response)
    assert len(audit_details(invitation)) == updates
    invitation.refresh_from_db()
    assert invitation.status == Status.CANCELLED
    assert invitation.change_reason == ChangeReason.OTHER


def test_started_appointment_cannot_be_changed(
    client: Client,
    customer: CustomerProfile,
    invitation: Appointment,
    frozen: time_machine.Traveller,
) -> None:
    frozen.move_to(invitation.starts_at + timedelta(minutes=5))
    client.force_login(customer.user)
    page = text(client.get(detail_url(invitation)))
    assert "absagen/" not in page
    response = client.post(
        detail_url(invitation) + "absagen/", {"reason": "illness", "wish": "move"}
    )
    assert response.status_code == 409
    assert "Dieser Termin hat schon begonnen" in text(response)
    assert 'name="reason"' not in text(response)
    invitation.refresh_from_db()
    assert invitation.status == Status.INVITED
