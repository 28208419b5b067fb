"""The staff loop of issue 18 in two browser contexts: a customer files an application
(through the services, as the form would) → the caseworker's work queue counts the filing
and the inbox shows it "gestellt, unvollständig" → the customer submits → the caseworker
opens the application and asks for the missing proofs ("Fehlende Unterlagen anfordern",
prefilled with the application's open proof items) → the customer sees the request on
their home and sends the proofs from there → the staff application page ticks each item
("erhalten am") → the caseworker checks the documents → the work queue's entries for the
filing, the unchecked documents and the request are at zero. axe on every page load."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications import services
from openjobcenter.applications.models import Application, ApplicationStep
from openjobcenter.applications.services_submit import application_submit
from openjobcenter.documents.models import Document, DocumentRequest, DocumentState
from openjobcenter.tenants.models import Jobcenter
from tests.applications.customer_data import COUPLE
from tests.browser.conftest import (
    OtherBrowsers,
    check_a11y,
    log_in,
    submit,
)
from tests.documents.conftest import photo
from tests.home.world import enable_modules

# OCR on (tests/conftest.py): the pages show the kind suggestion read from the photo,
# and axe-core checks them as customers and staff see them.
pytestmark = [pytest.mark.browser, pytest.mark.ocr]

# The two proofs the caseworker asks for (of the application's open ones).
ASKED = ("Mietvertrag", "Lohn- oder Gehaltsabrechnung")


@pytest.fixture
def fulda(jobcenters: dict[str, Jobcenter], settings: Any, tmp_path: Path) -> Jobcenter:
    settings.MEDIA_ROOT = tmp_path / "media"
    jc = jobcenters["fulda"]
    enable_modules(jc)
    return jc


def _save(app: Application, key: str, answers: dict[str, Any]) -> None:
    row = ApplicationStep.objects.filter(application=app, step_key=key).first()
    services.application_step_save(
        request=None,
        application=app,
        step_key=key,
        answers=answers,
        base_version=row.version if row else 0,
    )


def _count(page: Page, kind: str) -> Any:
    return page.locator(f'[data-kind="{kind}"] .work-count')


def _send_from_home(customer: Page, shot: Path, *, waiting: str) -> None:
    """From the home's request item (``waiting``: what it says is asked for) to the
    capture page, one photo, sent."""
    customer.goto("/fulda/mein-bereich/")
    request = customer.locator('[data-home-items] li[data-kind="document_request"]')
    expect(request.get_by_role("heading")).to_have_text(waiting)
    request.get_by_role("link", name="Jetzt senden").click()
    customer.wait_for_url(re.compile(r"/fulda/mein-bereich/unterlagen/senden/\?kind=\w+&item=\d+$"))
    customer.get_by_label("Fotos oder PDF").set_input_files(str(shot))
    expect(customer.locator(".capture-frame img")).to_be_visible(timeout=30_000)
    submit(customer, customer.get_by_role("button", name="Senden"))
    expect(customer.get_by_text("Vielen Dank. Wir haben Ihre Unterlage erhalten.")).to_be_visible()


def test_filing_to_request_to_proofs_to_an_empty_queue(
    page: Page,
    fulda: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    tmp_path: Path,
    other_browsers: OtherBrowsers,
) -> None:
    # The customer files: the first step only, the date is secured.
    app = services.application_start(request=None, customer=customer, kind="initial")
    _save(app, "filing", COUPLE["filing"])
    app.refresh_from_db()
    assert app.filed_at is not None and app.submitted_at is None

    # The caseworker's queue counts the filing; its link leads to it in the inbox.
    staff = other_browsers.staff(staff_a[Role.CASEWORKER], fulda)
    expect(_count(staff, "applications.filed")).to_have_text("1")
    check_a11y(staff, "staff loop: work queue with the filing")
    staff.locator('[data-kind="applications.filed"] a').click()
    staff.wait_for_url("**/staff/antraege/#filings")
    filing_row = staff.get_by_role("region", name="Gestellt, noch nicht vollständig").locator(
        "tr", has_text=app.reference
    )
    expect(filing_row.locator(".tag-filed")).to_have_text("gestellt, unvollständig")
    filing_row.get_by_role("link", name=app.reference).click()
    staff.wait_for_url(f"**/staff/antraege/gestellt/{app.pk}/")
    expect(staff.locator(".tag-filed")).to_have_text("gestellt, unvollständig")
    expect(staff.get_by_text(COUPLE["filing"]["street"])).to_be_visible()

    # The customer completes and submits it.
    for key, answers in COUPLE.items():
        if key != "filing":
            _save(app, key, answers)
    application_submit(request=None, application=app)
    app.refresh_from_db()
    assert app.submitted_at is not None

    # The filing has left the queue; the submitted application waits for someone.
    staff.goto("/fulda/staff/")
    expect(_count(staff, "applications.filed")).to_have_text("0")
    expect(_count(staff, "applications.unassigned")).to_have_text("1")
    staff.locator('[data-kind="applications.unassigned"] a').click()
    staff.get_by_role("link", name=app.reference).click()
    staff.wait_for_url(f"**/staff/antraege/{app.pk}/")
    proofs = staff.locator("ul.proofs li")
    open_proofs = proofs.count()
    assert open_proofs >= len(ASKED)
    for label in ASKED:
        expect(proofs.filter(has_text=label)).not_to_contain_text("erhalten am")

    # Request from what is missing: every open proof item is prefilled; the caseworker
    # asks for two of them now.
    submit(staff, staff.get_by_role("link", name="Fehlende Unterlagen anfordern"))
    missing = staff.get_by_role("group", name="Fehlende Nachweise aus dem Antrag")
    boxes = missing.get_by_role("checkbox")
    expect(boxes).to_have_count(open_proofs)
    for k in range(open_proofs):
        expect(boxes.nth(k)).to_be_checked()
    check_a11y(staff, "staff loop: request prefilled from the application")
    kept = []
    for k in range(open_proofs):
        box = boxes.nth(k)
        # Labels name the person: "Lohn- oder Gehaltsabrechnung (Karl Kunde)".
        label = box.evaluate("b => b.labels[0].textContent.trim()")
        if label.startswith(ASKED):
            kept.append(label)
        else:
            box.uncheck()
    assert len(kept) == len(ASKED), kept
    submit(staff, staff.get_by_role("button", name="Anfordern"))
    doc_request = DocumentRequest.objects.get(customer=customer)
    assert doc_request.items.count() == len(ASKED)

    # The customer sees the request on their home and sends the proofs from there.
    log_in(page, customer.user.email)
    shot = tmp_path / "nachweis.jpg"
    shot.write_bytes(photo(1))
    _send_from_home(page, shot, waiting="Ihr Jobcenter bittet um 2 Unterlagen")
    check_a11y(page, "staff loop: customer after the first proof")

    # Staff: the first item is ticked, the other not yet; one document waits.
    staff.goto(f"/fulda/staff/antraege/{app.pk}/")
    received = proofs.filter(has_text="erhalten am")
    expect(received).to_have_count(1)
    staff.goto("/fulda/staff/")
    expect(_count(staff, "documents.unchecked")).to_have_text("1")

    _send_from_home(page, shot, waiting="Ihr Jobcenter bittet um eine Unterlage")
    page.goto("/fulda/mein-bereich/")
    expect(page.locator('[data-home-items] li[data-kind="document_request"]')).to_have_count(0)
    assert not doc_request.items.filter(fulfilled_at__isnull=True).exists()

    # Staff: both ticked; the caseworker checks each document from the proof list.
    staff.goto(f"/fulda/staff/antraege/{app.pk}/")
    for label in ASKED:
        expect(proofs.filter(has_text=label).first).to_contain_text("erhalten am")
    docs = Document.objects.filter(customer=customer)
    assert docs.count() == len(ASKED)
    for doc in docs:
        staff.goto(f"/fulda/staff/unterlagen/{doc.pk}/")
        staff.get_by_label("Anerkannt").check()
        submit(staff, staff.get_by_role("button", name="Speichern"))
        doc.refresh_from_db()
        assert doc.state == DocumentState.ACCEPTED

    # The queue: nothing of this loop is left (filing, unchecked documents, request).
    staff.goto("/fulda/staff/")
    for kind in (
        "applications.filed",
        "documents.unchecked",
        "documents.unchecked_health",
        "documents.overdue_requests",
    ):
        expect(_count(staff, kind)).to_have_text("0")
    check_a11y(staff, "staff loop: work queue emptied")
