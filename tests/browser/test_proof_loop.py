"""Proofs close the loop in Chromium (issue 17): the customer sends a proof from the
application's own proof list with the capture page, and the list then says "erhalten am"
with the receipt link; staff see the same on the application page. axe on each page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import enable_module, make_application
from tests.browser.conftest import (
    OtherBrowsers,
    check_a11y,
    log_in,
    submit,
)
from tests.documents.conftest import photo

# OCR on (tests/conftest.py): the pages show the kind suggestion read from the photo,
# and axe-core checks them as customers and staff see them.
pytestmark = [pytest.mark.browser, pytest.mark.ocr]


@pytest.fixture
def docs_enabled(jobcenters: dict[str, Jobcenter], settings: Any, tmp_path: Path) -> Jobcenter:
    settings.MEDIA_ROOT = tmp_path / "media"
    jc = jobcenters["fulda"]
    jc.enabled_modules = [*jc.enabled_modules, "documents"]
    jc.save()
    enable_module(jc)
    return jc


def test_proof_sent_from_the_list_shows_received(
    page: Page,
    docs_enabled: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    tmp_path: Path,
    other_browsers: OtherBrowsers,
) -> None:
    app = make_application(customer)
    shot = tmp_path / "mietvertrag.jpg"
    shot.write_bytes(photo(1))
    log_in(page, customer.user.email)
    page.goto(f"/fulda/mein-bereich/antrag/{app.pk}/nachweise/")
    entry = page.locator('li.panel:has(h2:text-is("Mietvertrag"))')
    check_a11y(page, "proof loop: proof list before")
    entry.locator("a", has_text="Jetzt hochladen").click()
    page.wait_for_url("**/unterlagen/senden/?*")
    check_a11y(page, "proof loop: capture page from the proof list")
    page.get_by_label("Fotos oder PDF").set_input_files(str(shot))
    expect(page.locator(".capture-frame img")).to_be_visible(timeout=30_000)
    submit(page, page.get_by_role("button", name="Senden"))
    expect(page.get_by_text("Vielen Dank. Wir haben Ihre Unterlage erhalten.")).to_be_visible()
    doc = Document.objects.get()
    assert doc.state == DocumentState.RECEIVED
    assert doc.kind == "tenancy_agreement"

    page.goto(f"/fulda/mein-bereich/antrag/{app.pk}/nachweise/")
    expect(entry).to_contain_text("erhalten am")
    expect(entry.locator("a", has_text="Eingangsbestätigung")).to_have_attribute(
        "href", f"/fulda/mein-bereich/unterlagen/{doc.pk}/eingangsbestaetigung.pdf"
    )
    expect(entry.locator("a", has_text="Jetzt hochladen")).to_have_count(0)
    check_a11y(page, "proof loop: proof list after")

    staff_page = other_browsers.staff(staff_a[Role.CASEWORKER], docs_enabled)
    staff_page.goto(f"/fulda/staff/antraege/{app.pk}/")
    staff_entry = staff_page.locator("ul.proofs li", has_text="Mietvertrag")
    expect(staff_entry).to_contain_text("erhalten am")
    check_a11y(staff_page, "proof loop: staff application page")


def test_staff_request_answered_by_a_chat_photo_shows_received(
    page: Page,
    docs_enabled: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    tmp_path: Path,
    other_browsers: OtherBrowsers,
) -> None:
    """Issue 17.3 / 18.4 in two contexts: staff request the missing proofs from the
    application; the customer sees the request with its notice, sends a photo in the chat
    and says which item it answers; the staff application page shows "erhalten am"."""
    from openjobcenter.documents.models import DocumentRequest
    from openjobcenter.messaging import services as chat
    from openjobcenter.messaging.models import Topic

    docs_enabled.enabled_modules = [*docs_enabled.enabled_modules, "messaging"]
    docs_enabled.save()
    chat.topics_ensure_defaults(jobcenter=docs_enabled)
    conversation = chat.conversation_start(
        customer=customer,
        author=customer.user,
        data=chat.StartRequest(
            subject="Unterlagen",
            body="Guten Tag",
            topic=Topic.objects.filter(jobcenter=docs_enabled).first(),
        ),
    )
    app = make_application(customer)

    staff_page = other_browsers.staff(staff_a[Role.CASEWORKER], docs_enabled)
    staff_page.goto(f"/fulda/staff/antraege/{app.pk}/")
    submit(staff_page, staff_page.get_by_role("link", name="Fehlende Unterlagen anfordern"))
    missing = staff_page.get_by_role("group", name="Fehlende Nachweise aus dem Antrag")
    expect(missing.get_by_label("Mietvertrag", exact=True)).to_be_checked()
    check_a11y(staff_page, "proof loop: request prefilled from the application")
    submit(staff_page, staff_page.get_by_role("button", name="Anfordern"))
    doc_request = DocumentRequest.objects.get()
    assert doc_request.items.filter(kind="tenancy_agreement").exists()

    log_in(page, customer.user.email)
    page.goto("/fulda/mein-bereich/unterlagen/")
    expect(page.get_by_text("Ihre Mitwirkung")).to_be_visible()
    expect(page.locator(".doc-request")).to_contain_text("§ 66 SGB I")
    check_a11y(page, "proof loop: request with the duty-to-cooperate notice")

    shot = tmp_path / "mietvertrag.jpg"
    shot.write_bytes(photo(1))
    page.goto(f"/fulda/mein-bereich/nachrichten/{conversation.pk}/")
    page.get_by_label("Foto oder Datei anhängen").set_input_files(str(shot))
    submit(page, page.get_by_role("button", name="Senden"))
    choice = page.get_by_label("Wofür ist dieses Dokument? (freiwillig)")
    expect(choice).to_be_visible()
    check_a11y(page, "proof loop: chat photo with the choice of proof item")
    choice.select_option(label="Mietvertrag")
    submit(page, page.get_by_role("button", name="Zuordnen"))
    expect(page.locator(".chat-proof")).to_contain_text("Zugeordnet: Mietvertrag")

    item = doc_request.items.get(kind="tenancy_agreement")
    assert item.fulfilled_at is not None
    staff_page.goto(f"/fulda/staff/antraege/{app.pk}/")
    entry = staff_page.locator("ul.proofs li", has_text="Mietvertrag")
    expect(entry).to_contain_text("erhalten am")
    expect(entry.get_by_role("link", name="Unterlage ansehen")).to_be_visible()
    check_a11y(staff_page, "proof loop: staff application page after the chat photo")
