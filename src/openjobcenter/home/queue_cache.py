"""The staff work queue's counts in the shared cache, valid until something changes.

Each staff provider (``home/staff_queue.py``) answers with one to three aggregate
queries over tables that grow with the job centre (applications, documents,
conversations, appointments). The start page and its live fragment (polled every 30
seconds by every open start page) need them all, so each provider's answer is kept in
the shared Django cache (Redis in production, the database cache in the embedded
default), per person, as ``home/cache.py`` keeps the customer's home.

- **Version per job centre and module.** ``queue:v:<jobcenter>:<module>`` holds a random
  token. ``queue_changed(jobcenter_id=…, module=…)``, which every service calls that
  changes what that module counts (a filing, a submission, an assignment or status
  change; a document received, checked or linked, a request created or answered, a
  customer's advisor; a message, a read, an assignment or status of a conversation, a
  topic's category; an appointment booked, moved, cancelled, marked or checked in),
  replaces it after the commit (once per transaction, however many changes it makes).
  An entry carries the version it was computed under and counts only while that is
  still the module's version (so an entry computed before the commit, or while the
  change was being committed, is never served afterwards).
  ``tests/home/test_queue_cache.py`` goes through every kind of change.
- **Per person, scope, roles and language.** An entry's key names all four: the "mine"
  counts are the person's own, and what a provider counts depends on the roles'
  permissions. Need-to-know (``restrict``) and the job centre's modules are applied on
  every read, after the cache, so a changed access rule or module counts at once.
- **Time.** Overdue requests and today's check-ins depend on the date: an entry holds
  the local date it was computed on. An item may say when it changes by itself
  (``QueueItem.until``, e.g. the first expected arrival's time); ``MAX_AGE`` bounds the
  rest (a change made outside the services, e.g. in the admin or by a bulk script).
- **One round trip.** All versions and entries are read with one ``get_many``; missing
  entries are computed and written with one ``set_many``.

Best effort: when the cache cannot be reached, the queue is computed directly and a bump
is skipped with a warning; a write never fails because of the cache.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Hashable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache, caches
from django.utils import timezone, translation

from openjobcenter.core.need_to_know import Category
from openjobcenter.core.oncommit import on_commit_once
from openjobcenter.home.realtime import QUEUE_EVENT, queue_event
from openjobcenter.messaging import realtime as chat_realtime

if TYPE_CHECKING:
    from openjobcenter.home.staff_queue import QueueItem, StaffContext, StaffProvider
    from openjobcenter.tenants.models import Jobcenter

log = logging.getLogger(__name__)

MAX_AGE = 120  # seconds: the longest an entry counts without a bump (safety net)
VERSION_PREFIX = "queue:v:"
ENTRY_PREFIX = "queue:e:"
FORMAT = 1  # raise when the entry's layout changes (old entries are then ignored)
# The customer counts read every customer of the job centre (8-50 ms at 49,000, growing
# with it): registering and numbering a customer bump them, so the safety net for
# changes outside the services can be longer than the queue's.
CUSTOMER_COUNTS_MAX_AGE = 900
# Not a module: the start page's customer counts (all, and without a customer number),
# bumped by registering a customer and by assigning a number.
CUSTOMERS = "customers"


def version_key(jobcenter_id: int, module: str) -> str:
    return f"{VERSION_PREFIX}{jobcenter_id}:{module}"


def entry_key(provider: StaffProvider, ctx: StaffContext) -> str:
    lang = translation.get_language() or "de"
    roles = ",".join(sorted(str(r) for r in ctx.roles))
    return (
        f"{ENTRY_PREFIX}{ctx.jobcenter.pk}:{provider.module}:{ctx.user.pk}:{ctx.scope}:"
        f"{lang}:{roles}"
    )


def _bump(jobcenter_id: int, module: str) -> None:
    key, token = version_key(jobcenter_id, module), secrets.token_hex(8)
    if _bump_along(key, token, f"queue version of {jobcenter_id}/{module}"):
        return
    try:
        cache.set(key, token, timeout=None)
    except Exception as exc:  # the cache is down: entries expire by themselves (MAX_AGE)
        log.warning("queue version of %s/%s not bumped: %s", jobcenter_id, module, exc)


def _bump_along(key: str, token: str, what: str) -> bool:
    """In a chat socket's send (its events collected): the ``SET`` goes out with the
    send's events, in the event loop's pipeline, before the ``queue.changed`` event
    collected after it (``messaging.realtime.set_along``); the database thread makes no
    round trip of its own for it (issue 19: one per message). The value as ``cache.set``
    stores it (Django's serializer), so ``cache.get`` reads it back. False when the
    cache is not Redis or not the chat layer's server: then the caller sets it."""
    from openjobcenter.core.cache import redis_client

    try:
        client = redis_client()
    except TypeError:  # the database or local-memory cache
        return False
    backend: Any = caches["default"]
    value = backend._cache._serializer.dumps(token)
    return chat_realtime.set_along(
        client, backend.make_and_validate_key(key), value, what=f"{what} (bump)"
    )


def _queue_after_commit(jobcenter_id: int, modules: set[Hashable]) -> None:
    names = sorted(str(m) for m in modules)
    if _bump_and_publish(jobcenter_id, names):
        return
    for module in names:
        _bump(jobcenter_id, module)
    # Open start pages of the job centre fetch their queue again (after the bumps).
    queue_event(jobcenter_id)


def _bump_and_publish(jobcenter_id: int, modules: list[str]) -> bool:
    """The modules' version bumps and then ``queue.changed`` to the job centre's team
    group in one Redis round trip (issue 19: a submission waited on two after its
    commit, under load each as long as a database statement). False when the cache and
    the chat layer are not the same Redis, or inside a chat socket's send (its events
    collected, ``_bump_along``): then the caller bumps and publishes one after the other.
    Failures are handled as there: a missed bump is logged, a lost event makes the group
    resync later."""
    from openjobcenter.core.cache import redis_client, redis_round_trip

    try:
        client = redis_client()
    except TypeError:  # the database or local-memory cache
        return False
    group = chat_realtime.team_group(jobcenter_id)
    publish = chat_realtime.publish_command(client, group, dict(QUEUE_EVENT))
    if publish is None:
        return False
    backend: Any = caches["default"]
    serializer = backend._cache._serializer
    # The values as ``cache.set`` stores them, so ``cache.get`` reads them back; the SETs
    # first: a page told by the event must find the new versions.
    commands: list[tuple[Any, ...]] = [
        (
            "SET",
            backend.make_and_validate_key(version_key(jobcenter_id, module)),
            serializer.dumps(secrets.token_hex(8)),
        )
        for module in modules
    ]
    try:
        replies = redis_round_trip(client, [*commands, publish])
    except Exception as exc:  # Redis unreachable: nothing is known to have gone out
        log.warning("queue versions of %s not bumped: %s", jobcenter_id, exc)
        chat_realtime.publish_failed(group, exc)
        return True
    for module, reply in zip(modules, replies, strict=False):
        if isinstance(reply, Exception):
            log.warning("queue version of %s/%s not bumped: %s", jobcenter_id, module, reply)
    if isinstance(replies[-1], Exception):
        chat_realtime.publish_failed(group, replies[-1])
    else:
        chat_realtime.publish_done()
    return True


def queue_changed(*, jobcenter_id: int | None, module: str) -> None:
    """What ``module`` counts in the work queue of this job centre changed: bump its
    version after the commit (every entry computed before, from the state before the
    commit or while it was being committed, does not count afterwards) and tell the open
    start pages. Once per transaction and job centre: the modules changed are bumped
    together, then one event (``core.oncommit.on_commit_once``)."""
    if jobcenter_id is None:
        return
    jc = jobcenter_id
    on_commit_once(("queue", jc), lambda modules: _queue_after_commit(jc, modules), module)


def current_version(key: str, found: Any) -> str:
    """The version under ``key`` (``found``: its value as read, or None): set one when
    there is none yet."""
    return _version(key, found)


def _version(key: str, found: Any) -> str:
    if isinstance(found, str):
        return found
    # No version yet (first visit, or evicted): set one; whoever sets it first wins.
    token = secrets.token_hex(8)
    if cache.add(key, token, timeout=None):
        return token
    again = cache.get(key)
    return again if isinstance(again, str) else token


def _item_data(item: QueueItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": str(item.title),
        "count": item.count,
        "oldest": item.oldest,
        "category": item.category.value,
        "url": item.url,
        "module": item.module,
        "urgent": item.urgent,
        "capped": item.capped,
        "until": item.until,
    }


def _item(data: dict[str, Any]) -> QueueItem:
    from openjobcenter.home.staff_queue import QueueItem

    return QueueItem(**{**data, "category": Category(data["category"])})


def _valid_until(items: list[QueueItem], now: datetime) -> datetime:
    """The next local midnight, the first item's ``until`` or ``MAX_AGE``, whichever is
    first."""
    local = timezone.localtime(now)
    midnight = timezone.make_aware(
        datetime.combine(local.date() + timedelta(days=1), datetime.min.time()),
        timezone.get_current_timezone(),
    )
    ends = [midnight, now + timedelta(seconds=MAX_AGE)]
    ends.extend(i.until for i in items if i.until is not None and i.until > now)
    return min(ends)


def _fresh(raw: Any, version: str, now: datetime) -> list[QueueItem] | None:
    if not isinstance(raw, tuple) or len(raw) != 5 or raw[0] != FORMAT:
        return None
    _format, entry_version, day, until, items = raw
    if entry_version != version or day != timezone.localdate(now) or now >= until:
        return None
    return [_item(d) for d in items]


def cached_queue(providers: list[StaffProvider], ctx: StaffContext) -> list[QueueItem]:
    """Every provider's ``queue(ctx)`` (before need-to-know), from the cache where
    nothing has changed."""
    now = timezone.now()
    keys = {
        p.module: (version_key(ctx.jobcenter.pk, p.module), entry_key(p, ctx)) for p in providers
    }
    try:
        found = cache.get_many([k for pair in keys.values() for k in pair])
        versions = {m: _version(vkey, found.get(vkey)) for m, (vkey, _e) in keys.items()}
    except Exception as exc:  # the cache is down: compute, as without a cache
        log.warning("queue cache unavailable: %s", exc)
        return [item for p in providers for item in p.queue(ctx)]
    out: list[QueueItem] = []
    missed: dict[str, Any] = {}
    for provider in providers:
        ekey = keys[provider.module][1]
        items = _fresh(found.get(ekey), versions[provider.module], now)
        if items is None:
            # The version was read before computing: a change committed meanwhile bumps
            # it, and this entry will not count any more.
            items = provider.queue(ctx)
            until = _valid_until(items, now)
            ttl = max(1, int((until - now).total_seconds()) + 1)
            missed[ekey] = (
                (
                    FORMAT,
                    versions[provider.module],
                    timezone.localdate(now),
                    until,
                    [_item_data(i) for i in items],
                ),
                ttl,
            )
        out.extend(items)
    if missed:
        try:
            # set_many takes one timeout; the shortest keeps every entry within its own
            # (``_fresh`` checks each entry's ``until`` on read anyway).
            ttl = min(t for _v, t in missed.values())
            cache.set_many({k: v for k, (v, _t) in missed.items()}, timeout=ttl)
        except Exception as exc:
            log.warning("queue cache unavailable: %s", exc)
    return out


def cached_customer_counts(jobcenter: Jobcenter) -> tuple[int, int]:
    """How many customers the job centre has, and how many of them without a customer
    number (the start page's figures): two counts over every customer, kept until a
    customer registers or gets a number (or ``CUSTOMER_COUNTS_MAX_AGE``)."""
    vkey = version_key(jobcenter.pk, CUSTOMERS)
    ekey = f"{ENTRY_PREFIX}{jobcenter.pk}:{CUSTOMERS}"
    try:
        found = cache.get_many([vkey, ekey])
        version = _version(vkey, found.get(vkey))
    except Exception as exc:
        log.warning("queue cache unavailable: %s", exc)
        return _customer_counts(jobcenter)
    raw = found.get(ekey)
    if isinstance(raw, tuple) and len(raw) == 4 and raw[0] == FORMAT and raw[1] == version:
        return int(raw[2]), int(raw[3])
    counts = _customer_counts(jobcenter)
    try:
        cache.set(ekey, (FORMAT, version, *counts), timeout=CUSTOMER_COUNTS_MAX_AGE)
    except Exception as exc:
        log.warning("queue cache unavailable: %s", exc)
    return counts


def _customer_counts(jobcenter: Jobcenter) -> tuple[int, int]:
    from django.db.models import Count, Q

    from openjobcenter.accounts.models import CustomerProfile

    found = CustomerProfile.objects.filter(jobcenter=jobcenter).aggregate(
        n=Count("pk"), without=Count("pk", filter=Q(customer_number__isnull=True))
    )
    return int(found["n"]), int(found["without"])
