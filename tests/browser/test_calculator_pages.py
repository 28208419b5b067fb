"""The Bürgergeld calculator in Chromium: the public self-check, the caseworker's
pre-calculation and the admin's housing limits, with axe-core on every page state."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import Role, User
from openjobcenter.calculator.models import MAX_PERSONS
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, log_in_staff, submit

pytestmark = pytest.mark.browser

RESULT = "Sie haben voraussichtlich Anspruch auf etwa"
NOT_BINDING = "Nur die Entscheidung Ihres Jobcenters zählt"


def fill_single_tenant(page: Page) -> None:
    """One adult of 35, no income, 450 € rent and 80 € heating."""
    page.get_by_label("Ihr Alter", exact=True).fill("35")
    page.get_by_label("Kaltmiete im Monat").fill("450")
    page.get_by_label("Heizkosten im Monat").fill("80")


def test_self_check_empty_with_result_and_with_errors(page: Page, jc_a: Jobcenter) -> None:
    # The reference loader switches the module on for Fulda.
    assert "calculator" in jc_a.enabled_modules

    page.goto("/fulda/vorabcheck/")
    expect(page.locator("h1")).to_have_text("Bürgergeld-Rechner: Habe ich Anspruch?")
    expect(page.locator("#result")).to_have_count(0)
    check_a11y(page, "/fulda/vorabcheck/")

    fill_single_tenant(page)
    submit(page, page.get_by_role("button", name="Berechnen"))
    result = page.get_by_role("region", name="Ergebnis")
    expect(result).to_contain_text(RESULT)
    expect(result).to_contain_text("im Monat.")
    expect(result).to_contain_text(NOT_BINDING)
    # The result first; the steps of the calculation behind "So haben wir gerechnet".
    expect(result.locator("ol.explanation li").first).to_be_hidden()
    result.get_by_text("So haben wir gerechnet").click()
    expect(result.locator("ol.explanation li").first).to_be_visible()
    expect(result.get_by_role("button", name="Jetzt beantragen")).to_be_visible()
    # The answers stay in the form below, to change and calculate again.
    expect(page.get_by_label("Kaltmiete im Monat")).to_have_value("450")
    check_a11y(page, "/fulda/vorabcheck/ (result)")

    page.get_by_label("Ihr Alter", exact=True).fill("200")
    submit(page, page.get_by_role("button", name="Neu berechnen"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Ihr Alter")
    expect(page.get_by_role("region", name="Ergebnis")).to_have_count(0)
    age = page.get_by_label("Ihr Alter", exact=True)
    expect(age).to_have_value("200")
    expect(age).to_have_attribute("aria-invalid", "true")
    check_a11y(page, "/fulda/vorabcheck/ (errors)")
    summary.get_by_role("link").first.click()
    expect(age).to_be_focused()


def test_caseworker_pre_calculation(page: Page, jc_a: Jobcenter, staff_a: dict[Role, User]) -> None:
    log_in_staff(page, staff_a[Role.CASEWORKER], jc_a)
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Vorabberechnung").click()
    page.wait_for_url("**/fulda/staff/vorabberechnung/")
    expect(page.locator("h1")).to_have_text("Vorabberechnung Bürgergeld")
    expect(page.locator("main")).to_contain_text("Das Ergebnis erscheint hier")
    check_a11y(page, "/fulda/staff/vorabberechnung/")

    # The month comes pre-filled with the first of this month (ISO, so the date field shows it).
    expect(page.get_by_label("Berechnungsmonat")).to_have_value(
        date.today().replace(day=1).isoformat()
    )
    fill_single_tenant(page)
    submit(page, page.get_by_role("button", name="Berechnen"))
    result = page.get_by_role("region", name="Ergebnis")
    expect(result).to_contain_text(RESULT)
    expect(result).to_contain_text(NOT_BINDING)
    # The caseworker also sees the figures per person.
    expect(result.get_by_role("table", name="Je Person")).to_be_visible()
    check_a11y(page, "/fulda/staff/vorabberechnung/ (result)")


def test_admin_housing_limits(page: Page, jc_a: Jobcenter, staff_a: dict[Role, User]) -> None:
    log_in_staff(page, staff_a[Role.ADMIN], jc_a)
    page.goto("/fulda/staff/einstellungen/angemessenheit/")
    expect(page.locator("h1")).to_have_text("Angemessenheitsgrenzen für Unterkunft und Heizung")
    expect(page.locator("main form input[type=number]")).to_have_count(MAX_PERSONS)
    check_a11y(page, "/fulda/staff/einstellungen/angemessenheit/")

    page.get_by_label("1 Person").fill("600")
    submit(page, page.get_by_role("button", name="Speichern"))
    page.wait_for_url("**/fulda/staff/einstellungen/angemessenheit/")
    expect(page.locator("main")).to_contain_text("Die Einstellungen wurden gespeichert.")
    expect(page.get_by_label("1 Person")).to_have_value("600.00")
