"""The public pages work as plain HTML forms, without JavaScript."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import new_context, submit

pytestmark = pytest.mark.browser


def test_lookup_and_language_switch_without_javascript(browser: Browser, server: str) -> None:
    context = new_context(browser, server, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/")
        page.get_by_label("Wohnort oder Postleitzahl").fill("36088")
        page.get_by_role("button", name="Suchen").click()
        page.wait_for_url(re.compile(r"/\?q=36088$"))
        results = page.locator("#lookup-results")
        expect(results).to_contain_text("Treffer für „36088“")
        expect(results.get_by_role("link", name="Landkreis Fulda")).to_be_visible()

        page.locator("#language-select").select_option("ar")
        submit(page, page.locator(".language-switch button[type=submit]"))
        expect(page).to_have_url(re.compile(r"/\?q=36088$"))
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "ar")
        expect(html).to_have_attribute("dir", "rtl")
        # Back to German from the Arabic page, to the page the person was on.
        page.locator("#language-select").select_option("de")
        submit(page, page.locator(".language-switch button[type=submit]"))
        expect(page).to_have_url(re.compile(r"/\?q=36088$"))
        expect(html).to_have_attribute("lang", "de")
        expect(html).to_have_attribute("dir", "ltr")
    finally:
        context.close()
