"""The minimum identity level per action (the bank account), the BundID as a prefill
source of the application, corrections with a note, and the admin's settings page."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications import services as app_services
from openjobcenter.applications.models import ApplicationStep
from openjobcenter.bundid.models import BundIDCorrection, BundIDIdentity, BundIDSettings
from openjobcenter.tenants.models import Jobcenter
from tests.bundid.conftest import Idp, enable_bundid, login
from tests.conftest import login_with_mfa, make_staff

pytestmark = pytest.mark.django_db


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def linked(client: Client, jc_a: Jobcenter, saml_idp: Idp) -> CustomerProfile:
    """Erika's account, linked to her BundID through a real first login."""
    enable_bundid(client, jc_a, saml_idp, levels={"bank_account": 3})
    saml_idp.scenario(level="STORK-QAA-Level-1")
    confirm = login(client, jc_a)["Location"]
    done = client.post(
        confirm, {"action": "create", "create-email": "erika@example.org", "create-terms": "on"}
    )
    assert done.status_code == 302
    return CustomerProfile.objects.get(user__email="erika@example.org")


def test_bank_account_needs_the_level_the_job_centre_set(
    client: Client, jc_a: Jobcenter, saml_idp: Idp, linked: CustomerProfile
) -> None:
    app = app_services.application_start(request=None, customer=linked, kind="initial")
    url = f"/{jc_a.slug}/mein-bereich/antrag/{app.pk}/schritt/bank/"
    refused = client.get(url)
    assert refused.status_code == 403
    text = _text(refused)
    assert (
        "Für „Bankverbindung angeben oder ändern“ verlangt Ihr Jobcenter eine Anmeldung mit BundID auf dem Vertrauensniveau „substanziell“ oder höher."
        in text
    )
    assert "Sie sind jetzt mit dem Vertrauensniveau „basisregistriert“ angemeldet." in text
    assert (
        f"/{jc_a.slug}/bundid/anmelden/?niveau=3&amp;next=/{jc_a.slug}/mein-bereich/antrag/{app.pk}/schritt/bank/"
        in text
    )
    posted = client.post(
        url, {"has_account": "yes", "iban": "DE02120300000000202051", "base_version": "0"}
    )
    assert posted.status_code == 403
    assert not ApplicationStep.objects.filter(application=app, step_key="bank").exists()
    api = client.put(
        f"/api/v1/applications/{app.pk}/steps/bank",
        data=json.dumps({"answers": {"has_account": "yes"}, "base_version": 0}),
        content_type="application/json",
        headers={"x-csrftoken": client.cookies["csrftoken"].value}
        if "csrftoken" in client.cookies
        else {},
    )
    assert api.status_code == 403
    assert "Vertrauensniveau „substanziell“" in api.json()["detail"]
    assert not ApplicationStep.objects.filter(application=app, step_key="bank").exists()

    # Logging in again with a higher level, as the page offers, opens the step.
    saml_idp.scenario(level="STORK-QAA-Level-3")
    back = login(client, jc_a, f"?niveau=3&next={url}")
    assert back.status_code == 302 and back["Location"] == url
    assert client.get(url).status_code == 200


def test_password_session_is_refused_too(
    client: Client, jc_a: Jobcenter, saml_idp: Idp, customer: CustomerProfile
) -> None:
    enable_bundid(client, jc_a, saml_idp, levels={"bank_account": 4})
    client.force_login(customer.user)
    app = app_services.application_start(request=None, customer=customer, kind="initial")
    refused = client.get(f"/{jc_a.slug}/mein-bereich/antrag/{app.pk}/schritt/bank/")
    assert refused.status_code == 403
    assert "Sie sind jetzt nicht mit BundID angemeldet." in _text(refused)
    # Without a requirement the step is open as before.
    BundIDSettings.objects.filter(jobcenter=jc_a).update(min_levels={})
    assert client.get(f"/{jc_a.slug}/mein-bereich/antrag/{app.pk}/schritt/bank/").status_code == 200


def test_verified_values_prefill_the_application_and_corrections_keep_both(
    client: Client, jc_a: Jobcenter, linked: CustomerProfile
) -> None:
    app = app_services.application_start(request=None, customer=linked, kind="initial")
    filing = ApplicationStep.objects.get(application=app, step_key="filing").answers
    assert filing["last_name"] == "Mustermann"
    assert filing["birth_date"] == "1984-08-12"
    assert filing["street"] == "Heinrichstraße 8"
    page = _text(client.get(f"/{jc_a.slug}/mein-bereich/antrag/{app.pk}/schritt/filing/"))
    assert "Name, Geburtsdatum und Anschrift: aus BundID, bestätigt." in page

    mine = f"/{jc_a.slug}/mein-bereich/bundid/"
    page = _text(client.get(mine))
    assert "aus BundID, bestätigt" in page and "basisregistriert" in page
    refused = client.post(
        mine, {"fix-field": "street", "fix-value": "Bahnhofstraße 1", "fix-note": ""}
    )
    assert refused.status_code == 400
    assert not BundIDCorrection.objects.exists()
    done = client.post(
        mine,
        {"fix-field": "street", "fix-value": "Bahnhofstraße 1", "fix-note": "Umzug am 1. März"},
    )
    assert done.status_code == 302
    correction = BundIDCorrection.objects.get()
    assert (correction.verified_value, correction.corrected_value) == (
        "Heinrichstraße 8",
        "Bahnhofstraße 1",
    )
    assert correction.note == "Umzug am 1. März"
    identity = BundIDIdentity.objects.get()
    assert identity.attributes["street"] == "Heinrichstraße 8"  # the confirmed value stays
    page = _text(client.get(mine))
    assert "Von Ihnen berichtigt: Bahnhofstraße 1" in page and "Heinrichstraße 8" in page

    app.delete()
    again = app_services.application_start(request=None, customer=linked, kind="initial")
    assert (
        ApplicationStep.objects.get(application=again, step_key="filing").answers["street"]
        == "Bahnhofstraße 1"
    )


