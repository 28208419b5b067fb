"""The back office, reached through the real log-in with password and TOTP code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.tenants.models import Jobcenter
from tests.browser.conftest import check_a11y, log_in_staff

pytestmark = pytest.mark.browser


def test_admin_logs_in_with_totp_and_walks_the_back_office(
    page: Page, jc_a: Jobcenter, staff_a: dict[Role, User], customer: CustomerProfile
) -> None:
    page.goto("/fulda/staff/")
    # Not logged in: the back office sends to the log-in page first.
    expect(page).to_have_url(re.compile(r"/konto/login/\?next=/fulda/staff/$"))
    log_in_staff(page, staff_a[Role.ADMIN], jc_a)
    expect(page.locator("h1")).to_have_text("Fachbereich")
    check_a11y(page, "/fulda/staff/")

    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Kundinnen und Kunden").click()
    page.wait_for_url("**/fulda/staff/kunden/")
    expect(page.locator("h1")).to_have_text("Kundinnen und Kunden")
    check_a11y(page, "/fulda/staff/kunden/")

    page.get_by_role("link", name="Kunde, Karl").click()
    page.wait_for_url(f"**/fulda/staff/kunden/{customer.pk}/")
    expect(page.get_by_role("textbox", name="Kundennummer")).to_have_value("A-1001")
    check_a11y(page, "/fulda/staff/kunden/<pk>/")

    for link, path, heading in [
        ("Team und Rollen", "/fulda/staff/team/", "Team und Rollen"),
        ("Standorte", "/fulda/staff/standorte/", "Standorte und Öffnungszeiten"),
        ("Einstellungen", "/fulda/staff/einstellungen/branding/", "Einstellungen"),
        ("Protokoll", "/fulda/staff/protokoll/", "Protokoll"),
    ]:
        nav.get_by_role("link", name=link, exact=True).click()
        page.wait_for_url(f"**{path}")
        expect(page.locator("h1")).to_have_text(heading)
        check_a11y(page, path)
