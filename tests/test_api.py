from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import ApiToken, Role
from openjobcenter.accounts.services import api_token_create
from openjobcenter.core.models import AuditEntry

from .conftest import login_with_mfa


def test_openapi_spec_and_docs(client: Client, db) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/me", "/api/v1/jobcenters", "/api/v1/jobcenters/lookup"} <= set(spec["paths"])
    assert client.get("/api/v1/docs").status_code == 200


def test_public_job_centre_list_and_lookup(client: Client, jobcenters) -> None:
    items = client.get("/api/v1/jobcenters").json()
    assert len(items) == 27  # with Hanau, independent since 2026
    assert {
        "slug": "fulda",
        "name": "Landkreis Fulda",
        "kind": "municipal",
        "url": "/fulda/",
    } in items
    found = client.get("/api/v1/jobcenters/lookup", {"q": "36088"}).json()
    assert found[0]["slug"] == "fulda"
    assert found[0]["matched_areas"] == ["36088 Hünfeld"]
    detail = client.get("/api/v1/jobcenters/fulda").json()
    assert detail["offices"][0]["opening_hours"] == ["Mo–Fr 8:00–12:00 Uhr", "Do 14:00–17:30 Uhr"]
    assert client.get("/api/v1/jobcenters/atlantis").status_code == 404


