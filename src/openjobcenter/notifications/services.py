"""Every write of the notifications module, and ``notify``, the one way to tell a person
that something new is waiting for them.

``notify`` stores one row in the outbox (``PendingNotification``) and, after commit,
sends it when it is due. During the person's quiet hours it is due when they end; the
periodic job ``notifications.send_due`` (``core/scheduler.py``) sends it then. A burst of
events of one kind for one link makes a single notification, not one per message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone, translation

from openjobcenter.notifications.channels import Payload, all_channels
from openjobcenter.notifications.events import get_event
from openjobcenter.notifications.models import (
    NotificationPreference,
    PendingNotification,
    PushSubscription,
)

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User

BERLIN = ZoneInfo("Europe/Berlin")


def preference_of(user: User) -> NotificationPreference:
    found = NotificationPreference.objects.filter(user=user).first()
    return found if found is not None else NotificationPreference(user=user)


def quiet_until(pref: NotificationPreference, now: datetime) -> datetime | None:
    """When the quiet hours around ``now`` end, or None when ``now`` is not in them."""
    start, end = pref.quiet_start, pref.quiet_end
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(BERLIN)
    clock = local.time().replace(tzinfo=None)
    if start < end:
        inside = start <= clock < end
        end_day = local.date()
    else:  # wraps midnight, e.g. 22:00–07:00
        inside = clock >= start or clock < end
        end_day = local.date() + timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    return datetime.combine(end_day, end, tzinfo=BERLIN).astimezone(UTC)


def render_payload(user: User, event_key: str, url: str) -> Payload:
    """The notification text in the recipient's language: fixed words, no content."""
    event = get_event(event_key)
    with translation.override(user.preferred_language or "de"):
        return Payload(event=event.key, title=str(event.title), body=str(event.body), url=url)


@transaction.atomic
def notify(*, user: User, event: str, url: str) -> PendingNotification | None:
    """Tell ``user`` that something of kind ``event`` waits at ``url`` (an absolute link).

    Nothing else may be passed: the text is the event's fixed text. Returns the outbox
    row, or None when the person wants no notifications or one is already pending.
    """
    kind = get_event(event)  # unknown events fail loudly at the caller
    pref = preference_of(user)
    if not any(kind.allows(c.key) and c.wanted(user, pref) for c in all_channels()):
        return None
    now = timezone.now()
    if PendingNotification.objects.filter(
        user=user, event=event, url=url, sent_at__isnull=True
    ).exists():
        return None
    due_at = quiet_until(pref, now) or now
    pending = PendingNotification.objects.create(user=user, event=event, url=url, due_at=due_at)
    if due_at <= now:
        from openjobcenter.notifications.tasks import send_notification

        pk = pending.pk
        transaction.on_commit(lambda: send_notification.enqueue(pending_id=pk))
    return pending


def notification_send(*, pending_id: int) -> bool:
    """Send one due outbox row on every channel the person wants; at most once."""
    now = timezone.now()
    with transaction.atomic():
        pending = (
            # of=("self",): lock the outbox row only, not the joined user row.
            PendingNotification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=pending_id, sent_at__isnull=True, due_at__lte=now)
            .first()
        )
        if pending is None:
            return False
        user = pending.user
        pref = preference_of(user)
        later = quiet_until(pref, now)
        if later is not None:  # quiet hours began after it was queued
            pending.due_at = later
            pending.save(update_fields=["due_at"])
            return False
        pending.sent_at = now
        payload = render_payload(user, pending.event, pending.url)
        kind = get_event(pending.event)
        sent = [
            c.key
            for c in all_channels()
            if kind.allows(c.key) and c.wanted(user, pref) and c.send(user, payload)
        ]
        pending.channels_sent = ",".join(sent)
        pending.save(update_fields=["sent_at", "channels_sent"])
        return bool(sent)


def notifications_send_due() -> int:
    """The periodic job: send every outbox row whose time has come (idempotent)."""
    due = PendingNotification.objects.filter(
        sent_at__isnull=True, due_at__lte=timezone.now()
    ).values_list("pk", flat=True)[:500]
    return sum(notification_send(pending_id=pk) for pk in list(due))


@dataclass(frozen=True)
class PreferenceInput:
    email: bool
    push: bool
    quiet_start: time | None
    quiet_end: time | None


@transaction.atomic
def preference_save(*, user: User, data: PreferenceInput) -> NotificationPreference:
    pref, _created = NotificationPreference.objects.get_or_create(user=user)
    pref.email, pref.push = data.email, data.push
    pref.quiet_start, pref.quiet_end = data.quiet_start, data.quiet_end
    pref.save()
    return pref


@transaction.atomic
def push_subscription_register(
    *, user: User, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Store (or move to this person) a browser's push endpoint."""
    sub, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
    )
    return sub


def push_subscription_forget(*, subscription: PushSubscription) -> None:
    PushSubscription.objects.filter(pk=subscription.pk).delete()


@transaction.atomic
def push_subscription_delete(*, user: User, endpoint: str) -> int:
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted
