"""The administration's newer pages and the customer's representation and BundID pages on a
phone (390 px), in German and in Arabic (right to left): the staff SSO providers, the
BundID settings (reached through the staff navigation), the failed hand-offs, the
back-office keys, a settings form with its translation sections, a messaging topic, the
legal guardianship page, the customer's mandates and BundID, and the BundID link page.
axe-core checks every page (conftest's watch); nothing scrolls sideways; the tables
become one block per row that fits the screen, with the row's action button on it."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.bundid import services as bundid
from openjobcenter.bundid.attributes import Verified
from openjobcenter.bundid.levels import Level
from openjobcenter.bundid.views import LINK_SALT
from openjobcenter.bundid.views_saml import PENDING
from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus
from openjobcenter.identity.models import IdentityProvider
from openjobcenter.identity.services import identity_provider_save
from openjobcenter.mandates import services as mandates
from openjobcenter.messaging.models import Topic
from openjobcenter.messaging.services import topics_ensure_defaults
from openjobcenter.postbox import backoffice
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import log_in, log_in_staff, new_context
from tests.identity.saml_support import GROUPS

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
MODULES = ("postbox", "mandates", "messaging")
VALUES = {
    "given_name": "Karla",
    "family_name": "Kundin-Mustermann",
    "birth_date": "1980-01-02",
    "street": "Sehr lange Straßenbezeichnung mit Zusatz 123a",
    "postal_code": "36037",
    "city": "Fulda",
}


@pytest.fixture
def world(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    staff_a: dict[Role, User],
) -> dict[str, Any]:
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, *MODULES})
    jc_a.save(update_fields=["enabled_modules"])
    admin = staff_a[Role.ADMIN]
    provider = identity_provider_save(
        request=None,
        actor=None,
        provider=IdentityProvider(
            jobcenter=jc_a,
            key="kreis",
            name="Kreisverwaltung Fulda (Active Directory)",
            issuer="https://login.kreis-fulda.example/realms/verwaltung-und-sozialamt",
            client_id="openjobcenter-fulda",
            second_factor_amr="mfa otp",
        ),
        secret="geheim-123",
        group_roles=GROUPS,
    )
    for number in range(2):
        ItemDelivery.objects.create(
            jobcenter=jc_a,
            subject="document",
            subject_id=1000 + number,
            backend="json_push",
            status=ItemDeliveryStatus.FAILED,
            attempts=5,
            idempotency_key=f"key-{number}",
            last_error="HTTP 503 from https://eakte.kreis-fulda.example/api/v1/eingang",
        )
    backoffice.token_create(
        request=None, jobcenter=jc_a, actor=admin, name="Fachverfahren ALLEGRO (Produktion)"
    )
    topics_ensure_defaults(jobcenter=jc_a)
    representative = User.objects.create_user(
        email="vertreterin@example.org", first_name="Vera", last_name="Vertreterin"
    )
    _mandate, code = mandates.mandate_invite(
        request=None,
        customer=customer,
        actor=customer.user,
        data=mandates.MandateInput(
            scopes=["read", "notices"],
            valid_until=timezone.localdate() + timedelta(days=180),
            label="Tochter",
        ),
    )
    mandates.mandate_accept(request=None, user=representative, jobcenter=jc_a, code=code)
    bundid.identity_link(
        request=None,  # type: ignore[arg-type]  # no request: a link made beforehand
        user=customer2.user,
        jobcenter=jc_a,
        verified=Verified(subject="bpk2-linked", values=VALUES),
        level=Level.HIGH,
        via="password",
    )
    return {
        "jc": jc_a,
        "admin": admin,
        "provider": provider,
        "topic": Topic.objects.filter(jobcenter=jc_a).order_by("position").first(),
    }


def _fits(page: Page, label: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{label}: scrolls sideways ({width} px)"


def _rows_fit(page: Page, label: str) -> None:
    """Each row of the page's tables lies within the screen, its button on it."""
    rows = page.locator("main table tbody tr")
    assert rows.count() > 0, f"{label}: no table rows"
    for index in range(rows.count()):
        box = rows.nth(index).bounding_box()
        assert box is not None and box["x"] >= 0, f"{label}: row {index} starts off screen"
        assert box["x"] + box["width"] <= PHONE["width"], f"{label}: row {index} too wide"
        button = rows.nth(index).get_by_role("button").first
        if button.count():
            expect(button).to_be_visible()
            place = button.bounding_box()
            assert place is not None and place["x"] >= 0, f"{label}: button {index} off screen"
            assert place["x"] + place["width"] <= PHONE["width"], f"{label}: button {index} cut"


@contextmanager
def _phone(
    browser: Browser, server: str, email: str = "", cookies: list[Any] | None = None
) -> Iterator[Page]:
    """A page on a phone-sized screen in a browser of its own, logged in as ``email``."""
    context = new_context(browser, server, viewport=PHONE)
    try:
        context.add_cookies(cookies or [])
        page = context.new_page()
        if email:
            log_in(page, email)
        yield page
    finally:
        context.close()


