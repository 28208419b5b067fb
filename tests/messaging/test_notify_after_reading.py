"""Notifications about messages wait NOTIFY_READ_DELAY_S: read live by then, nothing is
sent; what is waiting for one person at once goes out as one digest."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging import services
from openjobcenter.messaging.models import Conversation
from openjobcenter.notifications import batching
from openjobcenter.notifications import services as notifications
from openjobcenter.notifications.models import PendingNotification

DELAY = 120


@pytest.fixture(autouse=True)
def _delay(settings: Any) -> None:
    settings.NOTIFY_READ_DELAY_S = DELAY


@pytest.fixture
def pushes(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    def fake_webpush(subscription_info: dict[str, Any], data: str, **kwargs: Any) -> None:
        sent.append(json.loads(data))

    monkeypatch.setattr("pywebpush.webpush", fake_webpush)
    return sent


def later(seconds: int) -> Any:
    return time_machine.travel(timezone.now() + timedelta(seconds=seconds), tick=False)


def staff_writes(conversation: Conversation, author: User, body: str, capture: Any) -> None:
    with capture(execute=True):
        services.message_send(conversation=conversation, author=author, body=body)


def test_a_message_read_live_is_not_mailed(
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff_writes(
        conversation,
        staff_a[Role.CASEWORKER],
        "Bitte Mietvertrag",
        django_capture_on_commit_callbacks,
    )
    assert outbox == []  # not at once: the customer may be reading in the chat
    services.conversation_mark_read(conversation=conversation, user=customer.user)
    with later(DELAY + 1), django_capture_on_commit_callbacks(execute=True):
        assert notifications.notifications_send_due() == 0
    assert outbox == []
    row = PendingNotification.objects.get(user=customer.user)
    assert row.sent_at is not None and row.skipped == "read" and row.channels_sent == ""
    with later(DELAY * 10), django_capture_on_commit_callbacks(execute=True):
        assert notifications.notifications_send_due() == 0  # closed, not retried
    assert outbox == []


def test_an_unread_message_is_mailed_after_the_delay(
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff_writes(
        conversation,
        staff_a[Role.CASEWORKER],
        "Bitte Mietvertrag",
        django_capture_on_commit_callbacks,
    )
    with later(DELAY - 5), django_capture_on_commit_callbacks(execute=True):
        assert notifications.notifications_send_due() == 0
    assert outbox == []
    with later(DELAY + 1), django_capture_on_commit_callbacks(execute=True):
        assert notifications.notifications_send_due() == 1
    assert [m.to for m in outbox] == [[customer.user.email]]
    assert outbox[0].subject == "Neue Nachricht"
    assert "Sie haben eine neue Nachricht von Ihrem Jobcenter." in outbox[0].body
    assert f"/fulda/mein-bereich/nachrichten/{conversation.pk}/" in outbox[0].body
    assert "Mietvertrag" not in outbox[0].subject + outbox[0].body
    assert PendingNotification.objects.get(user=customer.user).channels_sent == "email"


def test_a_later_message_of_the_stretch_keeps_the_notification(
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    caseworker = staff_a[Role.CASEWORKER]
    staff_writes(conversation, caseworker, "eins", django_capture_on_commit_callbacks)
    # Read live, then a second message comes while the first notification still waits.
    services.conversation_mark_read(conversation=conversation, user=customer.user)
    with later(30):
        staff_writes(conversation, caseworker, "zwei", django_capture_on_commit_callbacks)
    assert PendingNotification.objects.filter(user=customer.user).count() == 1
    with later(DELAY + 1), django_capture_on_commit_callbacks(execute=True):
        assert notifications.notifications_send_due() == 1
    assert len(outbox) == 1  # "zwei" was not read


def test_the_caseworker_who_reads_live_gets_no_mail(
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    caseworker = staff_a[Role.CASEWORKER]
    staff_writes(conversation, caseworker, "Guten Tag", django_capture_on_commit_callbacks)
    services.conversation_mark_read(conversation=conversation, user=customer.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(conversation=conversation, author=customer.user, body="Danke")
    row = PendingNotification.objects.get(user=caseworker, event="message.new_staff")
    services.conversation_mark_read(conversation=conversation, user=caseworker)
    with later(DELAY + 1), django_capture_on_commit_callbacks(execute=True):
        notifications.notifications_send_due()
    row.refresh_from_db()
    assert row.skipped == "read"
    assert [m for m in outbox if m.to == [caseworker.email]] == []


def test_things_arriving_together_make_one_digest(
    conversation: Conversation,
    personal: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    outbox: list[Any],
    pushes: list[dict[str, Any]],
    django_capture_on_commit_callbacks: Any,
) -> None:
    notifications.push_subscription_register(
        user=customer.user, endpoint="https://push.example.org/x", p256dh="B" * 87, auth="a" * 22
    )
    staff_writes(
        conversation, staff_a[Role.CASEWORKER], "Ihr Bescheid", django_capture_on_commit_callbacks
    )
    with later(40):  # within the first one's wait: joins it
        staff_writes(
            personal,
            staff_a[Role.JOB_ADVISOR],
            "Ein Stellenangebot",
            django_capture_on_commit_callbacks,
        )
    rows = list(PendingNotification.objects.filter(user=customer.user).order_by("pk"))
    assert len(rows) == 2 and rows[0].due_at == rows[1].due_at
    with later(DELAY + 1), django_capture_on_commit_callbacks(execute=True):
        assert notifications.notifications_send_due() == 1
    assert len(outbox) == 1 and len(pushes) == 1
    mail = outbox[0]
    assert mail.subject == "Neuigkeiten für Sie"
    assert "Es gibt mehrere Neuigkeiten für Sie." in mail.body
    # Both are messages: the list of conversations leads to both.
    assert "/fulda/mein-bereich/nachrichten/\n" in mail.body
    assert pushes[0] == {
        "title": "Neuigkeiten für Sie",
        "body": "Es gibt mehrere Neuigkeiten für Sie. Bitte melden Sie sich an, um sie zu sehen.",
        "url": "/fulda/mein-bereich/nachrichten/",
    }
    for secret in ("Bescheid", "Stellenangebot", "Frage", "Bewerbung"):
        assert secret not in mail.subject + mail.body + json.dumps(pushes[0])
    assert {r.channels_sent for r in PendingNotification.objects.filter(user=customer.user)} == {
        "email,webpush"
    }


def test_digest_only_of_what_is_still_unread(
    conversation: Conversation,
    personal: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    staff_writes(conversation, staff_a[Role.CASEWORKER], "eins", django_capture_on_commit_callbacks)
    with later(20):
        staff_writes(
            personal, staff_a[Role.JOB_ADVISOR], "zwei", django_capture_on_commit_callbacks
        )
    services.conversation_mark_read(conversation=conversation, user=customer.user)
    with later(DELAY + 1), django_capture_on_commit_callbacks(execute=True):
        assert notifications.notifications_send_due() == 1
    # One thing left: its own text and link, not the digest.
    assert len(outbox) == 1 and outbox[0].subject == "Neue Nachricht"
    assert f"/fulda/mein-bereich/nachrichten/{personal.pk}/" in outbox[0].body


def test_digest_in_the_recipients_language(
    customer: CustomerProfile, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    customer.user.preferred_language = "uk"
    customer.user.save(update_fields=["preferred_language"])
    notifications.notify(user=customer.user, event="message.new", url="/fulda/mein-bereich/a/1/")
    notifications.notify(user=customer.user, event="message.new", url="/fulda/mein-bereich/b/2/")
    with later(DELAY + 1), django_capture_on_commit_callbacks(execute=True):
        notifications.notifications_send_due()
    assert len(outbox) == 1
    assert outbox[0].subject == "Новини для вас"
    assert "Для вас є кілька новин" in outbox[0].body and "Es gibt" not in outbox[0].body


def test_digest_url_is_the_deepest_common_page() -> None:
    assert batching.digest_url(["/fulda/mein-bereich/nachrichten/1/"]) == (
        "/fulda/mein-bereich/nachrichten/1/"
    )
    assert batching.digest_url(
        ["/fulda/mein-bereich/nachrichten/1/", "/fulda/mein-bereich/termine/4/"]
    ) == ("/fulda/mein-bereich/")
    assert batching.digest_url(["/fulda/a/", "/kassel/a/"]) == "/"
    assert batching.digest_url(
        ["https://ojc.example/fulda/x/1/", "https://ojc.example/fulda/y/2/"]
    ) == ("https://ojc.example/fulda/")
