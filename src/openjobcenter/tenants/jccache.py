"""Job centres resolved from a per-process cache, kept right on every node.

Every tenant request needs its job centre (slug from the path, or the host name). Reading
it from the database each time cost about a sixth of a tenant page's CPU
(bench/http_baseline.py). Each process therefore keeps the rows it has read, tagged with a
*version* that lives in the shared cache (Redis in production). With Redis each process
hears every new version on a channel (``jcwatch.py``) and compares with that; otherwise,
and while it is not listening, one cheap ``GET`` per request asks. Any write to a job centre (``Jobcenter.save``/``delete``, and
``update``/``delete`` on its query sets) sets a new version, immediately and again once the
transaction commits, so the next request on every node reads the row afresh: a change of
branding or modules shows at once everywhere. (The immediate bump alone could let another
node cache the row read before the commit under the new version; the second one clears
that.)

Each request gets its own model instance built from the cached values, so nothing a view
does to ``request.jobcenter`` leaks into other requests. When the shared cache cannot be
reached the lookup goes to the database, as before.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.cache import cache
from django.db import transaction

from openjobcenter.tenants import jcwatch

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

__all__ = [
    "bump_version",
    "cached_by_host",
    "cached_by_slug",
    "current_version",
    "derived",
    "reset_local",
    "version_of",
]

logger = logging.getLogger(__name__)

VERSION_KEY = "tenants:jobcenters:version"
# Bounds the copies per kind: unknown slugs are not kept, hosts are limited by ALLOWED_HOSTS.
MAX_ENTRIES = 1000

_lock = threading.Lock()
_state: dict[str, Any] = {"version": None, "slug": {}, "host": {}}
# What ``derived`` keeps: (kind, job centre id) -> (version, value).
_derived: dict[tuple[str, int], tuple[str, Any]] = {}
_T = TypeVar("_T")


def reset_local() -> None:
    """Forget this process's copies (the next lookup reads the database)."""
    with _lock:
        _state.update(version=None, slug={}, host={})
        _derived.clear()


def _set_new_version() -> None:
    version = uuid.uuid4().hex
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception:  # the cache is down: nobody can use a stale copy without it either
        logger.warning("job centre cache version not bumped", exc_info=True)
    else:
        jcwatch.announce(version)  # every process hears it (Redis), this one at once
    reset_local()


def bump_version() -> None:
    """A job centre changed: every process reads it afresh on its next request."""
    _set_new_version()
    transaction.on_commit(_set_new_version)


def _read_shared_version() -> str | None:
    """The version in the shared cache, a new one if there is none; raises when the cache
    cannot be reached."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return str(version) if version is not None else None


def _current_version() -> str | None:
    # Heard from the channel (Redis: no round trip), else asked (jcwatch).
    heard, seq = jcwatch.heard_version(_read_shared_version)
    if heard is not None:
        return heard
    try:
        version = _read_shared_version()
    except Exception:
        logger.warning("job centre cache unavailable, reading the database", exc_info=True)
        return None
    if version is not None:
        jcwatch.offer(version, seq)
    return version


def current_version() -> str | None:
    """The shared version now (None: the shared cache is unreachable). Other per-process
    copies of rarely changed rows key on it too (``handoff/configcache.py``)."""
    return _current_version()


def _field_names() -> list[str]:
    from openjobcenter.tenants.models import Jobcenter

    return [f.attname for f in Jobcenter._meta.concrete_fields]


# The version an instance was read under, kept on it: what is derived from the job centre
# (and its offices, which bump the version too) can be cached under the same version.
_VERSION_ATTR = "_jccache_version"


def _build(values: tuple[Any, ...] | None, version: str | None) -> Jobcenter | None:
    if values is None:
        return None
    from openjobcenter.tenants.models import Jobcenter

    jobcenter = Jobcenter.from_db("default", _field_names(), list(values))
    setattr(jobcenter, _VERSION_ATTR, version)
    return jobcenter


def version_of(jobcenter: Jobcenter) -> str | None:
    """The shared version ``jobcenter`` was read under (None: not from this cache, or the
    shared cache was unreachable). Anything derived from the job centre or its offices
    may be kept per process under it: every change of either sets a new version."""
    version = getattr(jobcenter, _VERSION_ATTR, None)
    return version if isinstance(version, str) else None


def _lookup(kind: str, key: str) -> Jobcenter | None:
    from openjobcenter.tenants.models import Jobcenter

    version = _current_version()
    if version is not None:
        with _lock:
            if _state["version"] != version:
                _state.update(version=version, slug={}, host={})
            table: dict[str, tuple[Any, ...] | None] = _state[kind]
            if key in table:
                return _build(table[key], version)
    field = "slug" if kind == "slug" else "host"
    row = (
        Jobcenter.objects.filter(is_active=True, **{field: key})
        .values_list(*_field_names())
        .first()
    )
    if version is not None:
        with _lock:
            table = _state[kind]
            if _state["version"] == version and (row is not None or kind == "host"):
                if len(table) >= MAX_ENTRIES:
                    table.clear()
                table[key] = row
    return _build(row, version)


def cached_by_slug(slug: str) -> Jobcenter | None:
    """The active job centre with this slug, or None."""
    return _lookup("slug", slug)


def cached_by_host(host: str) -> Jobcenter | None:
    """The active job centre with its own host name ``host``, or None."""
    return _lookup("host", host)


def derived(kind: str, jobcenter: Jobcenter, read: Callable[[Jobcenter], _T]) -> _T:
    """``read(jobcenter)``, kept in this process under the version ``jobcenter`` was read
    under (``version_of``): for a job centre's rarely changed rows whose every write sets
    a new version (``tenants.models.VersionBumpingQuerySet`` and the model's ``save`` and
    ``delete``), e.g. its BundID switch or its access rules, which every page of a kind
    asked the database for. ``kind`` names what is kept; the value is shared by every
    request of the process and must not be changed by the caller. A job centre not read
    through this cache (or while the shared cache is away) is read afresh each time."""
    version = version_of(jobcenter)
    if version is None or jobcenter.pk is None:
        return read(jobcenter)
    key = (kind, int(jobcenter.pk))
    with _lock:
        found = _derived.get(key)
    if found is not None and found[0] == version:
        value: _T = found[1]
        return value
    value = read(jobcenter)
    with _lock:
        if len(_derived) >= MAX_ENTRIES:
            _derived.clear()
        _derived[key] = (version, value)
    return value
