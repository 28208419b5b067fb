"""The customer's computed home in the shared cache, valid until something changes.

Computing the home asks every provider (about ten queries); the home page, its
fragment and the navigation badge of every customer page need it. So it is kept in
the shared Django cache (Redis in production, the database cache in the embedded
default), not in the process: every node sees the same entry and the same version.

- **Version.** Each person has a version token (``home:v:<user id>``, a random value,
  no expiry). ``version_bump`` replaces it; ``realtime.home_changed``, which every
  service calls that changes what a home shows, bumps it at once and again after the
  commit. An entry carries the version it was computed under and counts only while
  that is still the person's version, so a home computed while a change was being
  committed is never served afterwards.
- **One round trip.** The version and the entry are read together (``get_many``); a
  warm home costs one cache read and no SQL (the database cache: one query).
- **Time.** Urgency ("today", "overdue", "soon") and appointments that end are
  time-dependent: an entry holds the job centre's local date it was computed on and
  the moment its first item runs out (``HomeItem.until``, e.g. an appointment's end);
  on another date or after that moment it is computed again. ``MAX_AGE`` bounds the
  rest (a change made outside the services, e.g. in the admin).
- **No leaks.** The entry's key names the customer, the job centre and the language
  (the texts are translated and the dates formatted when computed); the entry also
  records the modules the job centre offered, and a change of those recomputes.

Best effort: when the cache cannot be reached (Redis down), the home is computed
directly and a bump is skipped with a warning; a write (a chat message, a booking)
never fails because of the cache.

Cached: only plain data (strings, numbers, dates), never lazy objects or model
instances; ``HomeItem`` objects are made again from it on read.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.cache import cache, caches
from django.utils import timezone, translation

from openjobcenter.core.cache import redis_client, redis_round_trip
from openjobcenter.home.registry import Home, HomeItem, HomeSection, Urgency, customer_home
from openjobcenter.messaging import realtime as chat_realtime

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile

log = logging.getLogger(__name__)

MAX_AGE = 15 * 60  # seconds: the longest an entry counts without a bump
VERSION_PREFIX = "home:v:"
ENTRY_PREFIX = "home:e:"
FORMAT = 1  # raise when the entry's layout changes (old entries are then ignored)


def version_key(user_id: int) -> str:
    return f"{VERSION_PREFIX}{user_id}"


def entry_key(customer: CustomerProfile, language: str | None = None) -> str:
    lang = language or translation.get_language() or "de"
    return f"{ENTRY_PREFIX}{customer.jobcenter_id}:{customer.pk}:{lang}"


def version_bump(user_id: int | None) -> None:
    """What waits for this person changed: every entry of theirs is out of date."""
    if user_id is None:
        return
    try:
        cache.set(version_key(user_id), secrets.token_hex(8), timeout=None)
    except Exception as exc:  # the cache is down: entries expire by themselves (MAX_AGE)
        log.warning("home version of user %s not bumped: %s", user_id, exc)


def version_bump_and_publish(user_id: int, group: str, event: dict[str, Any]) -> bool:
    """``version_bump`` and the chat layer's ``PUBLISH`` of ``event`` to ``group`` in one
    Redis round trip, bump first (a page told by the event must find the new version).
    False when the cache and the layer are not the same Redis (then the caller bumps
    and publishes one after the other). Each failure is handled as in the separate
    calls: a missed bump is logged, a lost event makes the group resync later."""
    try:
        client = redis_client()
    except TypeError:  # the database or local-memory cache
        return False
    publish = chat_realtime.publish_command(client, group, event)
    if publish is None:
        return False
    backend: Any = caches["default"]
    key = backend.make_and_validate_key(version_key(user_id))
    # The value as ``cache.set`` stores it (Django's serializer), so ``cache.get`` reads
    # it back. The SET goes first: a page told by the event must find the new version.
    value = backend._cache._serializer.dumps(secrets.token_hex(8))
    try:
        bumped, published = redis_round_trip(client, [("SET", key, value), publish])
    except Exception as exc:  # Redis unreachable: neither is known to have gone out
        log.warning("home version of user %s not bumped: %s", user_id, exc)
        chat_realtime.publish_failed(group, exc)
        return True
    if isinstance(bumped, Exception):
        log.warning("home version of user %s not bumped: %s", user_id, bumped)
    if isinstance(published, Exception):
        chat_realtime.publish_failed(group, published)
    else:
        chat_realtime.publish_done()
    return True


def current_version(user_id: int) -> str:
    return _version(user_id, cache.get(version_key(user_id)))


def _version(user_id: int, found: Any) -> str:
    if isinstance(found, str):
        return found
    # No version yet (first visit, or evicted): set one; whoever sets it first wins.
    token = secrets.token_hex(8)
    if cache.add(version_key(user_id), token, timeout=None):
        return token
    again = cache.get(version_key(user_id))
    return again if isinstance(again, str) else token


def _item_data(item: HomeItem) -> dict[str, Any]:
    return {
        "kind": item.kind,
        "title": str(item.title),
        "detail": str(item.detail),
        "url": item.url,
        "action": str(item.action),
        "urgency": int(item.urgency),
        "due": item.due,
        "count": item.count,
        "source": str(item.source),
        "post": item.post,
        "until": item.until,
    }


def _item(data: dict[str, Any]) -> HomeItem:
    return HomeItem(**{**data, "urgency": Urgency(data["urgency"])})


def _modules(customer: CustomerProfile) -> list[str]:
    return sorted(customer.jobcenter.enabled_modules or [])


@dataclass(frozen=True, slots=True)
class _Entry:
    version: str
    day: date
    until: datetime
    modules: list[str]
    sections: list[tuple[str, str, list[dict[str, Any]]]]

    def fresh(self, version: str, modules: list[str], now: datetime) -> bool:
        return (
            self.version == version
            and self.modules == modules
            and self.day == timezone.localdate(now)
            and now < self.until
        )

    def home(self) -> Home:
        return Home(
            [
                HomeSection(key, module, [_item(d) for d in items])
                for key, module, items in self.sections
            ]
        )


def _valid_until(home: Home, now: datetime) -> datetime:
    """The next local midnight, the first item's ``until`` or ``MAX_AGE``, whichever is
    first."""
    local = timezone.localtime(now)
    midnight = timezone.make_aware(
        datetime.combine(local.date() + timedelta(days=1), datetime.min.time()),
        timezone.get_current_timezone(),
    )
    ends = [midnight, now + timedelta(seconds=MAX_AGE)]
    ends.extend(
        item.until
        for section in home.sections
        for item in section.items
        if item.until is not None and item.until > now
    )
    return min(ends)


def _pack(entry: _Entry) -> tuple[Any, ...]:
    return (FORMAT, entry.version, entry.day, entry.until, entry.modules, entry.sections)


def _unpack(raw: Any) -> _Entry | None:
    if not isinstance(raw, tuple) or len(raw) != 6 or raw[0] != FORMAT:
        return None
    _format, version, day, until, modules, sections = raw
    return _Entry(version, day, until, modules, sections)


def cached_customer_home(customer: CustomerProfile) -> Home:
    """``registry.customer_home(customer)``, from the cache when nothing has changed."""
    now = timezone.now()
    vkey, ekey = version_key(customer.user_id), entry_key(customer)
    try:
        found = cache.get_many([vkey, ekey])
        version = _version(customer.user_id, found.get(vkey))
    except Exception as exc:  # the cache is down: compute, as without a cache
        log.warning("home cache unavailable: %s", exc)
        return customer_home(customer)
    modules = _modules(customer)
    entry = _unpack(found.get(ekey))
    if entry is not None and entry.fresh(version, modules, now):
        return entry.home()
    # The version was read before computing: a change committed meanwhile bumps it,
    # and this entry will not count any more.
    home = customer_home(customer)
    until = _valid_until(home, now)
    entry = _Entry(
        version=version,
        day=timezone.localdate(now),
        until=until,
        modules=modules,
        sections=[(s.key, s.module, [_item_data(i) for i in s.items]) for s in home.sections],
    )
    try:
        cache.set(ekey, _pack(entry), timeout=max(1, int((until - now).total_seconds()) + 1))
    except Exception as exc:
        log.warning("home cache unavailable: %s", exc)
    return entry.home()