def test_lookup_validation_names_the_field(client: Client, jobcenters) -> None:
    response = client.get("/api/v1/jobcenters/lookup", {"q": "x"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "q"]
    assert client.get("/api/v1/jobcenters/lookup").status_code == 422


def test_me_needs_authentication(client: Client, db) -> None:
    assert client.get("/api/v1/me").status_code == 401
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer ojc_not-a-real-token")
    assert response.status_code == 401


def test_me_with_session_and_with_token(client: Client, customer) -> None:
    client.force_login(customer.user)
    me = client.get("/api/v1/me").json()
    assert me["customer"]["customer_number"] == "A-1001"
    assert me["customer"]["jobcenter"] == "fulda"
    assert me["staff_roles"] == {}
    _token, key = api_token_create(user=customer.user, name="App")
    anonymous = Client()
    response = anonymous.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert response.json()["email"] == "kunde@example.org"
    assert ApiToken.objects.get().last_used_at is not None
    # Written along with the read itself (api/urls.py, fastsql.select): no flush needed.
    assert AuditEntry.objects.filter(object_type="me", subject=customer.user).count() == 2
    assert ApiToken.objects.filter(key_hash=ApiToken.hash_key(key)).exists()
    assert not ApiToken.objects.filter(key_hash=key).exists()  # the clear key is never stored


def test_staff_roles_in_me(client: Client, staff_a) -> None:
    login_with_mfa(client, staff_a[Role.TEAM_LEAD])
    assert client.get("/api/v1/me").json()["staff_roles"] == {"fulda": ["team_lead"]}


def test_patch_me_updates_profile_with_token(customer) -> None:
    _token, key = api_token_create(user=customer.user, name="App")
    client = Client()
    response = client.patch(
        "/api/v1/me",
        data=json.dumps({"city": "Hünfeld", "postcode": "36088", "preferred_language": "en"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    assert response.json()["customer"]["city"] == "Hünfeld"
    customer.refresh_from_db()
    assert customer.postcode == "36088"
    assert customer.user.preferred_language == "en"


def test_patch_me_takes_leichte_sprache(customer) -> None:
    _token, key = api_token_create(user=customer.user, name="App")
    response = Client().patch(
        "/api/v1/me",
        data=json.dumps({"preferred_language": "de-x-ls"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200
    customer.user.refresh_from_db()
    assert customer.user.preferred_language == "de-x-ls"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"postcode": "123"}, "postcode"),
        ({"contact_channel": "pigeon"}, "contact_channel"),
        ({"preferred_language": "xx"}, "preferred_language"),
        ({"preferred_language": "de-x-ls-too-long"}, "preferred_language"),
        ({"is_superuser": True}, "is_superuser"),
        ({"first_name": ""}, "first_name"),
        ({"first_name": "x" * 500}, "first_name"),
    ],
)
def test_patch_me_rejects_bad_input_with_422_naming_the_field(customer, body, field) -> None:
    _token, key = api_token_create(user=customer.user, name="App")
    response = Client().patch(
        "/api/v1/me",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422
    assert field in json.dumps(response.json()["detail"])
    customer.user.refresh_from_db()
    assert not customer.user.is_superuser


def test_malformed_json_is_422_not_500(customer) -> None:
    _token, key = api_token_create(user=customer.user, name="App")
    response = Client().patch(
        "/api/v1/me",
        data="{not json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]


def test_session_api_writes_need_csrf(customer) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    response = client.patch(
        "/api/v1/me", data=json.dumps({"city": "X"}), content_type="application/json"
    )
    assert response.status_code == 403
    customer.refresh_from_db()
    assert customer.city == "Fulda"


def test_revoked_token_no_longer_works(client: Client, customer) -> None:
    client.force_login(customer.user)
    page = client.post("/konto/api-schluessel/", {"name": "Meine App"})
    key = page.context["new_key"]
    assert key.startswith("ojc_") and key in page.content.decode()
    token = ApiToken.objects.get(user=customer.user)
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200
    client.post("/konto/api-schluessel/", {"revoke": str(token.pk)})
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_token_of_another_user_cannot_be_revoked(client: Client, customer, customer2) -> None:
    token, key = api_token_create(user=customer2.user, name="App")
    client.force_login(customer.user)
    client.post("/konto/api-schluessel/", {"revoke": str(token.pk)})
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 200


# --- /me reads everything anew on every request (issue 19: one statement each, no cache) ----


def test_token_of_a_deactivated_person_stops_at_once(customer) -> None:
    _token, key = api_token_create(user=customer.user, name="App")
    bearer = {"Authorization": f"Bearer {key}"}
    assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    type(customer.user).objects.filter(pk=customer.user.pk).update(is_active=False)
    assert Client().get("/api/v1/me", headers=bearer).status_code == 401


def test_revoked_through_the_service_stops_at_once(customer) -> None:
    from openjobcenter.accounts.services import api_token_revoke

    token, key = api_token_create(user=customer.user, name="App")
    _other, other_key = api_token_create(user=customer.user, name="Other app")
    bearer = {"Authorization": f"Bearer {key}"}
    assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    assert api_token_revoke(user=customer.user, token_id=token.pk)
    assert Client().get("/api/v1/me", headers=bearer).status_code == 401
    # The person's other token is untouched.
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {other_key}").status_code == 200


def test_last_used_is_written_at_most_once_a_minute(customer) -> None:
    from datetime import timedelta

    from django.utils import timezone

    token, key = api_token_create(user=customer.user, name="App")
    bearer = {"Authorization": f"Bearer {key}"}
    assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first  # within the minute
    old = timezone.now() - timedelta(minutes=5)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=old)
    assert Client().get("/api/v1/me", headers=bearer).status_code == 200
    again = ApiToken.objects.get(pk=token.pk).last_used_at
    assert again is not None and again > old


def test_me_of_staff_in_two_job_centres_who_is_also_a_customer(customer, jobcenters) -> None:
    from openjobcenter.accounts.models import StaffMembership
    from openjobcenter.tenants.models import Jobcenter

    kassel = Jobcenter.objects.exclude(pk=customer.jobcenter_id).order_by("slug").first()
    assert kassel is not None
    user = customer.user
    StaffMembership.objects.create(user=user, jobcenter=customer.jobcenter, role=Role.CASEWORKER)
    StaffMembership.objects.create(user=user, jobcenter=kassel, role=Role.TEAM_LEAD)
    StaffMembership.objects.create(user=user, jobcenter=customer.jobcenter, role=Role.RECEPTION)
    _token, key = api_token_create(user=user, name="App")
    me = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}").json()
    assert me["customer"] == {
        "jobcenter": customer.jobcenter.slug,
        "customer_number": customer.customer_number,
        "street": customer.street,
        "postcode": customer.postcode,
        "city": customer.city,
        "phone": customer.phone,
        "contact_channel": customer.contact_channel,
    }
    assert me["staff_roles"] == {
        customer.jobcenter.slug: [Role.CASEWORKER, Role.RECEPTION],
        kassel.slug: [Role.TEAM_LEAD],
    }


def test_the_token_gives_the_same_user_the_orm_reads(customer) -> None:
    """``TokenAuth`` builds the user from its own statement: every field as the ORM has it
    (times aware, booleans and choices typed, on SQLite too)."""
    from django.test import RequestFactory

    from openjobcenter.accounts.models import User
    from openjobcenter.api.auth import TokenAuth

    user = customer.user
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    _token, key = api_token_create(user=user, name="App")
    request = RequestFactory().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {key}")
    found = TokenAuth()(request)
    stored = User.objects.get(pk=user.pk)
    assert found is not None
    for field in User._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(stored, field.attname), field.name
        assert type(getattr(found, field.attname)) is type(getattr(stored, field.attname))
    assert not found._state.adding
    assert request.user == stored
