"""The staff side of applications in Chromium: inbox → one application (answers,
pre-calculation, proofs, hand-off, history) → assign to oneself → status change with a
reason; the admin's settings and funnel; axe-core on every page state."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import ApplicationEvent, EventKind, HandoffDelivery
from tests.applications.staff_data import enable_module, make_application
from tests.browser.conftest import check_a11y, log_in_staff, submit

pytestmark = pytest.mark.browser


def test_inbox_application_and_status_change(
    page: Page, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    jobcenter = customer.jobcenter
    enable_module(jobcenter)
    app = make_application(customer)
    make_application(customer, status="draft")
    HandoffDelivery.objects.create(
        application=app, backend="inbox", idempotency_key="k", status="delivered", attempts=1
    )
    worker = staff_a[Role.CASEWORKER]
    log_in_staff(page, worker, jobcenter)

    page.get_by_role("link", name="Anträge", exact=True).first.click()
    page.wait_for_url(f"**/{jobcenter.slug}/staff/antraege/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Anträge")
    expect(page.get_by_text("1 Antrag", exact=True)).to_be_visible()
    check_a11y(page, "staff applications inbox")

    page.get_by_label("Suche").fill("A-1001")
    submit(page, page.get_by_role("button", name="Anzeigen"))
    expect(page.get_by_role("link", name=app.reference)).to_be_visible()
    check_a11y(page, "staff applications inbox, filtered")

    submit(page, page.get_by_role("link", name=app.reference))
    expect(page.get_by_role("heading", level=1)).to_contain_text(app.reference)
    expect(page.get_by_text("Eva Kunde").first).to_be_visible()
    expect(page.locator("#precalc-claim")).to_be_visible()
    check_a11y(page, "staff application")

    submit(page, page.get_by_role("button", name="Mir zuweisen"))
    expect(page.get_by_text("Die Zuständigkeit wurde gespeichert.")).to_be_visible()

    page.get_by_label("Neuer Status").select_option("documents_requested")
    page.get_by_label("Begründung für die Kundin oder den Kunden").fill(
        "Bitte reichen Sie Ihre Lohnabrechnungen nach."
    )
    submit(page, page.get_by_role("button", name="Status ändern"))
    expect(page.locator("#current-status")).to_have_text("Unterlagen angefordert")
    expect(page.get_by_text("Bitte reichen Sie Ihre Lohnabrechnungen nach.")).to_be_visible()
    check_a11y(page, "staff application after status change")
    app.refresh_from_db()
    assert app.status == "documents_requested"
    assert app.assignee == worker
    assert ApplicationEvent.objects.filter(application=app, kind=EventKind.STATUS_CHANGED).exists()

    # A refused change (no reason) is shown with the error summary and changes nothing.
    page.get_by_label("Neuer Status").select_option("decided")
    submit(page, page.get_by_role("button", name="Status ändern"))
    expect(page.locator(".error-summary").first).to_be_visible()
    check_a11y(page, "staff application, status refused")
    app.refresh_from_db()
    assert app.status == "documents_requested"


def test_admin_settings_and_funnel(
    page: Page, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    jobcenter = customer.jobcenter
    enable_module(jobcenter)
    make_application(customer, status="draft", answers={"filing": {"first_name": "X"}})
    log_in_staff(page, staff_a[Role.ADMIN], jobcenter)
    page.goto(f"/{jobcenter.slug}/staff/antraege/einstellungen/")
    check_a11y(page, "staff applications settings")
    page.locator("#id_introduction").fill("Willkommen beim digitalen Antrag.")
    submit(page, page.get_by_role("button", name="Speichern").first)
    expect(page.get_by_text("Die Einstellungen wurden gespeichert.")).to_be_visible()
    page.goto(f"/{jobcenter.slug}/staff/antraege/auswertung/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Wo brechen")
    check_a11y(page, "staff applications funnel")
