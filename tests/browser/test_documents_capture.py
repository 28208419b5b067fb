"""Proofs from the phone in Chromium: a generated photo is uploaded page by page, the
cleaned page is shown, a part is blacked out, the document is sent; staff view it.
axe-core runs on every documents page on the way."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import (
    OtherBrowsers,
    check_a11y,
    log_in,
    new_context,
    submit,
)
from tests.documents.conftest import photo

# OCR on (tests/conftest.py): the pages show the kind suggestion read from the photo,
# and axe-core checks them as customers and staff see them.
pytestmark = [pytest.mark.browser, pytest.mark.ocr]


def _shot(page: Page, name: str) -> None:
    """Screenshots for a human look: DOCUMENTS_SCREENSHOTS=<folder>."""
    folder = os.environ.get("DOCUMENTS_SCREENSHOTS")
    if folder:
        page.screenshot(path=f"{folder}/{name}.png", full_page=True)


def wait_loaded(page: Page, selector: str) -> None:
    """Until the image has pixels (polled from here: the page's CSP forbids eval, which
    Playwright's in-page polling of wait_for_function needs)."""
    for _ in range(100):
        if page.evaluate(f"document.querySelector({selector!r})?.naturalWidth > 0"):
            return
        time.sleep(0.1)
    raise AssertionError(f"{selector} did not load")


@pytest.fixture
def docs_enabled(jobcenters: dict[str, Jobcenter], settings: Any, tmp_path: Path) -> Jobcenter:
    settings.MEDIA_ROOT = tmp_path / "media"
    jc = jobcenters["fulda"]
    jc.enabled_modules = [*jc.enabled_modules, "documents"]
    jc.save()
    return jc


def test_capture_clean_redact_send(
    page: Page,
    docs_enabled: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    tmp_path: Path,
    other_browsers: OtherBrowsers,
) -> None:
    shot = tmp_path / "IMG_2041.jpg"
    shot.write_bytes(photo(1))
    log_in(page, customer.user.email)
    page.goto("/fulda/mein-bereich/unterlagen/")
    expect(page.locator("h1")).to_have_text("Meine Unterlagen")
    check_a11y(page, "documents: customer list (empty)")
    page.get_by_role("link", name="Unterlage senden").first.click()
    page.wait_for_url("**/unterlagen/senden/")
    check_a11y(page, "documents: capture page")
    page.get_by_label("Was für eine Unterlage ist das?").select_option("payslip")
    page.get_by_label("Fotos oder PDF").set_input_files(str(shot))
    preview = page.locator(".capture-frame img")
    expect(preview).to_be_visible(timeout=30_000)
    wait_loaded(page, ".capture-frame img")
    check_a11y(page, "documents: capture page with cleaned page")
    # Black out the top-left area by dragging across the cleaned page.
    page.get_by_role("button", name="Stelle schwärzen").click()
    preview.scroll_into_view_if_needed()
    box = preview.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 5, box["y"] + 5)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.2, steps=5)
    page.mouse.up()
    expect(page.locator(".redaction-box")).to_have_count(1)
    _shot(page, "capture")
    submit(page, page.get_by_role("button", name="Senden"))
    expect(page.get_by_text("Vielen Dank. Wir haben Ihre Unterlage erhalten.")).to_be_visible()
    doc = Document.objects.get()
    assert doc.state == DocumentState.RECEIVED
    assert doc.pages.get().redactions  # the rectangle reached the server
    expect(page.locator(".doc-hash")).to_have_text(doc.sha256)
    check_a11y(page, "documents: customer document")
    page.goto("/fulda/mein-bereich/unterlagen/")
    check_a11y(page, "documents: customer list")

    staff_page = other_browsers.staff(staff_a[Role.CASEWORKER], docs_enabled)
    staff_page.goto("/fulda/staff/unterlagen/")
    check_a11y(staff_page, "documents: staff search")
    staff_page.goto(f"/fulda/staff/unterlagen/{doc.pk}/")
    wait_loaded(staff_page, ".viewer img")
    staff_page.get_by_role("button", name="Drehen").click()
    expect(staff_page.locator(".viewer img")).to_have_attribute("data-rotation", "90")
    check_a11y(staff_page, "documents: staff document viewer")
    _shot(staff_page, "staff-viewer")
    staff_page.goto(f"/fulda/staff/unterlagen/kunde/{customer.pk}/")
    check_a11y(staff_page, "documents: staff customer documents")
    staff_page.goto(f"/fulda/staff/unterlagen/kunde/{customer.pk}/anfordern/")
    check_a11y(staff_page, "documents: staff request form")


def test_without_javascript(
    browser: Any, server: str, docs_enabled: Jobcenter, customer: CustomerProfile, tmp_path: Path
) -> None:
    shot = tmp_path / "seite.jpg"
    shot.write_bytes(photo(2))
    context = new_context(browser, server, java_script_enabled=False)
    page = context.new_page()
    log_in(page, customer.user.email)
    page.goto("/fulda/mein-bereich/unterlagen/senden/?kind=bank_statement")
    page.get_by_label("Fotos oder PDF").set_input_files(str(shot))
    submit(page, page.get_by_role("button", name="Senden"))
    expect(page.get_by_text("Vielen Dank. Wir haben Ihre Unterlage erhalten.")).to_be_visible()
    assert Document.objects.get().kind == "bank_statement"
    context.close()
