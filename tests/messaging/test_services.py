"""message_send and friends: limits, idempotency, auto-reply, read state, notifications."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging import services
from openjobcenter.messaging.models import AuthorSide, ChatSettings, Conversation, TextTemplate
from openjobcenter.notifications.models import PendingNotification
from openjobcenter.tenants.models import Jobcenter


def test_send_stores_text_and_moves_cursors(
    conversation: Conversation, staff_a: dict[Role, User]
) -> None:
    caseworker = staff_a[Role.CASEWORKER]
    message = services.message_send(
        conversation=conversation, author=caseworker, body="  Antwort  "
    )
    conversation.refresh_from_db()
    assert message.body == "Antwort" and message.side == AuthorSide.STAFF
    assert conversation.last_message_id == message.pk
    assert conversation.status == "answered"
    assert conversation.assignee == caseworker  # the first to answer a team conversation takes it
    assert conversation.staff_read_upto == message.pk


@pytest.mark.parametrize(
    ("body", "code"), [("", "empty"), ("   \n ", "empty"), ("x" * 5001, "too_long")]
)
def test_bad_bodies_are_refused_and_nothing_is_stored(
    conversation: Conversation, customer: CustomerProfile, body: str, code: str
) -> None:
    before = conversation.messages.count()
    with pytest.raises(services.MessagingError) as exc:
        services.message_send(conversation=conversation, author=customer.user, body=body)
    assert exc.value.code == code
    assert conversation.messages.count() == before


def test_limit_is_configurable(
    conversation: Conversation, customer: CustomerProfile, settings: Any
) -> None:
    settings.MESSAGING = {**settings.MESSAGING, "max_length": 100}
    with pytest.raises(services.MessagingError):
        services.message_send(conversation=conversation, author=customer.user, body="x" * 101)


def test_same_client_id_is_one_message(
    conversation: Conversation, customer: CustomerProfile
) -> None:
    first = services.message_send(
        conversation=conversation, author=customer.user, body="Hallo", client_id="abc"
    )
    again = services.message_send(
        conversation=conversation, author=customer.user, body="Hallo", client_id="abc"
    )
    assert first.pk == again.pk
    assert conversation.messages.filter(client_id="abc").count() == 1


def test_bad_client_id_is_refused(conversation: Conversation, customer: CustomerProfile) -> None:
    with pytest.raises(services.MessagingError):
        services.message_send(
            conversation=conversation, author=customer.user, body="x", client_id="<script>"
        )


def test_flood_gets_a_friendly_wait_message(
    conversation: Conversation, customer: CustomerProfile, settings: Any
) -> None:
    settings.MESSAGING = {**settings.MESSAGING, "rate_count": 3, "rate_window_s": 60}
    start = timezone.now() + timedelta(hours=1)  # the fixture's message is long past
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(3):
            services.message_send(conversation=conversation, author=customer.user, body=f"n{n}")
        traveller.shift(timedelta(seconds=5))
        with pytest.raises(services.MessagingError) as exc:
            services.message_send(conversation=conversation, author=customer.user, body="zu viel")
        traveller.shift(timedelta(seconds=56))  # the window has moved past the first three
        services.message_send(conversation=conversation, author=customer.user, body="wieder da")
    assert exc.value.code == "rate_limited"
    assert exc.value.retry_after == 55
    assert "55 Sekunden" in exc.value.message
    assert not conversation.messages.filter(body="zu viel").exists()


def test_auto_reply_outside_office_hours_once(
    chat_jc: Jobcenter, conversation: Conversation, customer: CustomerProfile
) -> None:
    ChatSettings.objects.create(
        jobcenter=chat_jc,
        office_days=[0, 1, 2, 3, 4],
        office_start=time(8),
        office_end=time(16),
        auto_reply_enabled=True,
        expected_response="Wir antworten in der Regel innerhalb von 2 Werktagen.",
    )
    saturday = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    with time_machine.travel(saturday, tick=False):
        services.message_send(conversation=conversation, author=customer.user, body="Am Wochenende")
        services.message_send(conversation=conversation, author=customer.user, body="Noch eine")
    replies = conversation.messages.filter(side=AuthorSide.SYSTEM)
    assert replies.count() == 1
    assert replies.get().body == "Wir antworten in der Regel innerhalb von 2 Werktagen."
    monday_morning = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)  # 10:00 in Berlin
    with time_machine.travel(monday_morning, tick=False):
        services.message_send(conversation=conversation, author=customer.user, body="Montag")
    assert conversation.messages.filter(side=AuthorSide.SYSTEM).count() == 1


def test_read_cursor_only_moves_forward(
    conversation: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    caseworker = staff_a[Role.CASEWORKER]
    m1 = services.message_send(conversation=conversation, author=caseworker, body="eins")
    m2 = services.message_send(conversation=conversation, author=caseworker, body="zwei")
    assert (
        services.conversation_mark_read(conversation=conversation, user=customer.user, upto=m2.pk)
        == m2.pk
    )
    assert (
        services.conversation_mark_read(conversation=conversation, user=customer.user, upto=m1.pk)
        == m2.pk
    )
    assert (
        services.conversation_mark_read(conversation=conversation, user=customer.user, upto=10**12)
        == m2.pk
    )


def test_staff_message_notifies_the_customer_without_content(
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.NOTIFY_READ_DELAY_S = 0  # timing: test_notify_after_reading.py
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(
            conversation=conversation,
            author=staff_a[Role.CASEWORKER],
            body="Ihr Mietvertrag fehlt, Herr Kunde.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        # A second unread one does not notify again.
        services.message_send(
            conversation=conversation, author=staff_a[Role.CASEWORKER], body="Bitte bis Freitag."
        )
    assert len(outbox) == 1
    mail = outbox[0]
    assert mail.to == [customer.user.email]
    text = mail.subject + mail.body
    assert "Sie haben eine neue Nachricht von Ihrem Jobcenter" in text
    for secret in ("Mietvertrag", "Kunde", "Karl", "Frage zum Bescheid", "A-1001", "Freitag"):
        assert secret not in text
    assert (
        PendingNotification.objects.filter(user=customer.user, sent_at__isnull=False).count() == 1
    )


def test_template_placeholders(chat_jc: Jobcenter, conversation: Conversation) -> None:
    template = TextTemplate.objects.create(
        jobcenter=chat_jc,
        title="Gruß",
        body="Guten Tag {vorname} {nachname} ({kundennummer}), {unbekannt} {termin}",
    )
    text = services.template_render(template, conversation)
    assert text == "Guten Tag Karl Kunde (A-1001), {unbekannt} {termin}"
    odd = TextTemplate.objects.create(jobcenter=chat_jc, title="x", body="Klammer { offen")
    assert services.template_render(odd, conversation) == "Klammer { offen"


def test_assignment_rules(
    conversation: Conversation, personal: Conversation, staff_a: dict[Role, User]
) -> None:
    caseworker, reception, lead = (
        staff_a[Role.CASEWORKER],
        staff_a[Role.RECEPTION],
        staff_a[Role.TEAM_LEAD],
    )
    services.conversation_assign(conversation=conversation, actor=caseworker, assignee=caseworker)
    with pytest.raises(services.MessagingError):
        services.conversation_assign(conversation=conversation, actor=reception, assignee=reception)
    services.conversation_assign(conversation=conversation, actor=lead, assignee=reception)
    assert Conversation.objects.get(pk=conversation.pk).assignee == reception
    # A team lead moves a personal conversation to another advisor (absence).
    services.conversation_assign(conversation=personal, actor=lead, assignee=caseworker)
    personal.refresh_from_db()
    assert personal.advisor == caseworker and personal.assignee == caseworker


def test_assignee_must_belong_to_the_job_centre(
    conversation: Conversation, staff_a: dict[Role, User], staff_b: dict[Role, User]
) -> None:
    with pytest.raises(services.MessagingError):
        services.conversation_assign(
            conversation=conversation,
            actor=staff_a[Role.TEAM_LEAD],
            assignee=staff_b[Role.CASEWORKER],
        )


def test_send_costs_few_statements(
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    django_assert_max_num_queries: Any,
) -> None:
    """The chat's hottest path: one locking read, the message, the conversation's
    cursors, the audit entry (plus BEGIN/COMMIT where the driver reports them). On
    PostgreSQL the new message's id comes from its sequence in a statement of its own,
    sent in one round trip with the locking read (pipeline mode)."""
    loaded = Conversation.objects.select_related("jobcenter", "customer__user").get(
        pk=conversation.pk
    )
    sequence = int(connection.vendor == "postgresql")
    with django_assert_max_num_queries(6 + sequence):
        services.message_send(conversation=loaded, author=customer.user, body="Noch eine Frage")
    with django_assert_max_num_queries(6 + sequence):
        sent = services.message_send(
            conversation=loaded, author=customer.user, body="Noch eine Frage", client_id="c-7"
        )
    # A resend: found under the lock, nothing written.
    with django_assert_max_num_queries(4 + sequence):
        again = services.message_send(
            conversation=loaded, author=customer.user, body="Noch eine Frage", client_id="c-7"
        )
    assert again.pk == sent.pk
    loaded.refresh_from_db()
    assert loaded.last_message_id == sent.pk
    assert loaded.customer_read_upto == sent.pk


def test_each_unread_stretch_notifies_once(
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
    settings: Any,
) -> None:
    settings.NOTIFY_READ_DELAY_S = 0  # timing: test_notify_after_reading.py
    caseworker = staff_a[Role.CASEWORKER]

    def send(author: User, body: str) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            services.message_send(conversation=conversation, author=author, body=body)

    send(caseworker, "eins")  # customer notified
    send(caseworker, "zwei")  # still unread: not again
    services.conversation_mark_read(conversation=conversation, user=customer.user)
    send(caseworker, "drei")  # a new stretch: notified again
    to_customer = [m for m in outbox if m.to == [customer.user.email]]
    assert len(to_customer) == 2
    # The conversation is now assigned to the caseworker (staff answered first), so the
    # customer's messages notify the caseworker, once per unread stretch as well.
    send(customer.user, "Antwort eins")
    send(customer.user, "Antwort zwei")
    to_staff = [m for m in outbox if m.to == [caseworker.email]]
    assert len(to_staff) == 1
    services.conversation_mark_read(conversation=conversation, user=caseworker)
    send(customer.user, "Antwort drei")
    assert len([m for m in outbox if m.to == [caseworker.email]]) == 2


def test_auto_reply_again_after_twelve_hours_and_never_when_switched_off(
    chat_jc: Jobcenter, conversation: Conversation, customer: CustomerProfile
) -> None:
    chat = ChatSettings.objects.create(
        jobcenter=chat_jc,
        office_days=[0, 1, 2, 3, 4],
        auto_reply_enabled=True,
        expected_response="Wir melden uns am nächsten Werktag.",
    )
    saturday = datetime(2026, 3, 7, 8, 0, tzinfo=UTC)
    for hours in (0, 6, 13):
        with time_machine.travel(saturday + timedelta(hours=hours), tick=False):
            services.message_send(conversation=conversation, author=customer.user, body="Hallo")
    assert conversation.messages.filter(side=AuthorSide.SYSTEM).count() == 2
    chat.auto_reply_enabled = False
    chat.save()
    with time_machine.travel(saturday + timedelta(hours=30), tick=False):
        services.message_send(conversation=conversation, author=customer.user, body="Hallo")
    assert conversation.messages.filter(side=AuthorSide.SYSTEM).count() == 2


def test_orphan_attachment_files_are_swept_after_an_hour(
    chat_jc: Jobcenter,
    conversation: Conversation,
    customer: CustomerProfile,
    settings: Any,
    tmp_path: Any,
) -> None:
    import os

    from django.core.files.uploadedfile import SimpleUploadedFile

    from openjobcenter.core import scheduler
    from tests.messaging.conftest import without_documents

    settings.MEDIA_ROOT = str(tmp_path)
    without_documents(chat_jc)
    kept = services.message_send(
        conversation=conversation,
        author=customer.user,
        body="Anbei",
        attachment=SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n" + b"x" * 64),
    )
    stored = tmp_path / kept.attachment.name
    orphan_old = stored.parent / "verwaist-alt.pdf"
    orphan_new = stored.parent / "verwaist-neu.pdf"
    for path in (orphan_old, orphan_new):
        path.write_bytes(b"%PDF-1.4\n")
    two_hours_ago = timezone.now().timestamp() - 7200
    for path in (stored, orphan_old):
        os.utime(path, (two_hours_ago, two_hours_ago))

    assert services.attachments_sweep_orphans() == 1
    assert stored.exists()  # a message refers to it, however old
    assert not orphan_old.exists()
    assert orphan_new.exists()  # may belong to a send in progress
    assert "messaging.orphan_attachments" in {job.name for job in scheduler.registered()}
