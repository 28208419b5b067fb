"""notify(): fixed texts without content or social data, in the recipient's language,
per preference, deferred through quiet hours; Web Push; the preferences page and API;
the service worker and manifest at the site root."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import Any

import pytest
import time_machine
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.notifications import services
from openjobcenter.notifications.models import (
    NotificationPreference,
    PendingNotification,
    PushSubscription,
    VapidKey,
)
from openjobcenter.notifications.vapid import vapid_keys

URL = "/fulda/mein-bereich/nachrichten/1/"
ENDPOINT = "https://push.example.org/send/abc"


@pytest.fixture
def pushes(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    def fake_webpush(subscription_info: dict[str, Any], data: str, **kwargs: Any) -> None:
        sent.append({"endpoint": subscription_info["endpoint"], "data": json.loads(data), **kwargs})

    monkeypatch.setattr("pywebpush.webpush", fake_webpush)
    return sent


def subscribe(customer: CustomerProfile) -> None:
    services.push_subscription_register(
        user=customer.user, endpoint=ENDPOINT, p256dh="B" * 87, auth="a" * 22
    )


def test_email_and_push_carry_only_the_fixed_sentence(
    customer: CustomerProfile,
    outbox: list[Any],
    pushes: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.NOTIFY_READ_DELAY_S = 0  # timing: test_notify_after_reading.py
    subscribe(customer)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user=customer.user, event="message.new", url=URL)
    assert len(outbox) == 1 and len(pushes) == 1
    assert pushes[0]["data"] == {
        "title": "Neue Nachricht",
        "body": "Sie haben eine neue Nachricht von Ihrem Jobcenter.",
        "url": URL,
    }
    assert pushes[0]["vapid_claims"]["sub"].startswith("mailto:")
    text = outbox[0].subject + outbox[0].body
    for social in ("Karl", "Kunde", "A-1001", "Fulda", customer.user.email):
        assert social not in text
        assert social not in json.dumps(pushes[0]["data"])


def test_recipients_language(
    customer: CustomerProfile,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.NOTIFY_READ_DELAY_S = 0  # timing: test_notify_after_reading.py
    customer.user.preferred_language = "en"
    customer.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user=customer.user, event="message.new", url=URL)
    assert "You have a new message from your job centre." in outbox[0].body
    assert "Sie haben" not in outbox[0].body


def test_preferences_off_sends_nothing(
    customer: CustomerProfile, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    NotificationPreference.objects.create(
        user=customer.user, email=False, push=True
    )  # no device registered
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify(user=customer.user, event="message.new", url=URL) is None
    assert outbox == []


def test_quiet_hours_defer_until_they_end(
    customer: CustomerProfile, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    NotificationPreference.objects.create(
        user=customer.user, quiet_start=time(22), quiet_end=time(7)
    )
    night = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)  # 23:30 in Berlin
    with time_machine.travel(night, tick=False), django_capture_on_commit_callbacks(execute=True):
        pending = services.notify(user=customer.user, event="message.new", url=URL)
        services.notify(
            user=customer.user, event="message.new", url=URL
        )  # a burst is one notification
        assert services.notifications_send_due() == 0
    assert pending is not None and outbox == []
    assert pending.due_at == datetime(2026, 3, 11, 6, 0, tzinfo=UTC)  # 07:00 in Berlin
    assert PendingNotification.objects.count() == 1
    with time_machine.travel(datetime(2026, 3, 11, 5, 59, tzinfo=UTC), tick=False):
        assert services.notifications_send_due() == 0
    with (
        time_machine.travel(datetime(2026, 3, 11, 6, 1, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert services.notifications_send_due() == 1
        assert services.notifications_send_due() == 0  # idempotent
    assert len(outbox) == 1


def test_quiet_hours_same_day_window() -> None:
    pref = NotificationPreference(quiet_start=time(12), quiet_end=time(14))
    assert services.quiet_until(pref, datetime(2026, 7, 1, 11, 0, tzinfo=UTC)) == datetime(
        2026, 7, 1, 12, 0, tzinfo=UTC
    )
    assert services.quiet_until(pref, datetime(2026, 7, 1, 13, 0, tzinfo=UTC)) is None


def test_gone_push_subscriptions_are_removed(
    customer: CustomerProfile,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
) -> None:
    settings.NOTIFY_READ_DELAY_S = 0  # timing: test_notify_after_reading.py
    from pywebpush import WebPushException  # type: ignore[import-untyped]

    class Gone:
        status_code = 410

    def fail(*args: Any, **kwargs: Any) -> None:
        raise WebPushException("gone", response=Gone())

    monkeypatch.setattr("pywebpush.webpush", fail)
    subscribe(customer)
    NotificationPreference.objects.create(user=customer.user, email=False)
    pending = services.notify(user=customer.user, event="message.new", url=URL)
    assert pending is not None
    services.notification_send(pending_id=pending.pk)
    assert not PushSubscription.objects.exists()


def test_vapid_keys_are_generated_once_and_kept_in_the_database(db: None) -> None:
    first = vapid_keys()
    assert VapidKey.objects.count() == 1
    assert vapid_keys() == first
    from py_vapid import Vapid  # type: ignore[import-untyped]

    Vapid.from_string(private_key=first[0])  # pywebpush can use it
    # The private key is sealed in the database, not stored as it is.
    stored = VapidKey.objects.get().private_key
    assert first[0] not in stored
    assert stored.startswith("OJCT1:")
    assert VapidKey.objects.get().public_key == first[1]


def test_a_plain_vapid_key_from_before_is_sealed_on_first_use(db: None) -> None:
    from openjobcenter.notifications.vapid import generate_pair

    private, public = generate_pair()
    VapidKey.objects.create(singleton=1, private_key=private, public_key=public)
    assert vapid_keys() == (private, public)
    stored = VapidKey.objects.get().private_key
    assert private not in stored
    assert stored.startswith("OJCT1:")
    assert vapid_keys() == (private, public)


def test_vapid_keys_from_settings(db: None, settings: Any) -> None:
    settings.VAPID_PRIVATE_KEY, settings.VAPID_PUBLIC_KEY = "priv", "pub"
    assert vapid_keys() == ("priv", "pub")
    assert not VapidKey.objects.exists()


def test_preferences_page(client: Client, customer: CustomerProfile) -> None:
    client.force_login(customer.user)
    url = "/fulda/mein-bereich/benachrichtigungen/"
    page = client.get(url).content.decode()
    assert "data-vapid-key" in page and "<script>" not in page
    response = client.post(url, {"email": "on", "quiet_start": "22:00", "quiet_end": "07:00"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=customer.user)
    assert pref.email and not pref.push and pref.quiet_start == time(22)
    bad = client.post(url, {"email": "on", "quiet_start": "22:00"})
    assert "Anfang und Ende" in bad.content.decode()


def test_api(client: Client, customer: CustomerProfile) -> None:
    client.force_login(customer.user)
    api = "/api/v1/notifications"
    assert client.get(f"{api}/vapid-public-key").json()["public_key"]
    body = {"endpoint": ENDPOINT, "p256dh": "B" * 87, "auth": "a" * 22}
    assert (
        client.post(f"{api}/push-subscriptions", body, content_type="application/json").status_code
        == 201
    )
    assert PushSubscription.objects.get().user == customer.user
    insecure = {**body, "endpoint": "http://push.example.org/x"}
    assert (
        client.post(
            f"{api}/push-subscriptions", insecure, content_type="application/json"
        ).status_code
        == 422
    )
    assert (
        client.post(
            f"{api}/push-subscriptions", {"endpoint": "x"}, content_type="application/json"
        ).status_code
        == 422
    )
    prefs = {"email": False, "push": True, "quiet_start": "21:00:00", "quiet_end": "06:30:00"}
    assert (
        client.put(f"{api}/preferences", prefs, content_type="application/json").status_code == 200
    )
    assert client.get(f"{api}/preferences").json() == prefs
    half = {"email": True, "push": True, "quiet_start": "21:00:00"}
    assert (
        client.put(f"{api}/preferences", half, content_type="application/json").status_code == 422
    )
    assert (
        client.delete(
            f"{api}/push-subscriptions", {"endpoint": ENDPOINT}, content_type="application/json"
        ).status_code
        == 204
    )
    assert not PushSubscription.objects.exists()


def test_api_needs_login(client: Client, db: None) -> None:
    assert client.get("/api/v1/notifications/preferences").status_code == 401


def test_service_worker_and_manifest_at_the_root(client: Client, db: None) -> None:
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw["Content-Type"].startswith("text/javascript")
    assert b"showNotification" in sw.content
    manifest = client.get("/manifest.webmanifest")
    assert manifest.json()["display"] == "standalone"
    # Installable: raster icons of 192 and 512 px that are really there and really PNG.
    icons = {i["sizes"]: i["src"] for i in manifest.json()["icons"]}
    for size in ("192x192", "512x512"):
        icon = client.get(icons[size])
        assert icon.status_code == 200
        body = b"".join(icon.streaming_content) if icon.streaming else icon.content  # type: ignore[attr-defined]
        assert body.startswith(b"\x89PNG")


def test_appointment_reminder_adds_a_push_beside_the_email(
    customer: CustomerProfile,
    advisor: Any,
    appt_type: Any,
    outbox: list[Any],
    pushes: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from openjobcenter.appointments.reminders import send_due_reminders
    from tests.appointments.test_staff_support import make_appointment

    subscribe(customer)
    appointment = make_appointment(
        appt_type=appt_type,
        customer=customer,
        staff=advisor,
        starts_at=timezone.now() + timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 1
    # One e-mail (from the appointments module, with time and place) and one push with
    # the fixed sentence only: the reminder event is not a second e-mail.
    assert len(outbox) == 1
    assert len(pushes) == 1
    assert pushes[0]["data"]["body"] == "Sie haben bald einen Termin bei Ihrem Jobcenter."
    assert pushes[0]["data"]["url"].endswith(f"/fulda/mein-bereich/termine/{appointment.pk}/")
    assert appt_type.name not in json.dumps(pushes[0]["data"])


def test_appointment_reminder_without_push_sends_only_the_email(
    customer: CustomerProfile,
    advisor: Any,
    appt_type: Any,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from openjobcenter.appointments.reminders import send_due_reminders
    from tests.appointments.test_staff_support import make_appointment

    make_appointment(
        appt_type=appt_type,
        customer=customer,
        staff=advisor,
        starts_at=timezone.now() + timedelta(hours=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders() == 1
    assert len(outbox) == 1
    assert not PendingNotification.objects.filter(event="appointment.reminder").exists()
