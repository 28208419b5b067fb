"""A Redis server of a test module's own, as the cache, when the run has no Redis as its
cache (the SQLite pass): code that only runs with Redis is tested in both passes, and
coverage (measured on the SQLite pass) sees it. In the PostgreSQL pass the run's Redis is
used as it is. The server is ``conftest.own_redis`` (module-scoped)."""

from __future__ import annotations

from typing import Any

from openjobcenter.core.cache import redis_client
from tests.messaging.faults import RedisServer


def use_as_cache(server: RedisServer | None, settings: Any, prefix: str) -> None:
    """Make ``server`` the cache for this test (nothing to do without one), emptied."""
    if server is None:
        return
    settings.CACHES = {
        "default": {
            "BACKEND": "openjobcenter.core.cache.SharedRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": prefix,
        }
    }
    redis_client().flushdb()  # the server is this module's alone
