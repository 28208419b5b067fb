"""The job-centre admin's language settings in Chromium: "Einstellungen → Geprüfte
Sprachen" (record a test group's review, see it listed; a date in the future or German is
refused with the error summary and stores nothing) and the per-language translation fields
of the greeting and an office's opening hours, which a visitor who switches to that
language then reads on the start page. axe-core on every page state."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from openjobcenter.accounts.models import Role, User
from openjobcenter.tenants.models import Jobcenter, LanguageReview, Office
from tests.browser.conftest import OtherBrowsers, check_a11y, log_in_staff, submit

pytestmark = pytest.mark.browser


def _review_form(page: Page) -> Locator:
    # The staff header has its own "Sprache" (the language switch): stay inside the form.
    return page.locator("main form.narrow")


def test_admin_records_a_review_and_a_bad_one_is_refused(
    page: Page, jc_a: Jobcenter, staff_a: dict[Role, User]
) -> None:
    admin = staff_a[Role.ADMIN]
    log_in_staff(page, admin, jc_a)
    page.goto(f"/{jc_a.slug}/staff/einstellungen/branding/")
    page.get_by_role("link", name="Geprüfte Sprachen").click()
    page.wait_for_url(f"**/{jc_a.slug}/staff/einstellungen/pruefung/")
    expect(page.get_by_role("heading", level=2, name="Geprüfte Sprachen")).to_be_visible()
    expect(page.get_by_text("Noch keine Sprache ist von einer Prüfgruppe geprüft.")).to_be_visible()
    check_a11y(page, "settings: reviewed languages (empty)")

    day = timezone.localdate() - timedelta(days=12)
    form = _review_form(page)
    expect(form.get_by_label("Sprache")).to_have_value("de-x-ls")  # the usual case first
    form.get_by_label("Sprache").select_option("uk")
    form.get_by_label("Geprüft von").fill("Ukrainischer Verein Fulda e. V.")
    form.get_by_label("Prüfgruppe").fill("Drei Leserinnen aus Kyjiw und Charkiw")
    form.get_by_label("Geprüfte Texte").fill("Startseite, Terminarten")
    form.get_by_label("Geprüft am").fill(day.isoformat())
    submit(page, form.get_by_role("button", name="Speichern"))
    expect(page.get_by_text("Die Prüfung wurde eingetragen.")).to_be_visible()
    row = page.locator("main table tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(0)).to_have_text("Ukrainisch")
    expect(row.locator("td").nth(1)).to_have_text("Ukrainischer Verein Fulda e. V.")
    expect(row.locator("td").nth(2)).to_have_text("Drei Leserinnen aus Kyjiw und Charkiw")
    expect(row.locator("td").nth(4)).to_have_text(day.strftime("%d.%m.%Y"))
    expect(row.locator("td").nth(5)).to_have_text(admin.display_name)
    check_a11y(page, "settings: reviewed languages (one recorded)")
    review = LanguageReview.objects.get(jobcenter=jc_a)
    assert (review.language, review.reviewed_on, review.recorded_by) == ("uk", day, admin)

    # A review "tomorrow" has not happened yet: refused, the form keeps what was typed.
    form = _review_form(page)
    form.get_by_label("Sprache").select_option("en")
    form.get_by_label("Geprüft von").fill("Lesegruppe English")
    form.get_by_label("Geprüft am").fill((timezone.localdate() + timedelta(days=1)).isoformat())
    submit(page, form.get_by_role("button", name="Speichern"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    expect(summary).to_contain_text("Geprüft am: Das Datum darf nicht in der Zukunft liegen.")
    expect(_review_form(page).get_by_label("Geprüft von")).to_have_value("Lesegruppe English")
    check_a11y(page, "settings: reviewed languages (future date refused)")
    assert LanguageReview.objects.filter(jobcenter=jc_a).count() == 1

    # German is the source, never offered; a forged German choice is refused all the same.
    form = _review_form(page)
    expect(form.locator("select[name=language] option[value=de]")).to_have_count(0)
    form.locator("select[name=language]").evaluate(
        "select => { select.add(new Option('Deutsch', 'de')); select.value = 'de'; }"
    )
    form.get_by_label("Geprüft am").fill(day.isoformat())
    submit(page, form.get_by_role("button", name="Speichern"))
    expect(page.locator(".error-summary")).to_contain_text(
        "Sprache: Bitte eine gültige Auswahl treffen. de ist keine gültige Auswahl."
    )
    check_a11y(page, "settings: reviewed languages (German refused)")
    assert LanguageReview.objects.filter(jobcenter=jc_a).count() == 1
    assert LanguageReview.objects.get(jobcenter=jc_a).language == "uk"

    # Withdrawn: the list is empty again.
    page.goto(f"/{jc_a.slug}/staff/einstellungen/pruefung/")
    submit(page, page.get_by_role("button", name="Löschen – Ukrainisch"))
    expect(page.get_by_text("Der Eintrag wurde gelöscht.")).to_be_visible()
    expect(page.get_by_text("Noch keine Sprache ist von einer Prüfgruppe geprüft.")).to_be_visible()
    assert not LanguageReview.objects.filter(jobcenter=jc_a).exists()


def _open_language(page: Page, code: str) -> None:
    """Open one language's section of the translation fields (a closed ``<details>``)."""
    section = page.locator("details.translation-section").filter(
        has=page.locator(f"summary span[lang='{code}']")
    )
    section.locator("summary").click()
    expect(section).to_have_attribute("open", "")


