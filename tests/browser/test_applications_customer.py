"""A whole first application in Chromium for a couple with one child (A1): every page type
checked with axe-core, the summary PDF's text checked at the end."""

from __future__ import annotations

import io
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import Application, ApplicationStatus
from tests.applications.customer_data import COUPLE, enable
from tests.browser.conftest import check_a11y, log_in, submit

pytestmark = pytest.mark.browser


def fill_step(page: Page, values: dict[str, Any]) -> None:
    form = page.locator("form.step-form")
    for name, value in values.items():
        if name == "members":
            for index, member in enumerate(value):
                if index > 0:
                    submit(page, page.get_by_role("button", name="Weitere Person hinzufügen"))
                page.select_option(f"select[name=members-{index}-role]", member["role"])
                for key in ("first_name", "last_name", "birth_date"):
                    page.fill(f"input[name=members-{index}-{key}]", member[key])
            continue
        inputs = form.locator(f"[name='{name}']")
        kind = inputs.first.get_attribute("type")
        if kind in ("radio", "checkbox") and name not in {
            "truthful",
            "report_changes",
            "data_processing",
        }:
            for v in value if isinstance(value, list) else [value]:
                form.locator(f"input[name='{name}'][value='{v}']").check()
        elif kind == "checkbox":
            inputs.first.check()
        else:
            inputs.first.fill(str(value))


def test_first_application_couple_with_child(page: Page, customer: CustomerProfile) -> None:
    enable(customer.jobcenter)
    log_in(page, customer.user.email)
    page.wait_for_url("**/fulda/mein-bereich/")
    page.goto("/fulda/mein-bereich/antrag/")
    expect(page.locator("h1")).to_have_text("Meine Anträge")
    check_a11y(page, "applications list")
    page.locator("a[href$='/antrag/neu/erstantrag/']").click()
    expect(page.get_by_role("button", name="Antrag beginnen")).to_be_visible()
    check_a11y(page, "application start")
    submit(page, page.get_by_role("button", name="Antrag beginnen"))
    expect(page.locator("h1")).to_have_text("Antrag stellen")
    check_a11y(page, "filing step")

    # A mistake first: the error summary, then the real answers.
    page.fill("input[name=birth_date]", "01.01.2099")
    submit(page, page.get_by_role("button", name="Antrag jetzt stellen"))
    expect(page.locator(".error-summary")).to_contain_text("Zukunft")
    check_a11y(page, "step with errors")
    fill_step(page, COUPLE["filing"])
    submit(page, page.get_by_role("button", name="Antrag jetzt stellen"))
    expect(page.locator("h1")).to_have_text("Ihr Antrag ist gestellt")
    app = Application.objects.get(customer=customer)
    expect(page.locator("main")).to_contain_text(app.reference)
    check_a11y(page, "receipt")
    page.get_by_role("link", name="Jetzt weitermachen").click()

    for key, values in COUPLE.items():
        if key == "filing":
            continue
        page.wait_for_url(f"**/schritt/{key}/")
        if key in {
            "household",
            "bank",
            "housing",
            "income:p1",
            "person_assets:p1",
            "person_health_insurance:p3",
            "declarations",
        }:
            check_a11y(page, f"step {key}")
        fill_step(page, values)
        submit(page, page.get_by_role("button", name="Speichern und weiter"))
        expect(page.locator(".error-summary")).to_have_count(0)

    page.wait_for_url("**/absenden/")
    expect(page.locator("main")).to_contain_text("Bäckerei Muster")
    expect(page.locator("main")).to_contain_text("Commerzbank")
    check_a11y(page, "summary before submit")
    submit(page, page.get_by_role("button", name="Antrag verbindlich abschicken"))
    expect(page.locator("main")).to_contain_text("Eingegangen")
    check_a11y(page, "status page")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RECEIVED

    page.get_by_role("link", name="Was Sie mitbringen / hochladen sollten").click()
    expect(page.locator("main")).to_contain_text("Mietvertrag")
    check_a11y(page, "proofs")

    response = page.request.get(f"/fulda/mein-bereich/antrag/{app.pk}/antrag.pdf")
    assert response.status == 200
    reader = PdfReader(io.BytesIO(response.body()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    for expected in (app.reference, "Eva Kunde", "Mia Kunde", "Bäckerei Muster", "500,00 €"):
        assert expected in text, expected
    assert app.submission_sha256 in text.replace("\n", "").replace(" ", "")


def test_two_devices_conflict_page(page: Page, customer: CustomerProfile) -> None:
    from openjobcenter.applications.services import application_start, application_step_save

    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    log_in(page, customer.user.email)
    page.wait_for_url("**/fulda/mein-bereich/")
    page.goto(f"/fulda/mein-bereich/antrag/{app.pk}/schritt/bank/")
    # The other device saves the same step first.
    application_step_save(
        request=None,
        application=app,
        step_key="bank",
        answers={"has_account": "no"},
        base_version=0,
    )
    fill_step(page, COUPLE["bank"])
    submit(page, page.get_by_role("button", name="Speichern und weiter"))
    expect(page.locator(".error-summary")).to_contain_text("auf einem anderen Gerät geändert")
    expect(page.locator(".error-summary")).to_contain_text("Nein")
    check_a11y(page, "conflict page")
    # Saving again knowingly replaces the other device's answers.
    submit(page, page.get_by_role("button", name="Speichern und weiter"))
    expect(page.locator(".error-summary")).to_have_count(0)
    assert app.steps.get(step_key="bank").answers["iban"] == "DE89370400440532013000"


def test_input_survives_a_session_timeout(page: Page, customer: CustomerProfile) -> None:
    from openjobcenter.applications.services import application_start
    from tests.conftest import PASSWORD

    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    log_in(page, customer.user.email)
    page.wait_for_url("**/fulda/mein-bereich/")
    page.goto(f"/fulda/mein-bereich/antrag/{app.pk}/schritt/housing/")
    fill_step(page, COUPLE["housing"])
    # The session ends while the person is typing (the CSRF cookie stays, as it does).
    cookies = page.context.cookies()
    page.context.clear_cookies()
    page.context.add_cookies([c for c in cookies if "session" not in c["name"]])  # type: ignore[misc]
    submit(page, page.get_by_role("button", name="Speichern und weiter"))
    page.wait_for_url("**/login/**")
    page.get_by_label("E-Mail").fill(customer.user.email)
    page.get_by_label("Passwort").fill(PASSWORD)
    submit(page, page.locator("main form button[type=submit]").first)
    page.wait_for_url("**/schritt/housing/")
    expect(page.locator("#restored-notice")).to_be_visible()
    expect(page.locator("input[name=cold_rent]")).to_have_value("500,00")
    check_a11y(page, "restored step")
    submit(page, page.get_by_role("button", name="Speichern und weiter"))
    assert app.steps.get(step_key="housing").answers["cold_rent"] == "500.00"
