"""Where users find the BundID pages (the staff navigation for the job-centre admin only,
the card "Meine BundID" in the customer's area), and the staff's view of the customer's
corrections of confirmed values on the application page (issue 24 §2)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.core.models import AuditEntry as AuditLog
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import enable_module, make_application
from tests.bundid.conftest import Idp, enable_bundid, login
from tests.conftest import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.ADMIN, True),
        (Role.TEAM_LEAD, False),
        (Role.CASEWORKER, False),
        (Role.RECEPTION, False),
    ],
)
def test_staff_navigation_links_the_bundid_settings_for_admins_only(
    client: Client, jc_a: Jobcenter, role: Role, shown: bool
) -> None:
    user = make_staff(jc_a, role, f"nav-{role}@example.org")
    login_with_mfa(client, user)
    page = client.get(f"/{jc_a.slug}/staff/")
    assert page.status_code == 200
    link = f'href="/{jc_a.slug}/staff/bundid/"'
    assert (link in page.content.decode()) is shown
    assert ("Anmeldung mit BundID" in _text(page)) is shown


def test_customer_home_shows_my_bundid_only_where_offered(
    client: Client, jc_a: Jobcenter, customer: CustomerProfile, saml_idp: Idp
) -> None:
    client.force_login(customer.user)
    home = f"/{jc_a.slug}/mein-bereich/"
    link = f'href="/{jc_a.slug}/mein-bereich/bundid/"'
    page = client.get(home)
    assert page.status_code == 200
    assert link not in page.content.decode()  # the job centre does not offer it

    enable_bundid(client, jc_a, saml_idp)
    page = client.get(home)
    assert link in page.content.decode()
    assert "Meine BundID" in _text(page)
    assert "Verbinden Sie Ihr Konto mit Ihrer BundID" in _text(page)


def test_staff_navigation_has_no_bundid_link_for_a_customer_page(
    client: Client, jc_a: Jobcenter, customer: CustomerProfile, saml_idp: Idp
) -> None:
    enable_bundid(client, jc_a, saml_idp)
    client.force_login(customer.user)
    page = client.get(f"/{jc_a.slug}/mein-bereich/").content.decode()
    assert f"/{jc_a.slug}/staff/bundid/" not in page


def test_caseworker_sees_the_confirmed_value_beside_the_correction(
    client: Client, jc_a: Jobcenter, saml_idp: Idp
) -> None:
    enable_module(jc_a)
    enable_bundid(client, jc_a, saml_idp)
    saml_idp.scenario(level="STORK-QAA-Level-3")
    confirm = login(client, jc_a)["Location"]
    done = client.post(
        confirm, {"action": "create", "create-email": "erika@example.org", "create-terms": "on"}
    )
    assert done.status_code == 302
    erika = CustomerProfile.objects.get(user__email="erika@example.org")
    # The linked customer finds "Meine BundID" in her area.
    home = _text(client.get(f"/{jc_a.slug}/mein-bereich/"))
    assert "Ihre von der BundID bestätigten Angaben und Ihre Berichtigungen" in home
    fixed = client.post(
        f"/{jc_a.slug}/mein-bereich/bundid/",
        {"fix-field": "street", "fix-value": "Bahnhofstraße 1", "fix-note": "Umzug am 1. März"},
    )
    assert fixed.status_code == 302
    app = make_application(erika)

    caseworker = make_staff(jc_a, Role.CASEWORKER, "cw-bundid@example.org")
    staff = Client()
    login_with_mfa(staff, caseworker)
    before = AuditLog.objects.filter(object_type="bundid_identity", action="read").count()
    page = staff.get(f"/{jc_a.slug}/staff/antraege/{app.pk}/")
    assert page.status_code == 200, page.content[:300]
    text = _text(page)
    assert "Von der BundID bestätigte Angaben" in text
    assert (
        "aus BundID: Heinrichstraße 8, von der Kundin oder dem Kunden am" in text
        and "korrigiert: Bahnhofstraße 1 (Begründung: Umzug am 1. März)" in text
    )
    assert "aus BundID: Mustermann" in text  # an uncorrected value, confirmed only
    assert AuditLog.objects.filter(object_type="bundid_identity", action="read").count() == (
        before + 1
    )


def test_application_of_a_customer_without_bundid_has_no_panel(
    client: Client, jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    enable_module(jc_a)
    app = make_application(customer)
    caseworker = make_staff(jc_a, Role.CASEWORKER, "cw-nobundid@example.org")
    login_with_mfa(client, caseworker)
    page = client.get(f"/{jc_a.slug}/staff/antraege/{app.pk}/")
    assert page.status_code == 200
    assert "Von der BundID bestätigte Angaben" not in _text(page)
