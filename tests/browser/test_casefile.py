"""The case view (Fallübersicht) in a browser: every section, a note written through the
form, a refusal page, all checked with axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import Role, User
from openjobcenter.casefile.models import CaseNote
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, log_in_staff, submit
from tests.casefile.conftest import Case, case  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


def test_caseworker_reads_the_case_and_writes_a_note(
    page: Page,
    jc_a: Jobcenter,
    staff_a: dict[Role, User],
    case: Case,  # noqa: F811
) -> None:
    log_in_staff(page, staff_a[Role.CASEWORKER], jc_a)
    page.goto(f"/fulda/staff/kunden/{case.customer.pk}/")
    expect(page.locator("h1")).to_contain_text("Karl Kunde")
    for heading in (
        "Kontaktdaten",
        "Anträge",
        "Unterlagen",
        "Termine",
        "Unterhaltungen",
        "Vermerke",
        "Verlauf",
    ):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(
        page.get_by_role("link", name="Antrag auf Bürgergeld – Erstantrag", exact=True)
    ).to_be_visible()
    check_a11y(page, "/fulda/staff/kunden/<pk>/ (caseworker)")

    page.get_by_label("Neuer Vermerk").fill("Rückruf am Montag vereinbart.")
    submit(page, page.get_by_role("button", name="Vermerk speichern"))
    expect(page.get_by_text("Der Vermerk wurde gespeichert.")).to_be_visible()
    timeline = page.locator("section", has=page.get_by_role("heading", name="Verlauf"))
    expect(timeline.get_by_text("Rückruf am Montag vereinbart.")).to_be_visible()
    assert CaseNote.objects.filter(text="Rückruf am Montag vereinbart.").exists()

    # An empty note comes back with the reason in the error summary.
    submit(page, page.get_by_role("button", name="Vermerk speichern"))
    expect(page.get_by_role("alert")).to_contain_text("Bitte schreiben Sie den Vermerk.")
    check_a11y(page, "/fulda/staff/kunden/<pk>/vermerke/ (422)")


def test_job_advisor_sees_existence_and_a_plain_refusal(
    page: Page,
    jc_a: Jobcenter,
    staff_a: dict[Role, User],
    case: Case,  # noqa: F811
) -> None:
    log_in_staff(page, staff_a[Role.JOB_ADVISOR], jc_a)
    page.goto(f"/fulda/staff/kunden/{case.customer.pk}/")
    expect(page.get_by_text("Inhalt nur für: Leistungssachbearbeitung").first).to_be_visible()
    expect(page.get_by_text(case.application.reference)).to_have_count(0)
    check_a11y(page, "/fulda/staff/kunden/<pk>/ (job advisor)")
    page.goto("/fulda/staff/antraege/")
    expect(page.locator("h1")).to_have_text("Dafür fehlt Ihnen die Berechtigung")
    check_a11y(page, "403")
    page.get_by_role("link", name="Zurück zu Ihrer Startseite").click()
    page.wait_for_url("**/fulda/staff/")
