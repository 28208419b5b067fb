"""Odd but well-formed input is refused with a 4xx and a clear message, never a 500, and
nothing is stored (issue 16, item 10; ``core/inputs.py``).

Found by sending such values to every API operation and filter page on both databases:
a time with a time zone (SQLite cannot store it, JSON cannot send it back), a NUL
character (PostgreSQL refuses it in text), a day at the edge of the calendar.
"""

from __future__ import annotations

import json
from datetime import time
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.notifications.models import NotificationPreference
from openjobcenter.notifications.services import PreferenceInput, preference_save
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa

PREFS = "/api/v1/notifications/preferences"


@pytest.fixture
def prefs(customer: CustomerProfile) -> NotificationPreference:
    return preference_save(
        user=customer.user,
        data=PreferenceInput(email=True, push=False, quiet_start=time(22), quiet_end=time(7)),
    )


def stored(pref: NotificationPreference) -> tuple[Any, ...]:
    pref.refresh_from_db()
    return (pref.email, pref.push, pref.quiet_start, pref.quiet_end)


@pytest.mark.parametrize("aware", ["21:00+02:00", "21:00:00Z", "21:00:00-05:00"])
def test_quiet_hours_with_a_time_zone_are_refused_by_the_api(
    customer_client: Client, prefs: NotificationPreference, aware: str
) -> None:
    before = stored(prefs)
    response = customer_client.put(
        PREFS,
        data=json.dumps({"email": False, "push": True, "quiet_start": aware, "quiet_end": "06:00"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][-1] == "quiet_start"
    assert "without a time zone" in error["msg"]
    assert stored(prefs) == before


def test_local_quiet_hours_still_work(
    customer_client: Client, prefs: NotificationPreference
) -> None:
    response = customer_client.put(
        PREFS,
        data=json.dumps(
            {"email": False, "push": True, "quiet_start": "21:30", "quiet_end": "06:00"}
        ),
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["quiet_start"] == "21:30:00"
    assert stored(prefs) == (False, True, time(21, 30), time(6))


def test_the_html_form_refuses_a_time_zone_too(
    customer_client: Client, prefs: NotificationPreference, jc_a: Jobcenter
) -> None:
    before = stored(prefs)
    url = reverse("customer:notification_preferences", kwargs={"jc": jc_a.slug})
    response = customer_client.post(
        url, {"email": "on", "quiet_start": "21:00+02:00", "quiet_end": "06:00"}
    )
    assert response.status_code == 422
    assert "Uhrzeit" in response.content.decode()
    assert stored(prefs) == before


# --- NUL characters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "loc"),
    [
        ("/api/v1/jobcenters/ful%00da", ["path"]),
        ("/api/v1/jobcenters/lookup?q=Fu%00lda", ["query", "q"]),
        ("/api/v1/documents/ful%00da/documents", ["path"]),
    ],
)
def test_api_refuses_nul_in_path_and_query(
    customer_client: Client, path: str, loc: list[str]
) -> None:
    response = customer_client.get(path)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == loc
    assert "NUL" in response.json()["detail"][0]["msg"]


def test_api_refuses_nul_in_a_json_string_and_stores_nothing(
    customer_client: Client, prefs: NotificationPreference
) -> None:
    from openjobcenter.messaging.models import Conversation, Message

    conversations, messages_ = Conversation.objects.count(), Message.objects.count()
    response = customer_client.post(
        "/api/v1/messaging/fulda/conversations",
        data=json.dumps({"subject": "Frage", "body": "Hallo\u0000", "client_id": "c1"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "body"]
    assert (Conversation.objects.count(), Message.objects.count()) == (conversations, messages_)


def test_pages_refuse_nul_with_400(
    client: Client, customer: CustomerProfile, jc_a: Jobcenter
) -> None:
    landing = client.get("/", {"q": "Ful\x00da"})
    assert landing.status_code == 400
    assert "Ungültige Anfrage" in landing.content.decode()
    client.force_login(customer.user)
    before = (customer.user.first_name, customer.user.last_name)
    profile = client.post(
        reverse("customer:profile", kwargs={"jc": jc_a.slug}),
        {"first_name": "Ka\x00tja", "last_name": "Muster"},
    )
    assert profile.status_code == 400
    customer.user.refresh_from_db()
    assert (customer.user.first_name, customer.user.last_name) == before


def test_ordinary_text_and_uploads_pass(customer_client: Client) -> None:
    """The guard looks at text only: JSON without NUL and binary files go through."""
    response = customer_client.get("/api/v1/jobcenters/lookup", {"q": "Fulda"})
    assert response.status_code == 200


# --- days at the edge of the calendar -------------------------------------------------


@pytest.fixture
def caseworker(staff_a: dict[Role, User]) -> Client:
    return login_with_mfa(Client(), staff_a[Role.CASEWORKER])


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_api_filters_refuse_days_out_of_range(
    caseworker: Client, jc_a: Jobcenter, day: str
) -> None:
    for module in ("appointments", "applications"):
        if module not in jc_a.enabled_modules:
            jc_a.enabled_modules = [*jc_a.enabled_modules, module]
    jc_a.save()
    calendar = caseworker.get(f"/api/v1/appointments/{jc_a.slug}/staff/calendar", {"tag": day})
    assert calendar.status_code == 422
    assert calendar.json()["detail"][0]["loc"][-1] == "tag"
    inbox = caseworker.get(f"/api/v1/applications/staff/{jc_a.slug}/", {"bis": day})
    assert inbox.status_code == 422
    assert inbox.json()["detail"][0]["loc"][-1] == "bis"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_filter_pages_answer_days_out_of_range_with_a_message(
    staff_a: dict[Role, User], jc_a: Jobcenter, day: str
) -> None:
    for module in ("appointments", "applications"):
        if module not in jc_a.enabled_modules:
            jc_a.enabled_modules = [*jc_a.enabled_modules, module]
    jc_a.save()
    admin = login_with_mfa(Client(), staff_a[Role.ADMIN])
    inbox = admin.get(
        reverse("staff:applications", kwargs={"jc": jc_a.slug}), {"von": day, "bis": day}
    )
    assert inbox.status_code < 500
    assert "2999" in inbox.content.decode() or "1900" in inbox.content.decode()
    audit = admin.get(
        reverse("staff:audit", kwargs={"jc": jc_a.slug}), {"date_from": day, "date_to": day}
    )
    assert audit.status_code < 500
    assert "2999" in audit.content.decode() or "1900" in audit.content.decode()
    calendar = admin.get(reverse("staff:calendar", kwargs={"jc": jc_a.slug}), {"tag": day})
    assert calendar.status_code == 400
