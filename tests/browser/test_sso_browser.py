"""A caseworker logs in with the account of their administration, in Chromium, through
the real test provider (tests/idp/ in a second process); axe checks every page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from openjobcenter.accounts.models import StaffMembership, User
from openjobcenter.identity.models import IdentityProvider
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, new_context, submit
from tests.identity.conftest import idp_process, make_provider  # noqa: F401 - a fixture
from tests.identity.idp import TestProvider

pytestmark = pytest.mark.browser


@pytest.fixture
def provider(idp_process: TestProvider) -> Iterator[TestProvider]:  # noqa: F811
    idp_process.reset()
    yield idp_process
    idp_process.reset()


@pytest.fixture
def loopback_page(browser: Browser, server: str) -> Iterator[Page]:
    # The provider accepts any port on 127.0.0.1 (RFC 8252), not on "localhost".
    context = new_context(browser, server.replace("localhost", "127.0.0.1"))
    yield context.new_page()
    context.close()


def test_caseworker_logs_in_through_the_administration(
    loopback_page: Page,
    provider: TestProvider,
    jobcenters: Any,
) -> None:
    page = loopback_page
    jobcenter = Jobcenter.objects.get(slug="fulda")
    configured: IdentityProvider = make_provider(provider, jobcenter)
    provider.set_user("klara", groups=["JC-Leistung"], amr=["pwd", "otp"])

    page.goto(f"/konto/login/?jobcenter={jobcenter.slug}")
    button = page.get_by_role(
        "button", name="Mit dem Konto Ihrer Verwaltung anmelden (Kreisverwaltung Test)"
    )
    expect(button).to_be_visible()
    check_a11y(page, "/konto/login/ with SSO")
    submit(page, button)

    # The provider's own login form (another process, another port).
    expect(page).to_have_url(re.compile(rf"^{re.escape(provider.base)}/login/"))
    page.get_by_label("Benutzername").fill("klara")
    page.get_by_label("Passwort").fill("idp-passwort")
    page.get_by_role("button", name="Anmelden").click()

    page.wait_for_url(f"**/{jobcenter.slug}/staff/")
    expect(page.locator("body")).to_contain_text("Klara")
    check_a11y(page, "staff dashboard after SSO")
    user = User.objects.get(email="klara@kreis.example")
    assert StaffMembership.objects.filter(user=user, jobcenter=jobcenter).count() == 1
    assert configured.identities.filter(user=user).exists()


def test_refusal_page_for_unknown_groups(
    loopback_page: Page,
    provider: TestProvider,
    jobcenters: Any,
) -> None:
    page = loopback_page
    jobcenter = Jobcenter.objects.get(slug="fulda")
    make_provider(provider, jobcenter)
    provider.set_user("gast", groups=["Kantine"], amr=["otp"])
    page.goto(f"/konto/login/?jobcenter={jobcenter.slug}")
    submit(page, page.get_by_role("button", name=re.compile("Konto Ihrer Verwaltung")))
    page.get_by_label("Benutzername").fill("gast")
    page.get_by_label("Passwort").fill("idp-passwort")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung nicht möglich")
    expect(page.get_by_role("alert")).to_contain_text("keiner Ihrer Gruppen")
    check_a11y(page, "SSO refusal page")
    assert not User.objects.filter(email="gast@kreis.example").exists()
