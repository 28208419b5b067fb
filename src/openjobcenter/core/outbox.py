"""The outbox: work that must not be lost between a commit and its side effect.

A service calls ``put(topic=..., key=..., payload=...)`` inside the transaction of the
change. The row commits with the change or not at all, so a process that dies right after
the commit loses nothing: the row is still there. After the commit a task is enqueued to
deliver it at once (the nudge; best-effort), and the periodic sweeper ``sweep`` (every
``OUTBOX["sweep_s"]`` seconds, ``core/apps.py``) delivers every row that is still due,
so a lost nudge, a killed worker or a failing handler only delay the work.

Each try claims the row with a conditional UPDATE that moves ``next_attempt_at`` a lease
ahead, so two workers never run the same try; a try that dies is retried once the lease
ran out. A failing handler is retried with exponential backoff; after ``max_attempts``
the row is marked failed and logged. Handlers are registered by topic and must be
idempotent (they can run again after a worker died mid-way).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from openjobcenter.core import fastsql, taskrows
from openjobcenter.core.models import OutboxItem

log = logging.getLogger(__name__)

Handler = Callable[[Mapping[str, Any]], object]
_handlers: dict[str, Handler] = {}


def register(topic: str, handler: Handler) -> None:
    """Deliver rows of ``topic`` with ``handler(payload)`` (idempotent; raises to retry)."""
    _handlers[topic] = handler


def _conf(key: str, default: int) -> int:
    return int(getattr(settings, "OUTBOX", {}).get(key, default))


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed try: base · 2^(attempts-1), capped."""
    base, cap = _conf("backoff_base_s", 30), _conf("backoff_max_s", 3600)
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def put(*, topic: str, key: str, payload: Mapping[str, Any]) -> OutboxItem:
    """Record work in the current transaction; delivered after the commit (idempotent per
    ``(topic, key)``: a second call returns the first row)."""
    if not transaction.get_connection().in_atomic_block:
        msg = "outbox.put belongs inside the transaction of the change"
        raise RuntimeError(msg)
    item = OutboxItem(topic=topic, key=key[:100], payload=dict(payload))
    # One ``INSERT … ON CONFLICT DO NOTHING`` (issue 19: ``get_or_create`` took a read, a
    # savepoint, the insert and its release, four round trips, twice per submission).
    if not fastsql.insert(item, ignore_conflict=True):
        return OutboxItem.objects.get(topic=topic, key=key[:100])
    item_id = item.pk
    transaction.on_commit(lambda: _nudge(item_id))
    return item


def rows_along(item: OutboxItem) -> tuple[fastsql.Along, ...]:
    """What ``put`` writes, for a caller that writes it with its change in one statement
    (``core.fastsql``'s ``along``): the row, unless one of its (topic, key) exists, and
    the nudge's task row (``core/taskrows.py``; with another task backend the nudge is
    enqueued after the commit). The row's key must be reserved (``fastsql.reserve_keys``);
    a nudge for a row that was not written finds nothing to deliver."""
    if item.pk is None:
        msg = "reserve the outbox row's key first (fastsql.reserve_keys)"
        raise ValueError(msg)
    from openjobcenter.core.tasks import deliver_outbox_item

    item.key = item.key[:100]
    return (
        fastsql.IfNew(item),
        *taskrows.rows_for(deliver_outbox_item, best_effort=True, item_id=item.pk),
    )


def _nudge(item_id: int) -> None:
    from openjobcenter.core.tasks import deliver_outbox_item

    try:
        deliver_outbox_item.enqueue(item_id=item_id)
    except Exception:  # the sweeper delivers it anyway
        log.exception("outbox: could not enqueue item %s", item_id)


def _due(now: datetime) -> Q:
    return Q(delivered_at__isnull=True, failed_at__isnull=True) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def deliver(item_id: int) -> str | None:
    """Run one try of one row if it is due: "delivered", "retrying", "failed", or None
    (not due: delivered already, or another worker holds it)."""
    now = timezone.now()
    lease = timedelta(seconds=_conf("lease_s", 300))
    claimed = OutboxItem.objects.filter(_due(now), pk=item_id).update(
        next_attempt_at=now + lease, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    item = OutboxItem.objects.get(pk=item_id)
    try:
        handler = _handlers[item.topic]
        handler(item.payload)
    except Exception as exc:
        log.exception("outbox %s (%s) failed, try %s", item.topic, item.key, item.attempts)
        error = f"{type(exc).__name__}: {exc}"[:300]
        if item.attempts >= _conf("max_attempts", 10):
            OutboxItem.objects.filter(pk=item_id).update(
                failed_at=timezone.now(), next_attempt_at=None, last_error=error
            )
            return "failed"
        OutboxItem.objects.filter(pk=item_id).update(
            next_attempt_at=timezone.now() + backoff(item.attempts), last_error=error
        )
        return "retrying"
    OutboxItem.objects.filter(pk=item_id).update(
        delivered_at=timezone.now(), next_attempt_at=None, last_error=""
    )
    return "delivered"


def sweep(limit: int = 200) -> int:
    """Periodic: deliver every row that is due (lost nudges, dead workers, retries).
    Returns how many tries ran."""
    now = timezone.now()
    ids = list(
        OutboxItem.objects.filter(_due(now))
        .order_by(F("next_attempt_at").asc(nulls_first=True), "pk")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if deliver(pk) is not None)


def prune(*, older_than: timedelta = timedelta(days=7)) -> int:
    """Delivered rows are only history: drop them after a week."""
    deleted, _ = OutboxItem.objects.filter(delivered_at__lt=timezone.now() - older_than).delete()
    return deleted
