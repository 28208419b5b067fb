"""Every write of the notifications module, and ``notify``, the one way to tell a person
that something new is waiting for them.

``notify`` stores one row in the outbox (``PendingNotification``) and, after commit,
sends it when it is due. During the person's quiet hours it is due when they end; the
periodic job ``notifications.send_due`` (``core/scheduler.py``) sends it then. A burst of
events of one kind for one link makes a single notification, not one per message.
Messages wait a short while first and are dropped when read live; what is due for a
person at once goes out as one digest (``batching``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone, translation

from openjobcenter.core.languages import usable_language
from openjobcenter.notifications import batching
from openjobcenter.notifications.channels import Payload, all_channels
from openjobcenter.notifications.events import DIGEST, get_event
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
    with translation.override(usable_language(user.preferred_language)):
        return Payload(event=event.key, title=str(event.title), body=str(event.body), url=url)


@transaction.atomic
def notify(*, user: User, event: str, url: str, ref: str = "") -> PendingNotification | None:
    """Tell ``user`` that something of kind ``event`` waits at ``url`` (an absolute link).

    Nothing else may be passed: the text is the event's fixed text; ``ref`` (an id, no
    content) lets the raising module say later whether it was read in the meantime.
    Returns the outbox row, or None when the person wants no notifications or one is
    already pending (that one then stands for this event too).
    """
    kind = get_event(event)  # unknown events fail loudly at the caller
    pref = preference_of(user)
    if not any(kind.allows(c.key) and c.wanted(user, pref) for c in all_channels()):
        return None
    now = timezone.now()
    waiting = PendingNotification.objects.filter(user=user, sent_at__isnull=True)
    same = waiting.filter(event=event, url=url).first()
    if same is not None:
        if ref and same.ref != ref:
            # The earlier one may be read by the time it is due; this one may not.
            same.ref = ref
            same.save(update_fields=["ref"])
        return None
    own_due = now + batching.read_delay() if kind.waits_for_reading else now
    earliest = waiting.order_by("due_at").values_list("due_at", flat=True).first()
    due_at = batching.batch_due_at(earliest, own_due, now)
    due_at = quiet_until(pref, due_at) or due_at
    pending = PendingNotification.objects.create(
        user=user, event=event, url=url, ref=ref, due_at=due_at
    )
    if due_at <= now:
        from openjobcenter.notifications.tasks import send_notification

        pk = pending.pk
        transaction.on_commit(lambda: send_notification.enqueue(pending_id=pk))
    return pending


def notification_send(*, pending_id: int) -> bool:
    """Send one due outbox row, with everything else due for the same person, as one
    notification per channel the person wants; at most once. Rows whose content the
    person has read in the meantime are closed without sending."""
    now = timezone.now()
    with transaction.atomic():
        first = (
            PendingNotification.objects.select_related("user")
            .filter(pk=pending_id, sent_at__isnull=True, due_at__lte=now)
            .first()
        )
        if first is None:
            return False
        user = first.user
        batch = list(
            # of=("self",): lock the outbox rows only, not the joined user row.
            PendingNotification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(user=user, sent_at__isnull=True, due_at__lte=now)
            .order_by("pk")
        )
        if not any(p.pk == pending_id for p in batch):
            return False  # another worker sent it meanwhile
        pref = preference_of(user)
        later = quiet_until(pref, now)
        if later is not None:  # quiet hours began after they were queued
            PendingNotification.objects.filter(pk__in=[p.pk for p in batch]).update(due_at=later)
            return False
        unread = []
        for pending in batch:
            pending.sent_at = now
            if batching.already_read(pending):
                pending.skipped = "read"
            else:
                unread.append(pending)
        sent_by_row: dict[int, list[str]] = {p.pk: [] for p in unread}
        for channel in all_channels():
            if not channel.wanted(user, pref):
                continue
            rows = [p for p in unread if get_event(p.event).allows(channel.key)]
            if not rows:
                continue
            if len({(p.event, p.url) for p in rows}) == 1:
                payload = render_payload(user, rows[0].event, rows[0].url)
            else:
                url = batching.digest_url([p.url for p in rows])
                payload = render_payload(user, DIGEST.key, url)
            if channel.send(user, payload):
                for p in rows:
                    sent_by_row[p.pk].append(channel.key)
        for pending in batch:
            pending.channels_sent = ",".join(sent_by_row.get(pending.pk, []))
        PendingNotification.objects.bulk_update(batch, ["sent_at", "skipped", "channels_sent"])
        return any(sent_by_row.values())


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