def test_translations_entered_by_the_admin_reach_a_visitor_in_that_language(
    page: Page, jc_a: Jobcenter, staff_a: dict[Role, User], other_browsers: OtherBrowsers
) -> None:
    office = Office.objects.get(jobcenter=jc_a, name="Kreisjobcenter Fulda")
    log_in_staff(page, staff_a[Role.ADMIN], jc_a)

    # The greeting on the start page (Jobcenter.translations).
    page.goto(f"/{jc_a.slug}/staff/einstellungen/branding/")
    expect(page.locator("fieldset.translations legend")).to_have_text("Übersetzungen")
    check_a11y(page, "settings: branding with translation fields")
    _open_language(page, "en")
    greeting = page.get_by_label("Begrüßungstext auf der Startseite (Englisch)")
    expect(greeting).to_have_attribute("lang", "en")
    greeting.fill("Welcome to the Fulda job centre. Apply online, any time.")
    submit(page, page.locator("main form.narrow").get_by_role("button", name="Speichern"))
    expect(page.get_by_text("Die Einstellungen wurden gespeichert.")).to_be_visible()
    # Shown back on the form (the section closed again, the text in it).
    expect(page.locator("#id_i18n__en__intro")).to_have_value(
        "Welcome to the Fulda job centre. Apply online, any time."
    )
    check_a11y(page, "settings: branding saved")
    jc_a.refresh_from_db()
    assert jc_a.translations["intro"] == {
        "en": "Welcome to the Fulda job centre. Apply online, any time."
    }
    assert jc_a.intro.startswith("Willkommen beim Kommunalen Kreisjobcenter")  # German kept

    # An office's opening hours (Office.translations), Arabic right to left.
    page.goto(f"/{jc_a.slug}/staff/standorte/{office.pk}/")
    check_a11y(page, "office edit with translation fields")
    _open_language(page, "en")
    hours = page.get_by_label("Öffnungszeiten (Englisch)")
    expect(hours).to_have_attribute("dir", "ltr")
    hours.fill("Mon–Fri 8 am–12 noon\nThu 2–5:30 pm")
    _open_language(page, "ar")
    expect(page.get_by_label("Öffnungszeiten (Arabisch)")).to_have_attribute("dir", "rtl")
    submit(page, page.locator("main form.narrow").get_by_role("button", name="Speichern"))
    expect(page.get_by_text("Der Standort wurde gespeichert.")).to_be_visible()
    office.refresh_from_db()
    assert list(office.translations) == ["opening_hours"]
    # A browser sends a textarea's line breaks as CRLF; the lines are what count.
    assert office.translations["opening_hours"]["en"].splitlines() == [
        "Mon–Fri 8 am–12 noon",
        "Thu 2–5:30 pm",
    ]
    page.goto(f"/{jc_a.slug}/staff/standorte/{office.pk}/")
    expect(page.locator("#id_i18n__en__opening_hours")).to_have_value(
        "Mon–Fri 8 am–12 noon\nThu 2–5:30 pm"
    )

    # A visitor who switches to English reads both; German stays for the German page.
    visitor = other_browsers.page()  # no staff session
    visitor.goto(f"/{jc_a.slug}/")
    expect(visitor.locator("main p.lead")).to_contain_text("Willkommen beim Kommunalen")
    visitor.locator("#language-select").select_option("en")
    submit(visitor, visitor.locator(".language-switch button[type=submit]"))
    expect(visitor.locator("html")).to_have_attribute("lang", "en")
    expect(visitor.locator("main p.lead")).to_have_text(
        "Welcome to the Fulda job centre. Apply online, any time."
    )
    card = visitor.locator("main li.card").filter(has_text="Kreisjobcenter Fulda")
    expect(card.locator("ul.plain li")).to_have_text(["Mon–Fri 8 am–12 noon", "Thu 2–5:30 pm"])
    # The other office has no English hours: its German ones are shown, not nothing.
    other = visitor.locator("main li.card").filter(has_text="Außenstelle Hünfeld")
    expect(other.locator("ul.plain li")).to_have_text(["Mo, Mi, Fr 8:30–12:00 Uhr"])
    check_a11y(visitor, "start page in English with the job centre's translations")
