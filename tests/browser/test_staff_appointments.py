"""The staff side of appointments in Chromium: the advisor's calendar, invitations and
hours, the admin's appointment types and advisor assignment, and the reception's check-in,
with axe-core on every page state."""

from __future__ import annotations

import re
from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import (
    Appointment,
    AppointmentType,
    Channel,
    Status,
)
from openjobcenter.appointments.opening import HOLIDAY_NAMES, hessen_holidays, holiday_on
from openjobcenter.appointments.services import appointment_invite
from openjobcenter.appointments.slots import BERLIN, local_to_utc
from openjobcenter.tenants.models import Jobcenter, Office
from tests.browser.conftest import (
    OtherBrowsers,
    check_a11y,
    log_in_staff,
    submit,
)

pytestmark = pytest.mark.browser

TYPE_NAME = "Beratung bei Ihrer Ansprechperson"


def today() -> date:
    return timezone.localtime(timezone.now(), BERLIN).date()


def workday(after: int) -> date:
    """The first Monday, Tuesday, Wednesday or Friday at least ``after`` days from today
    that is no public holiday: Fulda's first office is open 8–12 then."""
    day = today() + timedelta(days=after)
    while day.weekday() not in (0, 1, 2, 4) or holiday_on(day) is not None:
        day += timedelta(days=1)
    return day


def next_holiday() -> tuple[date, str]:
    """The next Hessian public holiday at least two days from today, with its name."""
    start = today() + timedelta(days=2)
    days = {**hessen_holidays(start.year), **hessen_holidays(start.year + 1)}
    day = min(d for d in days if d >= start)
    return day, str(HOLIDAY_NAMES[days[day]])


def first_office(jobcenter: Jobcenter) -> Office:
    office = Office.objects.filter(jobcenter=jobcenter).order_by("position").first()
    assert office is not None
    return office


@pytest.fixture
def todays(customer: CustomerProfile, appt_type: AppointmentType, advisor: User) -> Appointment:
    """Booked for 10:00 today on site; written directly, as it may already be past."""
    starts_at = local_to_utc(today(), time(10))
    assert starts_at is not None
    return Appointment.objects.create(
        jobcenter=customer.jobcenter,
        type=appt_type,
        customer=customer,
        staff=advisor,
        office=first_office(customer.jobcenter),
        channel=Channel.IN_PERSON,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=appt_type.duration_min),
        status=Status.BOOKED,
    )


@pytest.fixture
def invitation(customer: CustomerProfile, appt_type: AppointmentType, advisor: User) -> Appointment:
    """An open invitation in three days or a little later at 10:30, sent through the service."""
    starts_at = local_to_utc(workday(3), time(10, 30))
    assert starts_at is not None
    return appointment_invite(
        request=None,
        actor=advisor,
        customer=customer,
        appt_type=appt_type,
        staff=advisor,
        starts_at=starts_at,
        channel=Channel.IN_PERSON,
        office_id=first_office(customer.jobcenter).pk,
        note="Bitte bringen Sie Ihren Lebenslauf mit.",
    )


