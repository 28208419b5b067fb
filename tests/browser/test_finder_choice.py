"""The finder's answers as a visitor sees them: a postcode of two job centres asks for
the municipality; bad input and a switched-off module say so (axe on each page)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import check_a11y, submit

pytestmark = pytest.mark.browser


def test_shared_postcode_asks_for_the_municipality_then_names_its_job_centre(
    page: Page,
) -> None:
    page.goto("/")
    page.get_by_label("Wohnort oder Postleitzahl").fill("34233")
    submit(page, page.get_by_role("button", name="Suchen"))
    results = page.locator("#lookup-results")
    expect(results.get_by_role("heading", level=2)).to_have_text(
        "Die Postleitzahl 34233 gehört zu mehreren Gemeinden"
    )
    expect(results.get_by_role("link", name="34233 Kassel")).to_be_visible()
    # No job centre is offered before the person has chosen.
    expect(results.get_by_role("link", name="Stadt Kassel")).to_have_count(0)
    expect(results.get_by_role("link", name="Landkreis Kassel")).to_have_count(0)
    check_a11y(page, "/?q=34233")

    results.get_by_role("link", name="34233 Fuldatal").click()
    expect(page).to_have_url(re.compile(r"/\?q=Fuldatal$"))
    expect(results).to_contain_text("Für Fuldatal ist zuständig:")
    expect(results.get_by_role("link", name="Landkreis Kassel")).to_be_visible()
    check_a11y(page, "/?q=Fuldatal")


def test_bad_postcode_gets_a_clear_message(page: Page) -> None:
    page.goto("/?q=3603")
    expect(page.get_by_role("alert")).to_have_text(
        "Eine Postleitzahl hat fünf Ziffern, zum Beispiel 36037."
    )
    check_a11y(page, "/?q=3603")


def test_switched_off_module_page_names_the_ways_to_reach_the_job_centre(page: Page) -> None:
    page.goto("/giessen/mein-bereich/termine/")
    expect(page.locator("h1")).to_have_text("Termine")
    expect(page.locator("main")).to_contain_text(
        "Das Jobcenter Landkreis Gießen bietet die Terminbuchung noch nicht online an."
    )
    expect(page.get_by_role("heading", name="So erreichen Sie uns")).to_be_visible()
    check_a11y(page, "/giessen/mein-bereich/termine/")
