from __future__ import annotations

import io

import pyotp
import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from openjobcenter.accounts.models import Role, StaffMembership, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.tenants.models import Jobcenter, Office

from .conftest import PASSWORD, TOTP_SECRET, login_with_mfa, make_staff


def test_staff_logs_in_with_password_and_totp_and_lands_on_dashboard(
    client: Client, staff_a
) -> None:
    user = staff_a[Role.CASEWORKER]
    response = client.post("/konto/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert "/konto/2fa/authenticate/" in response["Location"]
    # Password alone is not a login for staff with a second factor.
    assert client.get("/fulda/staff/").status_code == 302
    response = client.post(
        "/konto/2fa/authenticate/", {"code": pyotp.TOTP(TOTP_SECRET).now()}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/fulda/staff/"
    html = response.content.decode()
    assert "Fachbereich" in html
    assert "Leistungssachbearbeitung" in html


def test_staff_without_second_factor_cannot_enter_back_office(client: Client, jc_a) -> None:
    user = make_staff(jc_a, Role.ADMIN, "ohne-mfa@a.example.org", mfa=False)
    client.force_login(user)
    response = client.get("/fulda/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/2fa/totp/activate/")


def test_staff_with_mfa_must_have_used_it_in_this_session(client: Client, staff_a) -> None:
    client.force_login(staff_a[Role.ADMIN])
    response = client.get("/fulda/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/2fa/reauthenticate/")


def test_role_decides_what_staff_may_do(staff_client, staff_a) -> None:
    client = staff_client(staff_a[Role.JOB_ADVISOR])
    assert client.get("/fulda/staff/").status_code == 200
    assert client.get("/fulda/staff/kunden/").status_code == 200
    for url in (
        "/fulda/staff/team/",
        "/fulda/staff/standorte/",
        "/fulda/staff/einstellungen/branding/",
        "/fulda/staff/protokoll/",
    ):
        assert client.get(url).status_code == 403, url


def test_person_with_roles_in_two_job_centres(staff_client, jc_a, jc_b) -> None:
    user = make_staff(jc_a, Role.CASEWORKER, "zwei@example.org")
    StaffMembership.objects.create(user=user, jobcenter=jc_b, role=Role.TEAM_LEAD)
    client = staff_client(user)
    assert client.get("/fulda/staff/").status_code == 200
    assert client.get("/wiesbaden/staff/").status_code == 200
    chooser = client.get("/konto/weiter/")
    assert chooser.status_code == 200
    assert "/wiesbaden/staff/" in chooser.content.decode()


def test_caseworker_assigns_customer_number_and_it_is_audited(
    staff_client, staff_a, customer, customer2
) -> None:
    client = staff_client(staff_a[Role.CASEWORKER])
    detail = client.get(f"/fulda/staff/kunden/{customer2.pk}/")
    assert detail.status_code == 200
    assert AuditEntry.objects.filter(
        action="read", subject=customer2.user, actor=staff_a[Role.CASEWORKER]
    ).exists()
    # Refused input is a 422 with the reason (the case view answers bad input with 4xx).
    response = client.post(f"/fulda/staff/kunden/{customer2.pk}/", {"customer_number": "A-1001"})
    assert response.status_code == 422
    assert "bereits vergeben" in response.content.decode()
    response = client.post(f"/fulda/staff/kunden/{customer2.pk}/", {"customer_number": "<b>"})
    assert response.status_code == 422
    response = client.post(f"/fulda/staff/kunden/{customer2.pk}/", {"customer_number": "A-2002"})
    assert response.status_code == 302
    customer2.refresh_from_db()
    assert customer2.customer_number == "A-2002"
    assert AuditEntry.objects.filter(object_type="customer_number", subject=customer2.user).exists()


def test_job_advisor_may_read_but_not_assign_numbers(staff_client, staff_a, customer) -> None:
    client = staff_client(staff_a[Role.JOB_ADVISOR])
    assert client.get(f"/fulda/staff/kunden/{customer.pk}/").status_code == 200
    assert (
        client.post(f"/fulda/staff/kunden/{customer.pk}/", {"customer_number": "X-1"}).status_code
        == 403
    )


def test_customer_search(staff_client, staff_a, customer, customer2, customer_b) -> None:
    client = staff_client(staff_a[Role.RECEPTION])
    html = client.get("/fulda/staff/kunden/", {"q": "A-1002"}).content.decode()
    assert "kundin2@example.org" in html
    assert "kunde@example.org" not in html
    html = client.get("/fulda/staff/kunden/").content.decode()
    assert "kunde-b@example.org" not in html  # another job centre's customer


def test_admin_grants_and_revokes_roles(
    staff_client, staff_a, outbox, django_capture_on_commit_callbacks
) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/fulda/staff/team/",
            {
                "email": "Neu@A.example.org",
                "first_name": "Nina",
                "last_name": "Neu",
                "role": "caseworker",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="neu@a.example.org")
    membership = StaffMembership.objects.get(user=user)
    assert membership.role == Role.CASEWORKER
    assert not user.has_usable_password()
    assert len(outbox) == 1 and "/konto/password/reset/" in outbox[0].body
    again = client.post(
        "/fulda/staff/team/",
        {
            "email": "neu@a.example.org",
            "first_name": "Nina",
            "last_name": "Neu",
            "role": "caseworker",
        },
    )
    assert "bereits" in again.content.decode()
    assert client.post(f"/fulda/staff/team/{membership.pk}/entfernen/").status_code == 302
    assert not StaffMembership.objects.filter(pk=membership.pk).exists()
    assert AuditEntry.objects.filter(object_type="staff_membership", action="delete").exists()


def test_last_admin_cannot_be_removed(staff_client, staff_a) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    own = StaffMembership.objects.get(user=staff_a[Role.ADMIN], role=Role.ADMIN)
    response = client.post(f"/fulda/staff/team/{own.pk}/entfernen/", follow=True)
    assert "letzte Administration" in response.content.decode()
    assert StaffMembership.objects.filter(pk=own.pk).exists()


def test_admin_maintains_offices(staff_client, staff_a, jc_a) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    data = {
        "name": "Außenstelle Gersfeld",
        "street": "Marktplatz 1",
        "postcode": "36129",
        "city": "Gersfeld",
        "phone": "",
        "opening_hours": "Di 9–12 Uhr",
        "position": "3",
    }
    assert client.post("/fulda/staff/standorte/neu/", data).status_code == 302
    office = Office.objects.get(name="Außenstelle Gersfeld")
    assert office.jobcenter == jc_a
    assert "Di 9–12 Uhr" in client.get("/fulda/").content.decode()
    bad = client.post(f"/fulda/staff/standorte/{office.pk}/", {**data, "postcode": "ABC"})
    assert bad.status_code == 200 and "fünf Ziffern" in bad.content.decode()
    assert client.post(f"/fulda/staff/standorte/{office.pk}/loeschen/").status_code == 302
    assert not Office.objects.filter(pk=office.pk).exists()


def test_admin_changes_branding_texts_legal_pages_and_modules(staff_client, staff_a, jc_a) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    response = client.post(
        "/fulda/staff/einstellungen/branding/",
        {"primary_colour": "#123456", "intro": "Hallo Fulda"},
    )
    assert response.status_code == 302
    assert "Hallo Fulda" in client.get("/fulda/").content.decode()
    assert "#123456" in client.get("/fulda/theme.css").content.decode()
    response = client.post(
        "/fulda/staff/einstellungen/branding/", {"primary_colour": "#ffff00", "intro": ""}
    )
    assert response.status_code == 400
    assert "Kontrast" in response.content.decode()
    response = client.post(
        "/fulda/staff/einstellungen/legal/",
        {
            "imprint": "Neues Impressum",
            "privacy": "",
            "accessibility": "",
            "accessibility_feedback_email": "kaputt",
        },
    )
    assert response.status_code == 400
    response = client.post(
        "/fulda/staff/einstellungen/legal/",
        {
            "imprint": "Neues Impressum",
            "privacy": "",
            "accessibility": "",
            "accessibility_feedback_email": "",
        },
    )
    assert response.status_code == 302
    assert "Neues Impressum" in client.get("/fulda/impressum/").content.decode()
    response = client.post(
        "/fulda/staff/einstellungen/modules/", {"enabled_modules": ["appointments", "bogus"]}
    )
    assert response.status_code == 200  # an unknown module is a form error, nothing is saved
    response = client.post(
        "/fulda/staff/einstellungen/modules/", {"enabled_modules": ["appointments"]}
    )
    assert response.status_code == 302
    jc_a.refresh_from_db()
    assert jc_a.enabled_modules == ["appointments"]
    assert "Termine" in client.get("/fulda/").content.decode()
    assert client.get("/fulda/staff/einstellungen/nichts/").status_code == 404


def _png(size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "#005a8c").save(buffer, "PNG")
    return buffer.getvalue()


def test_logo_upload_validates_type_and_size(
    staff_client, staff_a, jc_a, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    client = staff_client(staff_a[Role.ADMIN])
    bad = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(
        "/fulda/staff/einstellungen/branding/", {"primary_colour": "#005a8c", "logo": bad}
    )
    assert response.status_code == 400 and "kein lesbares Bild" in response.content.decode()
    big = SimpleUploadedFile("logo.png", b"0" * (600 * 1024), content_type="image/png")
    response = client.post(
        "/fulda/staff/einstellungen/branding/", {"primary_colour": "#005a8c", "logo": big}
    )
    assert response.status_code == 400 and "zu groß" in response.content.decode()
    good = SimpleUploadedFile("logo.png", _png(), content_type="image/png")
    response = client.post(
        "/fulda/staff/einstellungen/branding/", {"primary_colour": "#005a8c", "logo": good}
    )
    assert response.status_code == 302
    logo = client.get("/fulda/logo")
    assert logo.status_code == 200
    assert b"".join(logo.streaming_content).startswith(b"\x89PNG")
    assert 'src="/fulda/logo"' in client.get("/fulda/").content.decode()


def test_audit_log_shows_only_own_job_centre_and_filters(
    staff_client, staff_a, staff_b, customer, customer_b
) -> None:
    client_b = staff_client(staff_b[Role.CASEWORKER])
    client_b.get(f"/wiesbaden/staff/kunden/{customer_b.pk}/")
    client = staff_client(staff_a[Role.ADMIN])
    client.get(f"/fulda/staff/kunden/{customer.pk}/")
    html = client.get("/fulda/staff/protokoll/").content.decode()
    assert "kunde@example.org" in html
    assert "kunde-b@example.org" not in html
    filtered = client.get(
        "/fulda/staff/protokoll/", {"person": "niemand@example.org"}
    ).content.decode()
    assert "Keine Einträge" in filtered
    bad = client.get("/fulda/staff/protokoll/", {"date_from": "gestern"})
    assert bad.status_code == 200


def test_audit_log_is_append_only(customer) -> None:
    entry = AuditEntry.objects.create(action="read", object_type="x")
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().update(detail="changed")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()


def test_operator_manages_job_centres_in_django_admin(client: Client, jc_a) -> None:
    operator = User.objects.create_superuser(email="op@example.org", password=PASSWORD)
    TOTP.activate(operator, TOTP_SECRET)  # the admin asks for the second factor too
    login_with_mfa(client, operator)
    assert client.get("/admin/tenants/jobcenter/").status_code == 200
    assert Jobcenter.objects.count() == 27  # the 26 of DESIGN §6 and Hanau (since 2026)