def _in_language(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")


def _back_link(page: Page, href_end: str) -> None:
    expect(page.locator(f"main a[href$='{href_end}']:has(.back-arrow)")).to_have_count(1)


@pytest.mark.parametrize("language", ["de", "ar"])
def test_admin_pages_fit_a_phone(
    browser: Browser, server: str, world: dict[str, Any], language: str
) -> None:
    jc: Jobcenter = world["jc"]
    admin: User = world["admin"]
    User.objects.filter(pk=admin.pk).update(preferred_language=language)
    context = new_context(browser, server, viewport=PHONE)
    try:
        page = context.new_page()
        log_in_staff(page, admin, jc)
        _in_language(page, language)

        # The BundID settings are in the navigation of the administration.
        with page.expect_navigation():
            page.locator(f"nav a[href='/{jc.slug}/staff/bundid/']").click()
        _in_language(page, language)
        if language == "de":
            expect(page.get_by_role("heading", level=1)).to_have_text("Anmeldung mit BundID")
        _fits(page, "BundID settings")

        page.goto(f"/{jc.slug}/staff/anmeldedienste/")
        expect(page.locator("main")).to_contain_text("Kreisverwaltung Fulda (Active Directory)")
        _fits(page, "SSO providers")
        page.goto(f"/{jc.slug}/staff/anmeldedienste/{world['provider'].pk}/")
        _back_link(page, "/staff/anmeldedienste/")
        _fits(page, "SSO provider form")

        page.goto(f"/{jc.slug}/staff/uebergaben/fehlgeschlagen/")
        expect(page.locator("main table tbody tr")).to_have_count(2)
        _fits(page, "failed hand-offs")
        _rows_fit(page, "failed hand-offs")

        page.goto(f"/{jc.slug}/staff/postfach/schnittstelle/")
        expect(page.locator("main")).to_contain_text("Fachverfahren ALLEGRO (Produktion)")
        _fits(page, "back-office keys")
        _rows_fit(page, "back-office keys")

        page.goto(f"/{jc.slug}/staff/einstellungen/legal/")
        sections = page.locator("fieldset.translations details.translation-section")
        assert sections.count() >= 9  # every offered language but German
        sections.first.locator("summary").click()
        _fits(page, "legal settings with translations")

        page.goto(f"/{jc.slug}/staff/nachrichten/einstellungen/themen/{world['topic'].pk}/")
        expect(page.locator("fieldset.translations")).to_be_visible()
        _fits(page, "messaging topic")

        customer = CustomerProfile.objects.get(user__email="kunde@example.org")
        page.goto(f"/{jc.slug}/staff/kunden/{customer.pk}/vertretung/")
        _back_link(page, f"/staff/kunden/{customer.pk}/")
        _fits(page, "legal guardianship")
        _rows_fit(page, "legal guardianship")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["de", "ar"])
def test_customer_mandates_and_bundid_pages_fit_a_phone(
    browser: Browser, server: str, world: dict[str, Any], language: str
) -> None:
    jc: Jobcenter = world["jc"]
    customer = CustomerProfile.objects.get(user__email="kunde@example.org")
    linked = CustomerProfile.objects.exclude(pk=customer.pk).get(jobcenter=jc)
    User.objects.filter(pk__in=[customer.user.pk, linked.user.pk]).update(
        preferred_language=language
    )
    with _phone(browser, server, customer.user.email) as page:
        page.goto(f"/{jc.slug}/mein-bereich/vertretung/")
        _in_language(page, language)
        _back_link(page, "/mein-bereich/")
        expect(page.locator("main table tbody tr")).to_have_count(1)
        _fits(page, "mandates")
        _rows_fit(page, "mandates")

    with _phone(browser, server, linked.user.email) as page:
        page.goto(f"/{jc.slug}/mein-bereich/bundid/")
        _in_language(page, language)
        _back_link(page, "/mein-bereich/")
        expect(page.locator("main")).to_contain_text("Sehr lange Straßenbezeichnung")
        _fits(page, "my BundID")

    # The page of the link from the mail, with the pending login as the BundID's answer
    # leaves it in the session.
    session = SessionStore()
    session[PENDING] = {
        "jc": jc.slug,
        "at": time.time(),
        "level": int(Level.SUBSTANTIAL),
        "subject": "bpk2-new",
        "values": {**VALUES, "email": customer.user.email},
        "next": "",
    }
    session.save()
    key = signing.dumps(
        {"u": customer.user.pk, "s": bundid.subject_hash("bpk2-new"), "jc": jc.slug},
        salt=LINK_SALT,
    )
    cookies = [
        {"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "url": server},
        {"name": "django_language", "value": language, "url": server},
    ]
    with _phone(browser, server, cookies=cookies) as page:
        page.goto(f"/{jc.slug}/bundid/verbinden/{key}/")
        _in_language(page, language)
        expect(page.locator("main")).to_contain_text("Sehr lange Straßenbezeichnung")
        expect(page.locator("main form button[type=submit].button")).to_be_visible()
        _fits(page, "BundID link page")
