"""The operator's Django admin: platform login with a second factor, lockout, audit."""

from __future__ import annotations

import time

import pyotp
import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.core.models import AuditEntry

from .conftest import PASSWORD, TOTP_SECRET, login_with_mfa, make_user

CUSTOMERS = "/admin/accounts/customerprofile/"


@pytest.fixture
def operator(db: None) -> User:
    from allauth.mfa.totp.internal.auth import TOTP

    user = make_user("operator@example.org", "Otto", "Operator", is_staff=True, is_superuser=True)
    TOTP.activate(user, TOTP_SECRET)
    return user


def fresh_code() -> str:
    # Not a code in the last seconds of its window (it might expire before it is checked).
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30 + 0.5)
    return str(pyotp.TOTP(TOTP_SECRET).now())


def assert_nothing_shown(client: Client, url: str, customer: CustomerProfile) -> str:
    """The answer is a redirect away from the admin, without any of its data."""
    response = client.get(url)
    assert response.status_code == 302, url
    assert customer.user.email not in response.content.decode()
    return str(response["Location"])


def test_password_only_session_gets_nothing_from_the_admin(
    client: Client, operator: User, customer: CustomerProfile
) -> None:
    # A real password login; the second factor is asked for and not given.
    response = client.post("/konto/login/", {"login": operator.email, "password": PASSWORD})
    assert "/konto/2fa/authenticate/" in response["Location"]
    for url in ("/admin/", CUSTOMERS, f"{CUSTOMERS}{customer.pk}/change/"):
        location = assert_nothing_shown(client, url, customer)
        assert location.startswith("/admin/login/")
        # The admin's login is the platform's: no password form of its own.
        assert client.get(location)["Location"].startswith("/konto/login/?next=")

    # Logged in by password only (a session without the second factor, e.g. an old one):
    # asked for the code, shown nothing.
    client.force_login(operator)
    location = assert_nothing_shown(client, CUSTOMERS, customer)
    assert client.get(location)["Location"].startswith("/konto/2fa/reauthenticate/?next=")
    assert not AuditEntry.objects.filter(object_type__startswith="admin:").exists()


def test_admin_login_form_takes_no_password(
    client: Client, operator: User, customer: CustomerProfile
) -> None:
    response = client.post(
        "/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")
    assert "_auth_user_id" not in client.session
    assert_nothing_shown(client, "/admin/", customer)


def test_operator_without_second_factor_must_set_one_up(
    client: Client, db: None, customer: CustomerProfile
) -> None:
    bare = make_user("neu@example.org", "Nora", "Neu", is_staff=True, is_superuser=True)
    login_with_mfa(client, bare)  # even a session claiming a second factor
    location = assert_nothing_shown(client, "/admin/", customer)
    response = client.get(location)
    assert response["Location"].startswith("/konto/2fa/totp/activate/?next=")


def test_non_operator_with_second_factor_is_refused(
    client: Client, customer: CustomerProfile, staff_a: dict[object, User]
) -> None:
    staff = next(iter(staff_a.values()))
    login_with_mfa(client, staff)
    response = client.get(CUSTOMERS, follow=True)
    assert response.status_code == 403
    assert customer.user.email not in response.content.decode()


def test_login_with_second_factor_opens_the_admin_and_reads_are_audited(
    client: Client, operator: User, customer: CustomerProfile
) -> None:
    response = client.get(CUSTOMERS, follow=True)
    login_url = response.redirect_chain[-1][0]
    assert login_url.startswith("/konto/login/")
    response = client.post(
        login_url, {"login": operator.email, "password": PASSWORD, "next": CUSTOMERS}
    )
    assert "/konto/2fa/authenticate/" in response["Location"]
    response = client.post("/konto/2fa/authenticate/", {"code": fresh_code()}, follow=True)
    assert response.redirect_chain[-1][0] == CUSTOMERS
    assert response.status_code == 200
    assert customer.user.email in response.content.decode()

    read = AuditEntry.objects.get(action="read", object_type="admin:accounts.customerprofile")
    assert read.actor == operator
    assert read.object_id == ""

    response = client.get(f"{CUSTOMERS}{customer.pk}/change/")
    assert response.status_code == 200
    detail = AuditEntry.objects.filter(action="read", object_id=str(customer.pk)).get()
    assert detail.subject == customer.user
    assert detail.jobcenter == customer.jobcenter


def test_wrong_codes_lock_the_operator_out(
    client: Client, operator: User, customer: CustomerProfile
) -> None:
    client.post("/konto/login/", {"login": operator.email, "password": PASSWORD})
    right = fresh_code()
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = client.post("/konto/2fa/authenticate/", {"code": wrong})
        assert response.status_code == 200  # the form again, with an error
    # Locked (allauth's login_failed limit, per user): now even the right code does not
    # let anyone in, and the person is told why.
    response = client.post("/konto/2fa/authenticate/", {"code": right})
    assert response.status_code == 200
    assert "Zu viele" in response.content.decode(), response.content.decode()[:3000]
    assert "_auth_user_id" not in client.session
    assert_nothing_shown(client, "/admin/", customer)
    assert_nothing_shown(client, CUSTOMERS, customer)


def test_admin_changes_are_audited_with_field_names_not_values(
    client: Client, operator: User, customer: CustomerProfile
) -> None:
    login_with_mfa(client, operator)
    url = f"{CUSTOMERS}{customer.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update({"customer_number": "A-9999", "street": "Geheimweg 12"})
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    customer.refresh_from_db()
    assert customer.street == "Geheimweg 12"
    change = AuditEntry.objects.get(action="update", object_type="admin:accounts.customerprofile")
    assert change.actor == operator
    assert change.actor_label == operator.email
    assert change.object_id == str(customer.pk)
    assert change.subject == customer.user
    assert change.jobcenter == customer.jobcenter
    assert "Django-Admin" in change.detail
    assert "A-9999" not in change.detail
    assert "Geheimweg" not in change.detail
    assert "changed" in change.detail


def test_admin_bulk_delete_is_audited(
    client: Client, operator: User, customer: CustomerProfile
) -> None:
    login_with_mfa(client, operator)
    response = client.post(
        CUSTOMERS,
        {"action": "delete_selected", "_selected_action": [customer.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not CustomerProfile.objects.filter(pk=customer.pk).exists()
    deleted = AuditEntry.objects.get(action="delete")
    assert deleted.object_type == "admin:accounts.customerprofile"
    assert deleted.object_id == str(customer.pk)
    assert deleted.actor == operator


def test_admin_add_and_delete_are_audited_without_values(
    client: Client, operator: User, customer: CustomerProfile
) -> None:
    login_with_mfa(client, operator)
    secret = "Ganz-Geheim-4711-xyz"
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "neu-vom-admin@example.org",
            "password1": secret,
            "password2": secret,
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = User.objects.get(email="neu-vom-admin@example.org")
    added = AuditEntry.objects.get(action="create", object_type="admin:accounts.user")
    assert added.object_id == str(created.pk)
    assert added.subject == created
    assert secret not in added.detail

    assert client.get(f"/admin/accounts/user/{created.pk}/delete/").status_code == 200
    shown = AuditEntry.objects.get(action="read", object_type="admin:accounts.user")
    assert shown.object_id == str(created.pk)
    assert shown.subject == created
    response = client.post(f"/admin/accounts/user/{created.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=created.pk).exists()
    deleted = AuditEntry.objects.get(action="delete", object_type="admin:accounts.user")
    assert deleted.object_id == str(created.pk)
    assert deleted.actor == operator
