"""The public pages as a visitor sees them: lookup, job centre pages, languages, reflow."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import check_a11y, new_context, submit

pytestmark = pytest.mark.browser


def no_horizontal_scroll(page: Page, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px > {width}px"


def test_landing_page_lookup_finds_fulda_for_its_postcode(page: Page) -> None:
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Welches Jobcenter ist für mich zuständig?")
    expect(page).to_have_title(re.compile("OpenJobcenter"))
    check_a11y(page, "/")

    # With JavaScript, htmx updates the results while the person types.
    page.get_by_label("Wohnort oder Postleitzahl").fill("36088")
    results = page.locator("#lookup-results")
    expect(results.get_by_role("heading", level=2)).to_contain_text("Treffer für „36088“")
    expect(results.get_by_role("link", name="Landkreis Fulda")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/\?q=36088$"))

    # The submit button gives the same answer as a full page.
    submit(page, page.get_by_role("button", name="Suchen"))
    expect(page).to_have_url(re.compile(r"/\?q=36088$"))
    expect(results.get_by_role("link", name="Landkreis Fulda")).to_be_visible()
    check_a11y(page, "/?q=36088")

    results.get_by_role("link", name="Landkreis Fulda").click()
    page.wait_for_url("**/fulda/")
    expect(page.locator("h1")).to_have_text("Landkreis Fulda")

    page.goto("/?q=Atlantis")
    expect(results).to_contain_text("Wir haben kein Jobcenter gefunden")


def test_tenant_start_page_and_its_legal_pages(page: Page) -> None:
    page.goto("/fulda/")
    expect(page.locator("h1")).to_have_text("Landkreis Fulda")
    expect(page.get_by_role("heading", name="Standorte und Öffnungszeiten")).to_be_visible()
    expect(page.get_by_text("Außenstelle Hünfeld")).to_be_visible()
    check_a11y(page, "/fulda/")

    footer = page.locator("footer")
    for link, heading, path in [
        ("Impressum", "Impressum", "/fulda/impressum/"),
        ("Datenschutz", "Datenschutzerklärung", "/fulda/datenschutz/"),
        ("Barrierefreiheit", "Erklärung zur Barrierefreiheit", "/fulda/barrierefreiheit/"),
    ]:
        footer.get_by_role("link", name=link, exact=True).click()
        page.wait_for_url(f"**{path}")
        expect(page.locator("h1")).to_have_text(heading)
        check_a11y(page, path)


def test_unknown_page_is_a_helpful_404(page: Page) -> None:
    response = page.goto("/gibt-es-nicht/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Seite nicht gefunden")
    check_a11y(page, "404")
    page.get_by_role("link", name="Zur Übersicht aller Jobcenter").click()
    page.wait_for_url(re.compile(r"/$"))


def test_switch_to_arabic_turns_the_page_right_to_left_and_stays(page: Page) -> None:
    page.goto("/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "de")
    expect(html).to_have_attribute("dir", "ltr")

    page.locator("#language-select").select_option("ar")
    submit(page, page.locator(".language-switch button[type=submit]"))
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))  # back where the switch was
    expect(page.locator("#language-select")).to_have_value("ar")
    check_a11y(page, "/ (ar)")

    # The choice persists on the next page.
    page.goto("/fulda/")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")


def test_no_horizontal_scrolling_on_small_screens(browser: Browser, server: str) -> None:
    # 320 CSS px is WCAG 1.4.10 reflow: a 1280 px window at 400 %, or 640 px at 200 %.
    context = new_context(browser, server, viewport={"width": 320, "height": 480})
    try:
        page = context.new_page()
        for width in (320, 640):
            page.set_viewport_size({"width": width, "height": 480})
            for path in ("/", "/?q=36088", "/fulda/", "/konto/signup/?jobcenter=fulda"):
                page.goto(path)
                no_horizontal_scroll(page, width)
    finally:
        context.close()


def test_axe_in_this_chromium_does_find_violations(page: Page) -> None:
    """Guards the guard: zero findings above must mean clean pages, not a silent axe."""
    page.set_content('<html><body><img src="data:,"><input type="text"></body></html>')
    results = Axe().run(page)
    rules = {v["id"]: v["impact"] for v in results.response["violations"]}
    assert rules.get("image-alt") == "critical"
    assert rules.get("label") == "critical"
    assert "html-has-lang" in rules
