"""Log-in, registration and the customer area, through the real forms."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile
from tests.browser.conftest import check_a11y, log_in, submit

pytestmark = pytest.mark.browser


def test_login_page_and_wrong_password(page: Page, customer: CustomerProfile) -> None:
    page.goto("/konto/login/")
    expect(page.locator("h1")).to_be_visible()
    check_a11y(page, "/konto/login/")

    log_in(page, customer.user.email, "ganz-falsches-Passwort")
    expect(page).to_have_url(re.compile(r"/konto/login/$"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text("Passwort")
    # What was typed stays, except the password.
    expect(page.get_by_label("E-Mail")).to_have_value(customer.user.email)
    expect(page.get_by_label("Passwort", exact=True)).to_have_value("")
    check_a11y(page, "/konto/login/ (wrong password)")


def test_registration_lists_missing_fields_and_links_to_them(page: Page) -> None:
    page.goto("/konto/signup/?jobcenter=fulda")
    expect(page.get_by_label("Ihr Jobcenter")).to_have_value("fulda")
    # The password rules are tied to the field, so screen readers read them out.
    expect(page.get_by_label("Passwort", exact=True)).to_have_accessible_description(
        re.compile("mindestens 10 Zeichen")
    )
    check_a11y(page, "/konto/signup/")

    submit(page, page.locator("main form button[type=submit]"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    links = summary.get_by_role("link")
    labels = [text.split(":", 1)[0] for text in links.all_inner_texts()]
    assert labels == [
        "Vorname",
        "Nachname",
        "E-Mail-Adresse",
        "Passwort",
        "Passwort (Wiederholung)",
    ]
    # The job centre chosen before is kept.
    expect(page.get_by_label("Ihr Jobcenter")).to_have_value("fulda")

    for i in range(links.count()):
        link = links.nth(i)
        target = (link.get_attribute("href") or "").removeprefix("#")
        field = page.locator(f"#{target}")
        expect(field).to_have_count(1)
        # Each field names its error for screen readers too.
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"{target}_error"))
    links.first.click()
    expect(page.get_by_label("Vorname")).to_be_focused()
    links.nth(2).click()
    expect(page.get_by_label("E-Mail-Adresse")).to_be_focused()
    check_a11y(page, "/konto/signup/ (errors)")


def test_customer_area_and_profile_keep_input_after_an_error(
    page: Page, customer: CustomerProfile
) -> None:
    log_in(page, customer.user.email)
    page.wait_for_url("**/fulda/mein-bereich/")
    expect(page.locator("h1")).to_contain_text("Guten Tag")
    check_a11y(page, "/fulda/mein-bereich/")

    page.get_by_role("link", name="Meine Angaben").click()
    page.wait_for_url("**/fulda/mein-bereich/profil/")
    # Optional fields say so in their label ("Ort (freiwillig)").
    street = page.get_by_role("textbox", name="Straße und Hausnummer")
    postcode = page.get_by_role("textbox", name="Postleitzahl")
    city = page.get_by_role("textbox", name="Ort (freiwillig)", exact=True)
    expect(city).to_have_value("Fulda")
    check_a11y(page, "/fulda/mein-bereich/profil/")

    street.fill("Am Markt 1")
    postcode.fill("36O37")
    city.fill("Künzell")
    submit(page, page.get_by_role("button", name="Speichern"))

    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(
        "Postleitzahl: Eine Postleitzahl hat fünf Ziffern."
    )
    expect(postcode).to_have_value("36O37")
    expect(street).to_have_value("Am Markt 1")
    expect(city).to_have_value("Künzell")
    summary.get_by_role("link").click()
    expect(postcode).to_be_focused()
    check_a11y(page, "/fulda/mein-bereich/profil/ (errors)")

    # Corrected, it saves and says so.
    postcode.fill("36093")
    submit(page, page.get_by_role("button", name="Speichern"))
    expect(page.locator(".messages")).to_contain_text("gespeichert")
    expect(postcode).to_have_value("36093")
