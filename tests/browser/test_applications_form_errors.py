"""The household step in Chromium with a mistake on Person 2 (issue 17, part 5): the error
names the person and the field once in the summary and once at the field, the summary
link leads to the field, and the rows come back exactly as typed (also an empty extra
row). Axe runs on the page with the errors."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.services import application_start
from tests.applications.customer_data import COUPLE, enable
from tests.browser.conftest import check_a11y, log_in, submit

pytestmark = pytest.mark.browser


def test_household_error_on_person_2_named_once_rows_kept(
    page: Page, customer: CustomerProfile
) -> None:
    from openjobcenter.applications.services import application_step_save

    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    filed = app.steps.filter(step_key="filing").first()
    application_step_save(
        request=None,
        application=app,
        step_key="filing",
        answers=COUPLE["filing"],
        base_version=filed.version if filed else 0,
    )
    log_in(page, customer.user.email)
    page.wait_for_url("**/fulda/mein-bereich/")
    page.goto(f"/fulda/mein-bereich/antrag/{app.pk}/schritt/household/")
    # Person 2 without a first name, Person 3 complete, then one more empty row.
    page.select_option("select[name=members-0-role]", "partner")
    page.fill("input[name=members-0-last_name]", "Beispiel")
    page.fill("input[name=members-0-birth_date]", "30.09.1988")
    submit(page, page.get_by_role("button", name="Weitere Person hinzufügen"))
    page.select_option("select[name=members-1-role]", "child")
    page.fill("input[name=members-1-first_name]", "Mia")
    page.fill("input[name=members-1-last_name]", "Kunde")
    page.fill("input[name=members-1-birth_date]", "01.03.2019")
    submit(page, page.get_by_role("button", name="Weitere Person hinzufügen"))
    expect(page.locator("fieldset.child-row")).to_have_count(3)
    submit(page, page.get_by_role("button", name="Speichern und weiter"))

    message = "Person 2 (Beispiel): Bitte geben Sie den Vornamen an."
    summary = page.locator(".error-summary")
    expect(summary.locator("li")).to_have_count(1)
    expect(summary.locator("li")).to_have_text(message)
    expect(page.locator("#m-0-first_name-error")).to_have_text(message)
    expect(page.get_by_text(message, exact=True)).to_have_count(2)  # summary + field
    # The rows as typed: three, none added, none dropped.
    expect(page.locator("fieldset.child-row")).to_have_count(3)
    expect(page.locator("input[name=members-0-last_name]")).to_have_value("Beispiel")
    expect(page.locator("input[name=members-1-first_name]")).to_have_value("Mia")
    expect(page.locator("input[name=members-2-first_name]")).to_have_value("")
    check_a11y(page, "household step with an error on person 2")

    summary.get_by_role("link", name=message).click()
    expect(page.locator("#m-0-first_name")).to_be_focused()
    page.fill("#m-0-first_name", "Anna")
    submit(page, page.get_by_role("button", name="Speichern und weiter"))
    expect(page.locator(".error-summary")).to_have_count(0)
    members = app.steps.get(step_key="household").answers["members"]
    assert [m["first_name"] for m in members] == ["Anna", "Mia"]
