"""Issue 17 in Chromium: self-check → "Jetzt beantragen" → login → the application's steps
prefilled, each saying where its answers came from; axe-core on every page state."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import Application
from tests.applications.customer_data import enable
from tests.browser.conftest import check_a11y, submit
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_self_check_answers_follow_into_the_application(
    page: Page, customer: CustomerProfile
) -> None:
    enable(customer.jobcenter)
    page.goto("/fulda/vorabcheck/")
    page.get_by_label("Ihr Alter", exact=True).fill("35")
    page.get_by_label("Kaltmiete im Monat").fill("520")
    page.get_by_label("Nebenkosten im Monat").fill("150")
    page.get_by_label("Heizkosten im Monat").fill("90")
    page.get_by_label("Vermögen des Haushalts").fill("2000")
    submit(page, page.get_by_role("button", name="Berechnen"))
    result = page.get_by_role("region", name="Ergebnis")
    expect(result).to_contain_text("Sie haben voraussichtlich Anspruch auf etwa")
    check_a11y(page, "self-check result")

    submit(page, result.get_by_role("button", name="Jetzt beantragen"))
    page.wait_for_url("**/konto/login/**")
    assert Application.objects.count() == 0  # nothing stored without login
    check_a11y(page, "login after self-check")
    page.get_by_label("E-Mail").fill(customer.user.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    submit(page, page.locator("main form button[type=submit]").first)
    page.wait_for_url("**/antrag/neu/erstantrag/")
    expect(page.locator("main")).to_contain_text("Wir übernehmen Ihre Angaben")
    submit(page, page.get_by_role("button", name="Antrag beginnen"))
    app = Application.objects.get(customer=customer)

    def step(key: str) -> str:
        kwargs = {"jc": "fulda", "pk": app.pk, "step_key": key}
        return reverse("customer:application_step", kwargs=kwargs)

    page.goto(step("housing"))
    expect(page.locator(".prefill-note")).to_contain_text("Aus Ihrem Vorab-Check übernommen")
    expect(page.locator("[name='cold_rent']")).to_have_value("520.00")
    expect(page.locator("[name='service_charges']")).to_have_value("150.00")
    expect(page.locator("[name='heating_costs']")).to_have_value("90.00")
    check_a11y(page, "housing step prefilled")

    page.goto(step("person_assets:p1"))
    expect(page.locator(".prefill-note")).to_contain_text("Aus Ihrem Vorab-Check übernommen")
    expect(page.locator("input[name='has_assets'][value='yes']")).to_be_checked()
    expect(page.locator("input[name='kinds'][value='accounts']")).to_be_checked()
    expect(page.locator("[name='accounts_value']")).to_have_value("2000.00")
