"""The customer's appointments in Chromium: "Ich kann den Termin nicht wahrnehmen" end to
end, and booking a slot, with axe-core on every page state on the way."""

from __future__ import annotations

import io
import re
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.appointments.models import (
    Appointment,
    AppointmentType,
    ChangeReason,
    Channel,
    Status,
)
from openjobcenter.appointments.services import appointment_invite
from openjobcenter.appointments.slots import BERLIN, local_to_utc
from openjobcenter.tenants.models import Office
from tests.browser.conftest import check_a11y, log_in, submit

pytestmark = pytest.mark.browser

MESSAGE = "Ich habe Fieber. Ab nächster Woche geht es wieder."


@pytest.fixture
def invitation(customer: CustomerProfile, appt_type: AppointmentType, advisor: User) -> Appointment:
    day: date = timezone.localtime(timezone.now(), BERLIN).date() + timedelta(days=3)
    starts_at = local_to_utc(day, time(14, 30))  # outside the bookable hours: no clash
    assert starts_at is not None
    office = Office.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    return appointment_invite(
        request=None,
        actor=advisor,
        customer=customer,
        appt_type=appt_type,
        staff=advisor,
        starts_at=starts_at,
        channel=Channel.IN_PERSON,
        office_id=office.pk if office else None,
        note="Bitte bringen Sie Ihren Lebenslauf mit.",
        # Any day and hour (it may be a weekend or after closing): staff gave a reason.
        override_reason="Termin nach Absprache",
    )


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