def test_advisor_calendar_invite_appointment_and_hours(
    page: Page,
    jc_a: Jobcenter,
    customer: CustomerProfile,
    advisor: User,
    todays: Appointment,
    invitation: Appointment,
) -> None:
    log_in_staff(page, advisor, jc_a)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Termine", exact=True).click()
    page.wait_for_url("**/fulda/staff/termine/")
    expect(page.locator("h1")).to_have_text("Meine Termine")
    day = page.get_by_role("table", name=re.compile(r"\(heute\)$"))
    expect(day).to_contain_text("Kunde")
    expect(day).to_contain_text(TYPE_NAME)
    expect(day.get_by_role("link", name="10:00–10:30 – Termin öffnen")).to_be_visible()
    check_a11y(page, "/fulda/staff/termine/ (day)")

    page.get_by_role("navigation", name="Ansicht").get_by_role("link", name="Woche").click()
    page.wait_for_url(re.compile(r"/fulda/staff/termine/\?.*ansicht=woche"))
    expect(page.locator("main h2")).to_have_count(7)
    expect(page.get_by_role("link", name="Woche", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    check_a11y(page, "/fulda/staff/termine/?ansicht=woche")

    # Inviting the customer to the very time of the open invitation: refused, with the
    # next free times of the advisor.
    page.goto(f"/fulda/staff/termine/neu/?kunde={customer.pk}")
    expect(page.locator("h1")).to_have_text("Termin vergeben")
    expect(page.locator("main")).to_contain_text("Kundennummer: A-1001")
    check_a11y(page, "/fulda/staff/termine/neu/?kunde=<pk>")

    clash_day = workday(3)
    page.get_by_label("Datum").fill(clash_day.isoformat())
    page.get_by_label("Uhrzeit").fill("10:30")
    submit(page, page.get_by_role("button", name="Einladung senden"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Dieser Termin ist gerade vergeben worden")
    expect(page.get_by_role("heading", name="Nächste freie Termine")).to_be_visible()
    expect(page.get_by_label("Datum")).to_have_value(clash_day.isoformat())
    check_a11y(page, "/fulda/staff/termine/neu/?kunde=<pk> (slot taken)")

    page.get_by_label("Datum").fill(workday((clash_day - today()).days + 1).isoformat())
    page.get_by_label("Hinweis für die Kundin oder den Kunden").fill("Bitte pünktlich.")
    submit(page, page.get_by_role("button", name="Einladung senden"))
    page.wait_for_url(re.compile(r"/fulda/staff/termine/\d+/$"))
    new = Appointment.objects.exclude(pk__in=[todays.pk, invitation.pk]).get()
    assert page.url.endswith(f"/fulda/staff/termine/{new.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("Die Einladung wurde verschickt.")
    expect(page.locator("h1")).to_have_text(TYPE_NAME)
    expect(main).to_contain_text("Noch keine Antwort auf die Einladung.")
    expect(main).to_contain_text("Bitte pünktlich.")
    expect(page.get_by_role("button", name="Termin verschieben")).to_be_visible()
    check_a11y(page, "/fulda/staff/termine/<pk>/ (invited)")

    page.get_by_role("link", name="Zum Kalender").click()
    page.wait_for_url(re.compile(r"/fulda/staff/termine/\?tag="))
    page.get_by_role("link", name="Sprechzeiten und Abwesenheiten").click()
    page.wait_for_url("**/fulda/staff/termine/sprechzeiten/")
    expect(page.locator("h1")).to_have_text("Meine Sprechzeiten und Abwesenheiten")
    weekly = page.get_by_role("table", name="Wöchentliche Sprechzeiten")
    expect(weekly.locator("tbody tr")).to_have_count(5)
    check_a11y(page, "/fulda/staff/termine/sprechzeiten/")


def test_invitation_on_a_holiday_with_a_reason_reaches_the_customer(
    page: Page,
    other_browsers: OtherBrowsers,
    jc_a: Jobcenter,
    customer: CustomerProfile,
    advisor: User,
    appt_type: AppointmentType,
) -> None:
    holiday, name = next_holiday()
    log_in_staff(page, advisor, jc_a)
    page.goto(f"/fulda/staff/termine/neu/?kunde={customer.pk}")
    picker = page.get_by_label("Bei wem")
    expect(picker.locator("option:checked")).to_have_text(
        f"{advisor.display_name} – Arbeitsvermittlung"
    )
    page.get_by_label("Datum").fill(holiday.isoformat())
    page.get_by_label("Uhrzeit").fill("09:00")
    submit(page, page.get_by_role("button", name="Einladung senden"))
    warning = f"Der {holiday:%d.%m.%Y} ist ein Feiertag in Hessen ({name})."
    expect(page.locator(".error-summary")).to_contain_text(warning)
    expect(page.get_by_role("status")).to_contain_text(warning)
    assert not Appointment.objects.exists()
    check_a11y(page, "/fulda/staff/termine/neu/?kunde=<pk> (holiday warning)")

    reason = "Die Kundin arbeitet werktags im Schichtdienst."
    page.get_by_label("Begründung für einen Termin außerhalb der Öffnungszeiten").fill(reason)
    submit(page, page.get_by_role("button", name="Einladung senden"))
    page.wait_for_url(re.compile(r"/fulda/staff/termine/\d+/$"))
    appointment = Appointment.objects.get()
    assert (appointment.status, appointment.override_reason) == (Status.INVITED, reason)
    expect(page.locator("main")).to_contain_text(reason)
    check_a11y(page, "/fulda/staff/termine/<pk>/ (override reason)")

    # The customer, in a browser of their own, finds the invitation on that day.
    customer_page = other_browsers.customer(customer.user.email)
    customer_page.goto("/fulda/mein-bereich/termine/")
    invitations = customer_page.get_by_role("region", name="Einladungen: Bitte antworten Sie")
    expect(invitations).to_contain_text(TYPE_NAME)
    months = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August"]
    months += ["September", "Oktober", "November", "Dezember"]
    expect(invitations).to_contain_text(f"{holiday.day}. {months[holiday.month - 1]}")
    check_a11y(customer_page, "/fulda/mein-bereich/termine/ (holiday invitation)")


def test_admin_types_and_advisor_assignment(
    page: Page,
    jc_a: Jobcenter,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    appt_type: AppointmentType,
    todays: Appointment,
) -> None:
    admin, advisor = staff_a[Role.ADMIN], staff_a[Role.JOB_ADVISOR]
    log_in_staff(page, admin, jc_a)
    page.goto("/fulda/staff/termine/arten/")
    expect(page.locator("h1")).to_have_text("Terminarten")
    types = page.get_by_role("table", name="Terminarten dieses Jobcenters")
    expect(types.get_by_role("link", name=f"{TYPE_NAME} – bearbeiten")).to_be_visible()
    check_a11y(page, "/fulda/staff/termine/arten/")

    page.get_by_role("link", name="Terminart anlegen").click()
    page.wait_for_url("**/fulda/staff/termine/arten/neu/")
    expect(page.locator("h1")).to_have_text("Terminart anlegen")
    check_a11y(page, "/fulda/staff/termine/arten/neu/")

    # Sent without a name and without a way: both named in the summary.
    page.get_by_label("vor Ort").uncheck()
    submit(page, page.get_by_role("button", name="Speichern"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_count(2)
    check_a11y(page, "/fulda/staff/termine/arten/neu/ (errors)")

    page.get_by_label("Bezeichnung", exact=True).fill("Erstgespräch")
    page.get_by_label("am Telefon").check()
    submit(page, page.get_by_role("button", name="Speichern"))
    page.wait_for_url("**/fulda/staff/termine/arten/")
    expect(page.locator("main")).to_contain_text("Die Terminart wurde gespeichert.")
    expect(types.get_by_role("link", name="Erstgespräch – bearbeiten")).to_be_visible()

    # The customer's page: the appointment, and whom the customer is assigned to.
    page.goto(f"/fulda/staff/kunden/{customer.pk}/")
    expect(page.locator("h1")).to_have_text(customer.user.display_name)
    expect(page.get_by_role("heading", name="Ansprechperson zuordnen")).to_be_visible()
    select = page.get_by_label("Ansprechperson (Arbeitsvermittlung)")
    expect(select).to_have_value(str(advisor.pk))
    expect(page.get_by_role("heading", name="Termine")).to_be_visible()
    check_a11y(page, "/fulda/staff/kunden/<pk>/ (appointments, advisor form)")

    select.select_option(str(staff_a[Role.CASEWORKER].pk))
    submit(page, page.locator("form").filter(has=select).get_by_role("button", name="Speichern"))
    expect(page.locator("main")).to_contain_text("Die Ansprechperson wurde gespeichert.")
    expect(select).to_have_value(str(staff_a[Role.CASEWORKER].pk))
    customer.refresh_from_db()
    assert customer.advisor == staff_a[Role.CASEWORKER]


def test_reception_checks_a_customer_in(
    page: Page, jc_a: Jobcenter, staff_a: dict[Role, User], todays: Appointment
) -> None:
    log_in_staff(page, staff_a[Role.RECEPTION], jc_a)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Empfang", exact=True).click()
    page.wait_for_url("**/fulda/staff/termine/empfang/")
    expect(page.locator("h1")).to_have_text("Empfang: Termine vor Ort heute")
    rows = page.get_by_role("table", name="1 Termin heute").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Kunde")
    check_a11y(page, "/fulda/staff/termine/empfang/")

    submit(page, rows.first.get_by_role("button", name=re.compile(r"^Anmelden – ")))
    page.wait_for_url("**/fulda/staff/termine/empfang/")
    expect(page.locator(".messages")).to_contain_text("ist angemeldet")
    expect(rows.first).to_contain_text(re.compile(r"angemeldet um \d\d:\d\d Uhr"))
    expect(rows.first.get_by_role("button")).to_have_count(0)
    check_a11y(page, "/fulda/staff/termine/empfang/ (checked in)")
    todays.refresh_from_db()
    assert todays.checked_in_at is not None
