"""Languages in the browser: right-to-left at 320 px and 200 % zoom, switching keeps what
was typed, Leichte Sprache from the start page. axe checks every page these load."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import new_context, submit

pytestmark = pytest.mark.browser

RTL_PAGES = (
    "/fulda/",
    "/fulda/leichte-sprache/",
    "/sprachen/",
    "/sprachen/ckb/",
    "/konto/signup/?jobcenter=fulda",
)


def test_right_to_left_reflows_at_320_px_and_200_percent_zoom(
    browser: Browser, server: str
) -> None:
    # 320 CSS px is WCAG 1.4.10 reflow; 640 CSS px is a 1280 px window at 200 % zoom.
    context = new_context(browser, server, viewport={"width": 320, "height": 640})
    context.add_cookies([{"name": "django_language", "value": "ar", "url": server}])
    try:
        page = context.new_page()
        for width in (320, 640):
            page.set_viewport_size({"width": width, "height": 640})
            for path in RTL_PAGES:
                page.goto(path)
                expect(page.locator("html")).to_have_attribute("dir", "rtl")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                assert scroll <= width, f"{path} at {width}px scrolls sideways: {scroll}px"
        # Right-to-left really starts on the right: the heading hugs the right edge.
        page.goto("/fulda/")
        box = page.locator("main h1").bounding_box()
        assert box is not None
        assert box["x"] + box["width"] > 640 - 60, box
        # A Latin name typed on a right-to-left page stays left-to-right by itself.
        page.goto("/konto/signup/?jobcenter=fulda")
        field = page.locator("input[name=first_name]")
        expect(field).to_have_attribute("dir", "auto")
        field.fill("Jonas")
        assert field.evaluate("el => getComputedStyle(el).direction") == "ltr"
    finally:
        context.close()


def test_switching_language_keeps_what_was_typed(page: Page) -> None:
    page.goto("/konto/signup/?jobcenter=fulda")
    page.locator("input[name=first_name]").fill("Jonas")
    page.locator("input[name=last_name]").fill("حسینی")
    page.locator("input[name=email]").fill("jonas@example.org")
    page.locator("input[name=password1]").fill("Geheim-Geheim-123")
    page.locator("#language-select").select_option("en")
    submit(page, page.locator(".language-switch button[type=submit]"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("input[name=first_name]")).to_have_value("Jonas")
    expect(page.locator("input[name=last_name]")).to_have_value("حسینی")
    expect(page.locator("input[name=email]")).to_have_value("jonas@example.org")
    # A password is never stored on the way.
    expect(page.locator("input[name=password1]")).to_have_value("")


def test_leichte_sprache_from_the_start_page(page: Page) -> None:
    page.goto("/fulda/")
    page.get_by_role("link", name="Leichte Sprache", exact=True).click()
    page.wait_for_url("**/fulda/leichte-sprache/")
    expect(page.locator("h1")).to_have_text("Das Job-Center im Internet")
    page.locator("#language-select").select_option("de-x-ls")
    submit(page, page.locator(".language-switch button[type=submit]"))
    expect(page.locator("html")).to_have_attribute("lang", "de-x-ls")
    page.goto("/fulda/")
    expect(page.get_by_role("link", name="Neues Konto machen")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/fulda/$"))