def sick_note_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_cannot_come_end_to_end(
    page: Page, customer: CustomerProfile, advisor: User, invitation: Appointment, media: Path
) -> None:
    # The documents module is on for Fulda (demo data): a sick note can go with the message.
    assert "documents" in customer.jobcenter.enabled_modules
    mail.outbox.clear()
    log_in(page, customer.user.email)
    page.wait_for_url("**/fulda/mein-bereich/")
    # The home leads with the invitation; the module stays reachable below, its card
    # carrying the count of what is open there ("Termine 1 offen").
    modules = page.get_by_role("region", name="Alle Bereiche")
    modules.get_by_role("link", name=re.compile(r"^Termine\b")).click()
    page.wait_for_url("**/fulda/mein-bereich/termine/")
    expect(page.locator("h1")).to_have_text("Meine Termine")

    invitations = page.get_by_role("region", name="Einladungen: Bitte antworten Sie")
    expect(invitations).to_contain_text("Beratung bei Ihrer Ansprechperson")
    # The notice for an applicant without a decision yet (legal_notice.py).
    expect(invitations).to_contain_text("über Ihren Antrag ist noch nicht entschieden")
    # The job centre's own note is one click away.
    own_note = invitations.get_by_text("kann Ihr Bürgergeld gemindert werden")
    expect(own_note).to_be_hidden()
    invitations.get_by_text("Weitere Hinweise Ihres Jobcenters").click()
    expect(own_note).to_be_visible()
    check_a11y(page, "/fulda/mein-bereich/termine/ (open invitation)")

    invitations.get_by_role("link", name="Ich kann den Termin nicht wahrnehmen").click()
    page.wait_for_url(f"**/fulda/mein-bereich/termine/{invitation.pk}/absagen/")
    expect(page.locator("h1")).to_have_text("Ich kann den Termin nicht wahrnehmen")
    expect(page.locator("main")).to_contain_text("über Ihren Antrag ist noch nicht entschieden")
    expect(page.locator("main")).to_contain_text("Krankmeldung")
    check_a11y(page, "/fulda/mein-bereich/termine/<pk>/absagen/")

    # Sent without a choice: the error summary names both questions and links to them.
    page.get_by_label("Nachricht an Ihre Ansprechperson").fill(MESSAGE)
    submit(page, page.get_by_role("button", name="Nachricht senden"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Bitte wählen Sie einen Grund.")
    expect(summary).to_contain_text("ob Sie absagen oder einen anderen Termin möchten")
    expect(page.get_by_label("Nachricht an Ihre Ansprechperson")).to_have_value(MESSAGE)
    check_a11y(page, "/fulda/mein-bereich/termine/<pk>/absagen/ (errors)")

    page.get_by_label("Krankheit").check()
    page.get_by_label("Ich bitte um einen anderen Termin").check()
    page.get_by_label("Nachweis (freiwillig)").set_input_files(
        files=FilePayload(
            name="krankmeldung.pdf", mimeType="application/pdf", buffer=sick_note_pdf()
        )
    )
    submit(page, page.get_by_role("button", name="Nachricht senden"))
    page.wait_for_url(f"**/fulda/mein-bereich/termine/{invitation.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("Ihre Nachricht ist angekommen")
    expect(main).to_contain_text("Krankheit")
    expect(main).to_contain_text(MESSAGE)
    expect(main).to_contain_text("Verschiebung erbeten")
    expect(main.get_by_role("link", name="Arbeitsunfähigkeitsbescheinigung")).to_be_visible()
    check_a11y(page, "/fulda/mein-bereich/termine/<pk>/ (change requested)")

    invitation.refresh_from_db()
    assert invitation.status == Status.CHANGE_REQUESTED
    assert invitation.change_reason == ChangeReason.ILLNESS
    assert invitation.proof is not None
    assert invitation.proof.kind == "sick_note"
    # The advisor got word, without the reason or the message.
    to_advisor = [m for m in mail.outbox if m.to == [advisor.email]]
    assert len(to_advisor) == 1
    assert "Fieber" not in to_advisor[0].body
    assert "Krankheit" not in to_advisor[0].body


def test_booking_a_slot(
    page: Page, customer: CustomerProfile, advisor: User, appt_type: AppointmentType
) -> None:
    log_in(page, customer.user.email)
    page.wait_for_url("**/fulda/mein-bereich/")
    page.goto("/fulda/mein-bereich/termine/")
    expect(page.locator("main")).to_contain_text("Sie haben zurzeit keine weiteren Termine.")
    check_a11y(page, "/fulda/mein-bereich/termine/ (empty)")

    page.get_by_role("link", name="Neuen Termin buchen").click()
    page.wait_for_url("**/fulda/mein-bereich/termine/buchen/")
    check_a11y(page, "/fulda/mein-bereich/termine/buchen/")

    page.get_by_role("link", name="Beratung bei Ihrer Ansprechperson").click()
    page.wait_for_url(f"**/termine/buchen/{appt_type.pk}/")
    check_a11y(page, "/fulda/mein-bereich/termine/buchen/<type>/")

    # Sent without a slot: told so, on the field.
    submit(page, page.get_by_role("button", name="Termin verbindlich buchen"))
    expect(page.locator(".error-summary")).to_contain_text("Bitte wählen Sie einen Termin aus.")
    check_a11y(page, "/fulda/mein-bereich/termine/buchen/<type>/ (errors)")
    page.locator(".error-summary a[href='#id_slot']").click()
    expect(page.locator("#id_slot")).to_be_focused()

    page.get_by_label("per Video").check()
    first = page.locator("input[name=slot]").first
    label = page.locator(f"label[for='{first.get_attribute('id')}']").inner_text()
    first.check()
    submit(page, page.get_by_role("button", name="Termin verbindlich buchen"))
    # (The browser keeps the "#id_slot" of the error link through the redirect.)
    page.wait_for_url(re.compile(r"/fulda/mein-bereich/termine/\d+/(#.*)?$"))
    main = page.locator("main")
    expect(main).to_contain_text("Ihr Termin ist gebucht")
    expect(main).to_contain_text(label.strip())
    expect(main.get_by_role("link", name="Zum Kalender hinzufügen")).to_be_visible()
    check_a11y(page, "/fulda/mein-bereich/termine/<pk>/ (booked)")

    booked = Appointment.objects.get(customer=customer)
    assert booked.status == Status.BOOKED
    assert booked.channel == Channel.VIDEO
    assert booked.staff == advisor
