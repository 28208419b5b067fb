"""The customer card in Chromium: at 390 px with axe, offline after one visit (the
service worker's card cache), the cache emptied at logout; the admin's wallet page."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, expect
from playwright.sync_api import Error as PlaywrightError

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, log_in, log_in_staff, new_context, submit

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def card_module(jc_a: Jobcenter) -> Jobcenter:
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, "customer_card"})
    jc_a.save(update_fields=["enabled_modules"])
    return jc_a


@pytest.fixture
def phone(browser: Browser, server: str) -> Iterator[BrowserContext]:
    context = new_context(browser, server, viewport=PHONE)
    yield context
    context.close()


def _card_cached(page: Page) -> bool:
    return bool(page.evaluate("async () => (await caches.keys()).includes('ojc-card-v1')"))


def test_card_at_390px_works_offline_and_is_forgotten_at_logout(
    phone: BrowserContext, card_module: Jobcenter, customer: CustomerProfile
) -> None:
    page = phone.new_page()
    log_in(page, customer.user.email)
    page.goto("/fulda/mein-bereich/kundenkarte/")
    expect(page.locator("[data-card-number]")).to_have_text("A-1001")
    expect(page.locator("svg.card-qr")).to_be_visible()
    box = page.locator("svg.card-qr").bounding_box()
    assert box is not None
    assert box["width"] >= 200  # large enough for a scanner at arm's length
    check_a11y(page, "/fulda/mein-bereich/kundenkarte/ (390 px)")

    # The page registered the service worker; once it controls the page, a reload goes
    # through it and the card is kept.
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller")
    page.reload()
    page.wait_for_function(
        "async () => !!(await (await caches.open('ojc-card-v1')).match(location.href))"
    )

    phone.set_offline(True)
    # Changed on the server meanwhile: what the reload shows can only come from the cache.
    CustomerProfile.objects.filter(pk=customer.pk).update(customer_number="A-9999")
    page.reload()
    expect(page.locator("[data-card-number]")).to_have_text("A-1001")
    expect(page.locator("svg.card-qr")).to_be_visible()
    expect(
        page.get_by_text("Sie sind offline. Das ist die zuletzt geladene Karte.")
    ).to_be_visible()
    # Only the card is kept: another personal page is not available offline.
    with pytest.raises(PlaywrightError, match="ERR_INTERNET_DISCONNECTED"):
        page.goto("/fulda/mein-bereich/")
    phone.set_offline(False)

    page.goto("/fulda/mein-bereich/kundenkarte/")
    expect(page.locator("[data-card-number]")).to_have_text("A-9999")
    assert _card_cached(page)
    page.goto("/konto/logout/")
    submit(page, page.locator("main form button[type=submit]").first)
    assert not _card_cached(page)


def test_block_without_javascript_flow_and_axe(
    page: Page, card_module: Jobcenter, customer: CustomerProfile
) -> None:
    log_in(page, customer.user.email)
    page.goto("/fulda/mein-bereich/kundenkarte/")
    page.get_by_role("link", name="Karte sperren").click()
    expect(page.get_by_role("heading", name="Kundenkarte sperren?")).to_be_visible()
    check_a11y(page, "/fulda/mein-bereich/kundenkarte/sperren/")
    submit(page, page.get_by_role("button", name="Ja, Karte jetzt sperren"))
    expect(page.get_by_text("Ihre Kundenkarte ist gesperrt.")).to_be_visible()
    expect(page.locator("svg.card-qr")).to_have_count(0)
    check_a11y(page, "/fulda/mein-bereich/kundenkarte/ (blocked)")
    page.get_by_role("link", name="Neue Karte ausstellen").click()
    expect(page.get_by_role("button", name="Ja, neue Karte ausstellen")).to_be_visible()
    check_a11y(page, "/fulda/mein-bereich/kundenkarte/neu/")
    submit(page, page.get_by_role("button", name="Ja, neue Karte ausstellen"))
    expect(page.locator("svg.card-qr")).to_be_visible()


def test_admin_wallet_page_with_axe(
    page: Page, card_module: Jobcenter, staff_a: dict[Role, User]
) -> None:
    log_in_staff(page, staff_a[Role.ADMIN], card_module)
    page.goto("/fulda/staff/kundenkarte/")
    expect(page.get_by_role("heading", name="Kundenkarte und Wallet")).to_be_visible()
    check_a11y(page, "/fulda/staff/kundenkarte/")
    page.get_by_label("Pass-Zertifikat (.p12)").set_input_files(
        files=FilePayload(name="x.p12", mimeType="application/x-pkcs12", buffer=b"kein Zertifikat")
    )
    page.get_by_label("Passwort der .p12-Datei").fill("x")
    submit(page, page.get_by_role("button", name="Zertifikat speichern"))
    expect(page.get_by_role("alert")).to_contain_text("ist kein Zertifikat im Format PKCS #12")
    check_a11y(page, "/fulda/staff/kundenkarte/ (400)")


def test_the_home_card_keeps_name_and_number_on_one_line_in_persian_at_390px(
    phone: BrowserContext, card_module: Jobcenter, customer: CustomerProfile
) -> None:
    """A long translated label (Persian with the German term beside it) once took the whole
    width and broke the number into one letter per line."""
    page = phone.new_page()
    log_in(page, customer.user.email)
    page.goto("/fulda/mein-bereich/")
    page.select_option("#language-select", "fa")
    page.click(".language-switch button[type=submit]")
    page.goto("/fulda/mein-bereich/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    for value in ("Karl Kunde", "A-1001"):
        cell = page.locator(".customer-card-data dd", has_text=value)
        # The text's own height (its range, not the grid cell, which its label stretches).
        height = float(
            cell.evaluate(
                "e => { const r = document.createRange(); r.selectNodeContents(e);"
                " return r.getBoundingClientRect().height }"
            )
        )
        line = float(cell.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) || 24"))
        assert height < 1.6 * line, (value, height, line)
    check_a11y(page, "/fulda/mein-bereich/ (fa, 390 px)")
