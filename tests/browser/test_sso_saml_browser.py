"""A caseworker logs in with the account of their administration through its SAML 2.0
IdP, in Chromium: the job centre's login page, the IdP (pysaml2's IdP in its own process,
``tests/samlidp/``, which answers at once with its auto-posting HTTP-POST form), the staff
start page; then the logout through the IdP's single logout. axe-core on our pages."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from playwright.sync_api import Browser, Page, Request, expect

from openjobcenter.accounts.models import Role, StaffMembership, User
from openjobcenter.identity.models import ExternalIdentity, SsoSession
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, new_context
from tests.identity.conftest import saml_staff_idp  # noqa: F401 - the fixture
from tests.identity.saml_support import KEY, make_saml_provider, nothing_created, person
from tests.samlidp.harness import Idp

pytestmark = pytest.mark.browser

LOGIN_BUTTON = "Mit dem Konto Ihrer Verwaltung anmelden (Landratsamt Test)"


@pytest.fixture
def same_site_page(browser: Browser, server: str, settings: Any) -> Iterator[Page]:
    """A page on 127.0.0.1, the IdP's host: the IdP's POST back to our ACS is then
    same-site. SITE_URL names the live server: our entity id, ACS and single logout
    addresses are built from it."""
    base = server.replace("localhost", "127.0.0.1")
    settings.SITE_URL = base
    context = new_context(browser, base)
    yield context.new_page()
    context.close()


@pytest.fixture
def cross_site_page(browser: Browser, server: str, settings: Any) -> Iterator[Page]:
    """As in production: the platform ("localhost") and the IdP (127.0.0.1) are different
    sites, so the IdP's POST to our ACS is cross-site and carries no SameSite=Lax cookie.
    The cookies are as in production (Secure; the SAML session's SameSite=None), which
    Chromium accepts over plain http on localhost only."""
    base = server.replace("127.0.0.1", "localhost")
    settings.SITE_URL = base
    settings.SESSION_COOKIE_SECURE = True
    settings.SAML_SESSION_COOKIE_SAMESITE = "None"
    context = new_context(browser, base)
    yield context.new_page()
    context.close()


@pytest.fixture
def idp(saml_staff_idp: Idp) -> Idp:  # noqa: F811
    (saml_staff_idp.state / "last-logout.json").unlink(missing_ok=True)
    return saml_staff_idp


def navigations(page: Page) -> list[str]:
    """The addresses of every document the page's main frame loads from now on."""
    trail: list[str] = []

    def note(request: Request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            trail.append(request.url)

    page.on("request", note)
    return trail


def session_key(page: Page) -> str:
    return next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    )


def session_store() -> SessionBase:
    store: SessionBase = import_module(settings.SESSION_ENGINE).SessionStore()
    return store


def no_findings(page: Page, label: str) -> None:
    findings = check_a11y(page, label)
    assert findings == [], "\n".join(f.line() for f in findings)


def test_caseworker_logs_in_and_out_through_the_saml_idp(
    cross_site_page: Page, idp: Idp, jobcenters: dict[str, Jobcenter]
) -> None:
    page = cross_site_page
    jobcenter = jobcenters["fulda"]
    make_saml_provider(idp, jobcenter)
    idp.scenario(**person(["JC-Leistung", "Kantine"]))
    idp_base = f"http://127.0.0.1:{idp.port}"
    trail = navigations(page)

    page.goto(f"/konto/login/?jobcenter={jobcenter.slug}")
    option = page.get_by_role("link", name=LOGIN_BUTTON)
    expect(option).to_be_visible()
    no_findings(page, "/konto/login/ (SAML)")

    # The IdP's page posts the signed Response back to our ACS by itself.
    with page.expect_navigation(url=f"**/{jobcenter.slug}/staff/"):
        option.click()
    assert any(url.startswith(f"{idp_base}/sso/redirect?SAMLRequest=") for url in trail), trail
    assert f"{settings.SITE_URL}/konto/saml/{KEY}/acs/" in trail, trail
    expect(page.get_by_role("heading", level=1)).to_have_text("Fachbereich")
    main = page.locator("main")
    expect(main).to_contain_text("Angemeldet als Ida Amt.")
    expect(main).to_contain_text("Ihre Rollen: Leistungssachbearbeitung")
    no_findings(page, f"/{jobcenter.slug}/staff/ after the SAML login")
    user = User.objects.get(email="ida@landkreis.example")
    assert list(
        StaffMembership.objects.filter(user=user, jobcenter=jobcenter).values_list(
            "role", flat=True
        )
    ) == [Role.CASEWORKER]
    assert ExternalIdentity.objects.get(user=user).subject == "kreis-4711"
    logged_in_key = session_key(page)
    assert SsoSession.objects.get(identity__user=user).session_key == logged_in_key
    assert session_store().exists(logged_in_key)

    # Logout: the confirmation, then through the IdP's single logout back to us.
    page.get_by_role("link", name="Abmelden").first.click()
    page.wait_for_url("**/konto/logout/")
    no_findings(page, "/konto/logout/ (SAML session)")
    trail.clear()
    with page.expect_navigation(url=f"**/konto/login/?jobcenter={jobcenter.slug}"):
        page.locator("main form button[type=submit]").first.click()
    assert any(url.startswith(f"{idp_base}/slo/redirect?SAMLRequest=") for url in trail), trail
    assert any(
        url.startswith(f"{settings.SITE_URL}/konto/saml/{KEY}/slo/?SAMLResponse=") for url in trail
    ), trail
    # The IdP checked our signed LogoutRequest and noted whom it named.
    assert idp.last_logout()["name_id"] == "kreis-4711"
    expect(page.get_by_text("Sie sind abgemeldet, auch bei Ihrer Verwaltung.")).to_be_visible()
    no_findings(page, "/konto/login/ after the single logout")
    # The session of the login is gone from the store (a new one carries the message).
    assert not session_store().exists(logged_in_key)

    # Logged out here: a staff address leads to the login page.
    page.goto(f"/{jobcenter.slug}/staff/")
    expect(page).to_have_url(f"{settings.SITE_URL}/konto/login/?next=/{jobcenter.slug}/staff/")
    expect(page.get_by_role("link", name=LOGIN_BUTTON)).to_be_visible()


def test_unknown_groups_get_the_refusal_page_and_nothing_is_created(
    same_site_page: Page, idp: Idp, jobcenters: dict[str, Jobcenter]
) -> None:
    page = same_site_page
    jobcenter = jobcenters["fulda"]
    make_saml_provider(idp, jobcenter)
    idp.scenario(**person(["Kantine", "Bauhof"]))
    users = User.objects.count()

    page.goto(f"/konto/login/?jobcenter={jobcenter.slug}")
    with page.expect_navigation(url=f"**/konto/saml/{KEY}/acs/"):
        page.get_by_role("link", name=LOGIN_BUTTON).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung nicht möglich")
    expect(page.get_by_role("alert")).to_contain_text(
        "keiner Ihrer Gruppen ist in diesem Jobcenter eine Rolle zugeordnet"
    )
    no_findings(page, f"/konto/saml/{KEY}/acs/ (refused)")
    assert User.objects.count() == users
    nothing_created()
    page.goto(f"/{jobcenter.slug}/staff/")
    expect(page).to_have_url(f"{settings.SITE_URL}/konto/login/?next=/{jobcenter.slug}/staff/")