def test_customer_without_bundid_cannot_correct(
    client: Client, jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    client.force_login(customer.user)
    response = client.post(
        f"/{jc_a.slug}/mein-bereich/bundid/",
        {"fix-field": "city", "fix-value": "X", "fix-note": "Y"},
    )
    assert response.status_code == 400
    assert not BundIDCorrection.objects.exists()


def test_admin_sets_up_the_bundid(client: Client, jc_a: Jobcenter, saml_idp: Idp) -> None:
    admin = make_staff(jc_a, Role.ADMIN, "admin-bundid@example.org")
    login_with_mfa(client, admin)
    url = f"/{jc_a.slug}/staff/bundid/"
    page = _text(client.get(url))
    assert f"/{jc_a.slug}/bundid/acs/" in page and f"/{jc_a.slug}/bundid/metadata/" in page
    before = BundIDSettings.objects.get(jobcenter=jc_a)
    bad = client.post(
        url, {"enabled": "on", "idp_metadata_xml": "<kein xml", "level_bank_account": "3"}
    )
    assert bad.status_code == 400
    assert "Die Metadaten sind kein gültiges SAML-XML." in _text(bad)
    after = BundIDSettings.objects.get(jobcenter=jc_a)
    assert (after.enabled, after.idp_metadata_xml, after.min_levels) == (
        before.enabled,
        before.idp_metadata_xml,
        before.min_levels,
    )
    missing = client.post(url, {"enabled": "on", "idp_metadata_xml": ""})
    assert missing.status_code == 400
    done = client.post(
        url, {"enabled": "on", "idp_metadata_xml": saml_idp.metadata_xml, "level_bank_account": "3"}
    )
    assert done.status_code == 302
    saved = BundIDSettings.objects.get(jobcenter=jc_a)
    assert saved.enabled and saved.idp_entity_id == "https://bundid.test/idp"
    assert saved.min_levels == {"bank_account": 3}
    assert saved.sp_key_pem.startswith("-----BEGIN PRIVATE KEY")
    raw = BundIDSettings.objects.filter(pk=saved.pk).values_list("sp_key_pem", flat=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT sp_key_pem FROM bundid_bundidsettings WHERE id = %s", [saved.pk])
        stored = cursor.fetchone()[0]
    assert "PRIVATE KEY" not in stored  # sealed at rest
    assert list(raw)
    assert User.objects.filter(email="admin-bundid@example.org").exists()


def test_address_and_postbox_consent_need_the_level_the_job_centre_set(
    client: Client, jc_a: Jobcenter, saml_idp: Idp
) -> None:
    """Issue 24 §2: more protected actions than the bank account. A basic BundID login
    may not change the address nor the consent to notices in the postbox where the job
    centre asks for "substanziell"; nothing changes; a login at that level may."""
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, "postbox"})
    jc_a.save()
    enable_bundid(client, jc_a, saml_idp, levels={"address": 3, "postbox_consent": 3})
    saml_idp.scenario(level="STORK-QAA-Level-1")
    confirm = login(client, jc_a)["Location"]
    client.post(
        confirm, {"action": "create", "create-email": "erika@example.org", "create-terms": "on"}
    )
    profile = CustomerProfile.objects.get(user__email="erika@example.org")
    before = (profile.street, profile.postcode, profile.city)
    form = {
        "first_name": "Erika",
        "last_name": "Mustermann",
        "street": "Neue Straße 1",
        "postcode": before[1],
        "city": before[2],
        "phone": "",
        "contact_channel": profile.contact_channel,
        "preferred_language": "de",
    }
    profile_url = f"/{jc_a.slug}/mein-bereich/profil/"
    refused = client.post(profile_url, form)
    assert refused.status_code == 403
    assert "Für „Anschrift ändern“ verlangt Ihr Jobcenter" in _text(refused)
    assert f"/{jc_a.slug}/bundid/anmelden/?niveau=3" in _text(refused)
    api = client.patch(
        "/api/v1/me", data=json.dumps({"street": "Neue Straße 1"}), content_type="application/json"
    )
    assert api.status_code == 403
    assert "Vertrauensniveau „substanziell“" in api.json()["detail"]
    profile.refresh_from_db()
    assert (profile.street, profile.postcode, profile.city) == before
    # Other fields without the address: no level needed.
    same = client.post(profile_url, {**form, "street": before[0], "phone": "0661 12345"})
    assert same.status_code == 302

    consent_url = f"/{jc_a.slug}/mein-bereich/profil/einwilligungen/"
    refused = client.post(consent_url, {"notices": "electronic"})
    assert refused.status_code == 403
    assert "Einwilligung in Bescheide im Postfach geben oder widerrufen" in _text(refused)
    api = client.put(
        f"/api/v1/postbox/{jc_a.slug}/consent",
        data=json.dumps({"electronic_notices": True}),
        content_type="application/json",
    )
    assert api.status_code == 403, api.content
    from openjobcenter.postbox import selectors as postbox_selectors

    assert not postbox_selectors.consent_state(profile, history=False).electronic

    saml_idp.scenario(level="STORK-QAA-Level-3")
    login(client, jc_a, "?niveau=3")
    assert client.post(profile_url, form).status_code == 302
    profile.refresh_from_db()
    assert profile.street == "Neue Straße 1"
    assert client.post(consent_url, {"notices": "electronic"}).status_code == 302
    assert postbox_selectors.consent_state(profile, history=False).electronic
