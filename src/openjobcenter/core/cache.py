"""The Redis cache with one client per process.

Django keeps a cache backend per async context: under ASGI every request and every
``sync_to_async`` call of a WebSocket consumer starts with a fresh ``RedisCache``, and
each of those opened its own connection pool, so a new Redis connection (TCP, ``HELLO``,
``CLIENT SETINFO``, and redis-py reading its own package metadata) for nearly every
request and every socket handshake. This backend shares one client, and so one pool, per
process and server list; redis-py's pool is thread-safe.

Every backend the settings name counts its look-ups as hits or misses
(``ojc_cache_gets_total``, core.metrics).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from django.core.cache import BaseCache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property

from openjobcenter.core.metrics import CACHE_GETS

_MISSING = object()
_HIT = CACHE_GETS.labels("hit")
_MISS = CACHE_GETS.labels("miss")


class CountingCacheMixin:
    """``get`` counted as a hit or a miss (a stored ``None`` is a hit)."""

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        value = super().get(key, _MISSING, version)  # type: ignore[misc]
        if value is _MISSING:
            _MISS.inc()
            return default
        _HIT.inc()
        return value


class CountingDatabaseCache(CountingCacheMixin, DatabaseCache):
    """The embedded default's cache (shared by web server and worker through SQLite)."""


class CountingLocMemCache(CountingCacheMixin, LocMemCache):
    """The tests' cache without Redis."""


class SharedRedisCacheClient(RedisCacheClient):
    """Django's client built a new ``redis.Redis`` (and its table of ~170 response
    callbacks) for every cache call: about a fifth of a cached tenant page's CPU
    (bench/http_baseline.py). One per connection pool is enough: ``redis.Redis`` is
    thread-safe and holds no state besides its pool."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._redis_clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        django: Any = self
        pool = django._get_connection_pool(write)
        client = self._redis_clients.get(id(pool))
        if client is None:
            client = self._redis_clients[id(pool)] = django._client(connection_pool=pool)
        return client


class SharedRedisCache(CountingCacheMixin, RedisCache):
    _clients: ClassVar[dict[str, Any]] = {}

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = SharedRedisCacheClient

    _lock: ClassVar[threading.Lock] = threading.Lock()

    @cached_property
    def _cache(self) -> Any:
        django: Any = self  # RedisCache's own attributes, which the type stubs leave out
        key = repr((django._servers, sorted(django._options.items())))
        client = self._clients.get(key)
        if client is None:
            with self._lock:
                client = self._clients.get(key)
                if client is None:
                    client = django._class(django._servers, **django._options)
                    self._clients[key] = client
        return client

    def redis(self) -> Any:
        """The process's ``redis.Redis`` for this cache's (write) server, for what Django's
        cache API has no call for (lists, ``SCAN``). Keys given to it are raw: build them
        with ``make_key`` to stay inside this cache's ``KEY_PREFIX``."""
        return self._cache.get_client(write=True)


def redis_client(backend: BaseCache | None = None) -> Any:
    """The ``redis.Redis`` behind ``backend`` (this thread's default cache unless given);
    ``TypeError`` when that cache is not Redis (the embedded default's database cache)."""
    chosen = caches["default"] if backend is None else backend
    if not isinstance(chosen, SharedRedisCache):
        raise TypeError(f"the cache is not Redis but {type(chosen).__name__}")
    return chosen.redis()


def redis_round_trip(client: Any, commands: list[tuple[Any, ...]]) -> list[Any]:
    """Send ``commands`` to ``client``'s server in one round trip, without a pipeline
    object (redis-py's pipeline costs about as much CPU as the round trip it saves, issue
    19), and return each reply or, for a command Redis refused, its error. A broken
    connection raises (``redis.ConnectionError``/``TimeoutError``): then no reply is
    known, and the connection is dropped rather than reused half read."""
    from redis.exceptions import ResponseError

    pool = client.connection_pool
    conn = pool.get_connection()
    replies: list[Any] = []
    try:
        conn.send_packed_command(conn.pack_commands(commands))
        for _command in commands:
            try:
                replies.append(conn.read_response())
            except ResponseError as exc:
                replies.append(exc)
    except BaseException:
        conn.disconnect()
        raise
    finally:
        pool.release(conn)
    return replies
