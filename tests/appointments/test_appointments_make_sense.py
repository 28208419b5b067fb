"""Issue 17, part 6: appointments that make sense to the person.

A new customer books a first appointment and chooses the office; an invitation that
answers "bitte einen anderen Termin" moves that appointment (one appointment, history
kept); texts fit the kind of appointment; the legal notice fits the person's situation;
what to do with a proof matches the form just used.

Time is frozen on Monday 1 June 2026, 08:00 Berlin (see test_customer_pages).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.applications.models import Application, ApplicationKind, ApplicationStatus
from openjobcenter.appointments.legal_notice import Situation, situation_of
from openjobcenter.appointments.models import (
    Appointment,
    AppointmentType,
    ChangeReason,
    Channel,
    Status,
)
from openjobcenter.appointments.services import (
    AppointmentError,
    appointment_invite,
    appointment_request_change,
)
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.tenants.models import Jobcenter, Office

from .test_customer_pages import FIRST_SLOT, NOW, detail_url, invite, text

STAFF_NEW = "/fulda/staff/termine/neu/"


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def visible(response: Any) -> str:
    """The page's text as read, without tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def updates_of(appointment: Appointment) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            object_type="appointment", object_id=str(appointment.pk), action=AuditAction.UPDATE
        )
        .order_by("pk")
        .values_list("detail", flat=True)
    )


# --- A first appointment, with the choice of office ---------------------------------------


@pytest.fixture
def demo(db: None) -> Jobcenter:
    call_command("demo_load", stdout=StringIO())
    return Jobcenter.objects.get(slug="fulda")


def test_new_customer_books_a_first_appointment_at_the_office_they_choose(
    demo: Jobcenter, client: Client
) -> None:
    # As the demo customer who just registered: no advisor yet.
    from tests.conftest import make_customer

    newcomer = make_customer(demo, "neu@example.org")
    assert newcomer.advisor_id is None
    client.force_login(newcomer.user)
    page = text(client.get("/fulda/mein-bereich/termine/buchen/"))
    first = AppointmentType.objects.get(jobcenter=demo, name="Erstberatung")
    slot_url = f"/fulda/mein-bereich/termine/buchen/{first.pk}/"
    assert f'href="{slot_url}"' in page

    main, branch = list(demo.offices.order_by("position"))[:2]
    response = client.get(slot_url)
    assert response.status_code == 200
    page = visible(response)
    assert "Wo möchten Sie hinkommen?" in page
    assert main.name in page and branch.name in page

    response = client.get(slot_url, {"standort": branch.pk})
    assert response.status_code == 200
    body = text(response)
    values = re.findall(r'name="slot" value="([^"]+)"', body)
    assert values  # Thursday afternoon in the branch office
    # Only the branch office's hours: Thursday 14–17 Berlin = 12–15 UTC in June.
    assert all(v[11:13] in ("12", "13", "14") for v in values)
    assert f"{branch.name}, {branch.street}" in visible(response)

    before = Appointment.objects.count()
    booked = client.post(
        f"{slot_url}?standort={branch.pk}", {"slot": values[0], "channel": "in_person"}
    )
    assert booked.status_code == 302
    assert Appointment.objects.count() == before + 1
    appointment = Appointment.objects.get(customer=newcomer)
    assert appointment.office_id == branch.pk
    assert appointment.status == Status.BOOKED
    detail = visible(client.get(booked["Location"]))
    assert branch.street in detail
    assert "Bitte mitbringen" in detail  # in person: what to bring


def test_an_office_that_is_not_offered_is_a_clear_400(demo: Jobcenter, client: Client) -> None:
    from tests.conftest import make_customer

    newcomer = make_customer(demo, "neu2@example.org")
    client.force_login(newcomer.user)
    first = AppointmentType.objects.get(jobcenter=demo, name="Erstberatung")
    other = Office.objects.exclude(jobcenter=demo).first()
    for raw in ("x", "999999", str(other.pk) if other else "0"):
        response = client.get(f"/fulda/mein-bereich/termine/buchen/{first.pk}/", {"standort": raw})
        assert response.status_code == 400
        assert "Diesen Standort gibt es für diese Terminart nicht." in visible(response)
    assert not Appointment.objects.filter(customer=newcomer).exists()


# --- An invitation that answers a request to move -------------------------------------------


