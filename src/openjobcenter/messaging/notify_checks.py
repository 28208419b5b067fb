"""Has the person read the message a notification was waiting to tell them about?

Registered with ``notifications.batching`` for the message events: a notification
about a message that the person read live (chat open, another device) before it was
due is dropped. The outbox row's ``ref`` is the message id. Every message after a
side's read cursor is the other side's (sending moves one's own cursor), so the
conversation is read when that side's cursor reached its last message; a later message
of the same unread stretch keeps the notification alive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openjobcenter.messaging.models import Conversation

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User


def _cursor_passed(ref: str, cursor_field: str) -> bool:
    try:
        message_id = int(ref)
    except ValueError:
        return False
    found = (
        Conversation.objects.filter(messages__pk=message_id)
        .values_list(cursor_field, "last_message_id")
        .first()
    )
    # A message gone meanwhile (the conversation was erased) has nothing left to tell.
    return found is None or found[0] >= max(message_id, found[1] or 0)


def customer_has_read(user: User, ref: str) -> bool:
    return _cursor_passed(ref, "customer_read_upto")


def staff_has_read(user: User, ref: str) -> bool:
    return _cursor_passed(ref, "staff_read_upto")


def register() -> None:
    from openjobcenter.notifications import batching

    batching.register_read_check("message.new", customer_has_read)
    batching.register_read_check("message.new_staff", staff_has_read)
