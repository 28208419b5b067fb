"""The Redis cache with one client per process.

Django keeps a cache backend per async context: under ASGI every request and every
``sync_to_async`` call of a WebSocket consumer starts with a fresh ``RedisCache``, and
each of those opened its own connection pool, so a new Redis connection (TCP, ``HELLO``,
``CLIENT SETINFO``, and redis-py reading its own package metadata) for nearly every
request and every socket handshake. This backend shares one client, and so one pool, per
process and server list; redis-py's pool is thread-safe.

Django's client also builds a new ``redis.Redis`` object for every operation (about a
millisecond of CPU each: its table of response callbacks); ``ReusingRedisClient`` keeps
one per pool, which is safe as the pool hands out the connections (issue 19: a step save
bumps the home's version twice).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property


class ReusingRedisClient(RedisCacheClient):
    """One ``redis.Redis`` per connection pool instead of one per operation."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._redis: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        this: Any = self  # RedisCacheClient's own attributes, which the type stubs leave out
        index = this._get_connection_pool_index(write)
        client = self._redis.get(index)
        if client is None:
            client = this._client(connection_pool=this._get_connection_pool(index))
            self._redis[index] = client
        return client


class SharedRedisCache(RedisCache):
    _clients: ClassVar[dict[str, Any]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        django: Any = self
        django._class = ReusingRedisClient

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