@pytest.fixture
def moved_wish(customer: CustomerProfile, appt_type: AppointmentType, advisor: User) -> Appointment:
    appointment = invite(customer, appt_type, advisor, FIRST_SLOT + timedelta(days=1))
    return appointment_request_change(
        request=None,
        customer=customer,
        appointment=appointment,
        reason=ChangeReason.JOB_INTERVIEW,
        message="Ich habe ein Vorstellungsgespräch.",
        cancel=False,
    )


def test_service_moves_the_asked_appointment_instead_of_adding_one(
    customer: CustomerProfile, appt_type: AppointmentType, advisor: User, moved_wish: Appointment
) -> None:
    old_start = moved_wish.starts_at
    new_start = FIRST_SLOT + timedelta(days=3)
    answer = appointment_invite(
        request=None,
        actor=advisor,
        customer=customer,
        appt_type=appt_type,
        staff=advisor,
        starts_at=new_start,
        channel=Channel.PHONE,
        office_id=None,
        replaces=moved_wish,
    )
    assert answer.pk == moved_wish.pk
    assert Appointment.objects.filter(customer=customer).count() == 1
    answer.refresh_from_db()
    assert answer.status == Status.INVITED
    assert answer.starts_at == new_start
    assert answer.rescheduled_from == old_start
    assert answer.channel == Channel.PHONE
    assert answer.office_id is None
    # The customer's reason stays with the appointment: its history.
    assert answer.change_reason == ChangeReason.JOB_INTERVIEW
    assert updates_of(answer)[-1] == (
        f"invited in answer to change request: moved {old_start:%Y-%m-%d %H:%M}Z -> "
        f"{new_start:%Y-%m-%d %H:%M}Z"
    )

    # Answered already (a second tap): refused, nothing changed.
    with pytest.raises(AppointmentError, match="schon beantwortet"):
        appointment_invite(
            request=None,
            actor=advisor,
            customer=customer,
            appt_type=appt_type,
            staff=advisor,
            starts_at=new_start + timedelta(days=1),
            channel=Channel.IN_PERSON,
            office_id=None,
            replaces=answer,
        )
    answer.refresh_from_db()
    assert answer.starts_at == new_start
    assert Appointment.objects.filter(customer=customer).count() == 1


def test_another_customers_appointment_cannot_be_replaced(
    customer: CustomerProfile,
    customer2: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    moved_wish: Appointment,
) -> None:
    with pytest.raises(AppointmentError):
        appointment_invite(
            request=None,
            actor=advisor,
            customer=customer2,
            appt_type=appt_type,
            staff=advisor,
            starts_at=FIRST_SLOT + timedelta(days=4),
            channel=Channel.PHONE,
            office_id=None,
            replaces=moved_wish,
        )
    moved_wish.refresh_from_db()
    assert moved_wish.status == Status.CHANGE_REQUESTED
    assert not Appointment.objects.filter(customer=customer2).exists()


