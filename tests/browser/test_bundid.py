"""A real BundID login in Chromium: the login page's option, the identity provider
(pysaml2's IdP in its own process, tests/bundid/conftest.py) answering over the
HTTP-POST binding, the confirmation page, the new account; the logout through the
IdP's single logout; axe-core on our pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import Browser, Page, Request, expect

from openjobcenter.bundid.models import BundIDIdentity
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, new_context, submit
from tests.bundid.conftest import Idp, enable_bundid, saml_idp  # noqa: F401 - the fixture

pytestmark = pytest.mark.browser


@pytest.fixture
def same_site_page(browser: Browser, server: str, settings: Any) -> Iterator[Page]:
    """A page on 127.0.0.1, the IdP's host: the IdP's POST back is then same-site, so the
    SAML session's SameSite=Lax cookie (plain http in tests) goes with it, as SameSite=None
    with Secure does in production."""
    base = server.replace("localhost", "127.0.0.1")
    settings.SITE_URL = base
    context = new_context(browser, base)
    yield context.new_page()
    context.close()


def test_first_login_with_bundid(
    same_site_page: Page,
    jobcenters: dict[str, Jobcenter],
    saml_idp: Idp,  # noqa: F811
) -> None:
    page = same_site_page
    enable_bundid(Client(), jobcenters["fulda"], saml_idp)
    saml_idp.scenario(level="STORK-QAA-Level-4")

    page.goto("/konto/login/?jobcenter=fulda")
    option = page.get_by_role("link", name="Mit BundID anmelden")
    expect(option).to_be_visible()
    check_a11y(page, "/konto/login/ (BundID)")

    with page.expect_navigation(url="**/fulda/bundid/bestaetigen/"):
        option.click()
    expect(page.locator("h1")).to_have_text("Mit BundID anmelden: bitte bestätigen")
    expect(page.locator("main")).to_contain_text("hoch")
    expect(page.locator("main")).to_contain_text("aus BundID, bestätigt")
    check_a11y(page, "/fulda/bundid/bestaetigen/")

    submit(page, page.get_by_role("button", name="Konto anlegen"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Bitte bestätigen Sie, dass Sie die Hinweise gelesen haben.")
    assert not BundIDIdentity.objects.exists()
    check_a11y(page, "/fulda/bundid/bestaetigen/ (error)")

    page.get_by_label(
        "Ich habe die Nutzungsbedingungen und die Datenschutzhinweise gelesen."
    ).check()
    submit(page, page.get_by_role("button", name="Konto anlegen"))
    expect(page).to_have_url(f"{page.url.split('/fulda/')[0]}/fulda/mein-bereich/")
    assert BundIDIdentity.objects.get().level == 4

    page.goto("/fulda/mein-bereich/bundid/")
    expect(page.locator("main")).to_contain_text("Mustermann")
    check_a11y(page, "/fulda/mein-bereich/bundid/")


def navigations(page: Page) -> list[str]:
    """The addresses of every document the page's main frame loads from now on."""
    trail: list[str] = []

    def note(request: Request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            trail.append(request.url)

    page.on("request", note)
    return trail


def no_findings(page: Page, label: str) -> None:
    findings = check_a11y(page, label)
    assert findings == [], "\n".join(f.line() for f in findings)


def test_logout_goes_through_the_bundid_single_logout(
    same_site_page: Page,
    jobcenters: dict[str, Jobcenter],
    saml_idp: Idp,  # noqa: F811
) -> None:
    """The logout page's form posts to /konto/logout/, whose answer leads on through
    /fulda/bundid/abmelden/ to the IdP: Chromium follows that only when the page's CSP
    ``form-action`` names the IdP's origin."""
    page = same_site_page
    enable_bundid(Client(), jobcenters["fulda"], saml_idp)
    saml_idp.scenario(subject="pseudonym-erika-slo")
    (saml_idp.state / "last-logout.json").unlink(missing_ok=True)
    idp_base = f"http://127.0.0.1:{saml_idp.port}"

    page.goto("/konto/login/?jobcenter=fulda")
    with page.expect_navigation(url="**/fulda/bundid/bestaetigen/"):
        page.get_by_role("link", name="Mit BundID anmelden").click()
    page.get_by_label(
        "Ich habe die Nutzungsbedingungen und die Datenschutzhinweise gelesen."
    ).check()
    submit(page, page.get_by_role("button", name="Konto anlegen"))
    base = page.url.split("/fulda/")[0]
    expect(page).to_have_url(f"{base}/fulda/mein-bereich/")

    page.get_by_role("link", name="Abmelden").first.click()
    page.wait_for_url("**/konto/logout/")
    no_findings(page, "/konto/logout/ (BundID session)")
    trail = navigations(page)
    with page.expect_navigation(url="**/konto/login/?jobcenter=fulda"):
        page.locator("main form button[type=submit]").first.click()
    assert f"{base}/fulda/bundid/abmelden/" in trail, trail
    assert any(url.startswith(f"{idp_base}/slo/redirect?SAMLRequest=") for url in trail), trail
    assert any(url.startswith(f"{base}/fulda/bundid/slo/?SAMLResponse=") for url in trail), trail
    # The IdP checked our signed LogoutRequest and noted whom and who sent it.
    last = saml_idp.last_logout()
    assert last["name_id"] == "pseudonym-erika-slo"
    assert last["issuer"] == f"{base}/fulda/bundid/metadata/"
    expect(page.get_by_text("Sie sind abgemeldet, auch bei der BundID.")).to_be_visible()
    no_findings(page, "/konto/login/ after the BundID single logout")

    # Logged out here: the customer's area leads to the login page.
    page.goto("/fulda/mein-bereich/")
    expect(page).to_have_url(f"{base}/konto/login/?next=/fulda/mein-bereich/")
    expect(page.get_by_role("link", name="Mit BundID anmelden")).to_be_visible()