def test_staff_answer_the_request_from_the_appointment_page(
    staff_client: Any,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    moved_wish: Appointment,
    client: Client,
) -> None:
    staff = staff_client(advisor)
    page = text(staff.get(f"/fulda/staff/termine/{moved_wish.pk}/"))
    link = f"{STAFF_NEW}?kunde={customer.pk}&ersetzt={moved_wish.pk}"
    assert link in page
    form = text(staff.get(STAFF_NEW, {"kunde": customer.pk, "ersetzt": moved_wish.pk}))
    assert "Beantwortet die Bitte um einen anderen Termin" in form
    assert re.search(rf'<option value="{moved_wish.pk}" selected>', form)
    office = Office.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    assert office is not None
    response = staff.post(
        f"{STAFF_NEW}?kunde={customer.pk}",
        {
            "replaces": str(moved_wish.pk),
            "appt_type": str(appt_type.pk),
            "staff": str(advisor.pk),
            "day": "2026-06-05",
            "at": "09:00",
            "channel": "in_person",
            "office": str(office.pk),
            "note": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/fulda/staff/termine/{moved_wish.pk}/"
    assert Appointment.objects.filter(customer=customer).count() == 1
    moved_wish.refresh_from_db()
    assert moved_wish.status == Status.INVITED
    assert moved_wish.rescheduled_from is not None

    client.force_login(customer.user)
    mine = visible(client.get(detail_url(moved_wish)))
    assert "Einladung: Bitte antworten Sie" in mine
    assert "Vorher geplant für" in mine
    listing = visible(client.get("/fulda/mein-bereich/termine/"))
    assert listing.count("Einladung: Beratung bei Ihrer Ansprechperson") == 1


def test_without_a_pending_request_the_invite_form_has_no_replace_field(
    staff_client: Any, customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    form = text(staff_client(advisor).get(STAFF_NEW, {"kunde": customer.pk}))
    assert "Beantwortet die Bitte um einen anderen Termin" not in form


# --- Texts that fit the kind of appointment ----------------------------------------------


@pytest.mark.parametrize(
    ("channel", "present", "absent"),
    [
        (
            Channel.VIDEO,
            [
                "Per Video im Browser: Sie müssen nirgendwohin kommen.",
                "Zum Videogespräch",
                "Bitte nehmen Sie zur Terminzeit am Videogespräch teil.",
            ],
            [
                "Bitte mitbringen",
                "Personalausweis",
                "Bitte kommen Sie zu diesem Termin",
                "Auf der Karte zeigen",
            ],
        ),
        (
            Channel.PHONE,
            [
                "Ihre Ansprechperson ruft Sie an",
                "Wir haben noch keine Telefonnummer",
                "Bitte seien Sie zur Terminzeit am Telefon erreichbar",
            ],
            [
                "Bitte mitbringen",
                "Personalausweis",
                "Bitte kommen Sie zu diesem Termin",
                "Auf der Karte zeigen",
            ],
        ),
        (
            Channel.IN_PERSON,
            [
                "Bitte mitbringen",
                "Personalausweis",
                "Auf der Karte zeigen",
                "Bitte kommen Sie zu diesem Termin",
            ],
            ["Zum Videogespräch", "ruft Sie an"],
        ),
    ],
)
def test_texts_fit_the_kind_of_appointment(
    client: Client,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    channel: str,
    present: list[str],
    absent: list[str],
) -> None:
    appointment = invite(customer, appt_type, advisor, FIRST_SLOT, channel)
    client.force_login(customer.user)
    page = visible(client.get(detail_url(appointment)))
    for phrase in present:
        assert phrase in page, phrase
    for phrase in absent:
        assert phrase not in page, phrase


# --- The legal notice for the person's situation -----------------------------------------


def _application(customer: CustomerProfile, kind: str, status: str, ref: str) -> Application:
    return Application.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind=kind,
        status=status,
        reference=ref,
        form_key="buergergeld",
        form_version=1,
    )


def test_applicant_and_recipient_get_the_notice_that_applies(
    client: Client, customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    appointment = invite(customer, appt_type, advisor, FIRST_SLOT)
    client.force_login(customer.user)
    _application(customer, ApplicationKind.INITIAL, ApplicationStatus.IN_PROGRESS, "EA-1")
    assert situation_of(customer) == Situation.APPLICANT
    page = visible(client.get(detail_url(appointment)))
    assert "über Ihren Antrag ist noch nicht entschieden" in page
    assert "§ 59 SGB II mit § 309 SGB III" in page
    assert "Sie bekommen Bürgergeld." not in page

    Application.objects.filter(customer=customer).update(status=ApplicationStatus.DECIDED)
    assert situation_of(customer) == Situation.RECIPIENT
    for url in (
        detail_url(appointment),
        detail_url(appointment) + "absagen/",
        "/fulda/mein-bereich/termine/",
    ):
        page = visible(client.get(url))
        assert "Sie bekommen Bürgergeld." in page, url
        assert "für einen Monat um 10 Prozent des Regelbedarfs, der für Sie gilt" in page
        assert "über Ihren Antrag ist noch nicht entschieden" not in page
        # The job centre's own note stays, beneath the notice.
        assert "Weitere Hinweise Ihres Jobcenters" in page


def test_a_renewal_marks_a_recipient_but_a_draft_does_not(customer: CustomerProfile) -> None:
    _application(customer, ApplicationKind.RENEWAL, ApplicationStatus.DRAFT, "WA-1")
    assert situation_of(customer) == Situation.APPLICANT
    _application(customer, ApplicationKind.RENEWAL, ApplicationStatus.RECEIVED, "WA-2")
    assert situation_of(customer) == Situation.RECIPIENT


def test_own_bookings_carry_no_legal_notice(
    client: Client, customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    client.force_login(customer.user)
    slot = f"{FIRST_SLOT:%Y-%m-%dT%H:%M:%S}Z|{advisor.pk}"
    client.post(
        f"/fulda/mein-bereich/termine/buchen/{appt_type.pk}/", {"slot": slot, "channel": "phone"}
    )
    booked = Appointment.objects.get(customer=customer)
    assert "Was passiert, wenn Sie nicht kommen" not in visible(client.get(detail_url(booked)))


# --- Proof after "Ich kann den Termin nicht wahrnehmen" ------------------------------------


@pytest.mark.parametrize("documents", [True, False])
def test_what_to_do_with_the_proof_matches_the_form_just_used(
    client: Client,
    customer: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    documents: bool,
) -> None:
    jobcenter = customer.jobcenter
    modules = {*jobcenter.enabled_modules} - {"documents"}
    jobcenter.enabled_modules = sorted(modules | ({"documents"} if documents else set()))
    jobcenter.save()
    appointment = invite(customer, appt_type, advisor, FIRST_SLOT)
    client.force_login(customer.user)
    form = text(client.get(detail_url(appointment) + "absagen/"))
    assert ('type="file"' in form) is documents
    response = client.post(
        detail_url(appointment) + "absagen/", {"reason": "illness", "wish": "move"}, follow=True
    )
    page = visible(response)
    upload = "/fulda/mein-bereich/unterlagen/senden/?kind=sick_note"
    if documents:
        # The form offered an upload and said "auch später": the page says where.
        assert "können Sie hier nachreichen, als Foto oder PDF-Datei: Nachweis senden" in page
        assert f'href="{upload}"' in text(response)
        assert "per Post oder am Empfang" not in page
    else:
        assert "per Post oder am Empfang Ihres Jobcenters" in page
        assert upload not in text(response)


def test_after_asking_for_another_date_cannot_come_is_not_offered_again(
    client: Client, customer: CustomerProfile, moved_wish: Appointment
) -> None:
    client.force_login(customer.user)
    assert "absagen/" not in text(client.get(detail_url(moved_wish)))
    page = visible(client.get(detail_url(moved_wish) + "absagen/"))
    assert "Sie haben bereits um einen anderen Termin gebeten." in page
    before = updates_of(moved_wish)
    response = client.post(
        detail_url(moved_wish) + "absagen/", {"reason": "other", "wish": "cancel"}
    )
    assert response.status_code == 302
    moved_wish.refresh_from_db()
    assert moved_wish.status == Status.CHANGE_REQUESTED
    assert moved_wish.change_reason == ChangeReason.JOB_INTERVIEW
    assert updates_of(moved_wish) == before


def test_staff_cancelled_appointment_link_says_so(
    client: Client, customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    from openjobcenter.appointments.services import appointment_cancel

    appointment = invite(customer, appt_type, advisor, FIRST_SLOT)
    appointment_cancel(request=None, actor=advisor, appointment=appointment, message="Krank.")
    client.force_login(customer.user)
    page = visible(client.get(detail_url(appointment) + "absagen/"))
    assert "Ihr Jobcenter hat diesen Termin abgesagt." in page
    response = client.post(
        detail_url(appointment) + "absagen/", {"reason": "other", "wish": "cancel"}
    )
    assert response.status_code == 409
    assert "Ihr Jobcenter hat diesen Termin abgesagt." in visible(response)
    confirm = client.post(detail_url(appointment) + "bestaetigen/")
    assert confirm.status_code == 409
    assert "Ihr Jobcenter hat diesen Termin abgesagt." in visible(confirm)
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    assert appointment.cancelled_by == "staff"
    assert appointment.change_reason == ""


def test_invite_cannot_replace_another_customers_request(
    staff_client: Any,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    appt_type: AppointmentType,
    advisor: User,
    moved_wish: Appointment,
) -> None:
    office = Office.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    assert office is not None
    response = staff_client(advisor).post(
        f"{STAFF_NEW}?kunde={customer2.pk}",
        {
            "replaces": str(moved_wish.pk),
            "appt_type": str(appt_type.pk),
            "staff": str(advisor.pk),
            "day": "2026-06-05",
            "at": "09:00",
            "channel": "in_person",
            "office": str(office.pk),
            "note": "",
        },
    )
    # Customer 2 has no pending request: the field is not there, and the invitation is
    # an ordinary one; the other customer's appointment stays as it was.
    moved_wish.refresh_from_db()
    assert moved_wish.status == Status.CHANGE_REQUESTED
    assert moved_wish.customer_id == customer.pk
    assert response.status_code == 302
    assert Appointment.objects.filter(customer=customer2).count() == 1
