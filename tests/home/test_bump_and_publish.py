"""The home's version bump and its ``home.changed`` event go to Redis in one round trip
when the cache and the chat layer are the same Redis (``home.cache.version_bump_and_publish``,
issue 19): the socket of the layer receives the event, the cache reads the new version
back as ``cache.get`` does, and a Redis that is gone costs a logged warning and a resync
later, never an error after the commit."""

from __future__ import annotations

import asyncio
from typing import Any

from channels.layers import get_channel_layer
from django.core.cache import cache
from django.test import override_settings

from openjobcenter.home import cache as home_cache
from openjobcenter.home import realtime as home_realtime
from openjobcenter.messaging import realtime
from tests.messaging.faults import RedisServer, redis_server

__all__ = ["redis_server"]


def _settings(url: str) -> dict[str, Any]:
    return {
        "CACHES": {
            "default": {"BACKEND": "openjobcenter.core.cache.SharedRedisCache", "LOCATION": url}
        },
        "CHANNEL_LAYERS": {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [url], "prefix": "bumppub"},
            }
        },
    }


async def _told(user_id: int) -> tuple[Any, bool]:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(realtime.user_group(user_id), channel)
    loop = asyncio.get_running_loop()
    done = await loop.run_in_executor(
        None,
        home_cache.version_bump_and_publish,
        user_id,
        realtime.user_group(user_id),
        dict(home_realtime.EVENT),
    )
    event = await asyncio.wait_for(layer.receive(channel), 5)
    await layer.flush()
    return event, done


def test_bump_and_event_in_one_round_trip(redis_server: RedisServer) -> None:
    with override_settings(**_settings(redis_server.url)):
        before = home_cache.current_version(41)
        event, done = asyncio.run(_told(41))
        assert done  # the one-round-trip path, not the fallback
        assert event == {"type": "home.changed"}
        after = cache.get(home_cache.version_key(41))
        assert isinstance(after, str) and after != before
        assert home_cache.current_version(41) == after


def test_redis_gone_is_logged_and_resynced(redis_server: RedisServer, caplog: Any) -> None:
    with override_settings(**_settings(redis_server.url)):
        home_cache.current_version(42)  # connected once
        redis_server.stop()
        realtime._take_lost()
        assert home_cache.version_bump_and_publish(
            42, realtime.user_group(42), dict(home_realtime.EVENT)
        )
        assert "not bumped" in caplog.text
        lost = realtime._take_lost()
        assert (realtime.user_group(42), {"type": "chat.resync", "conversation": None}) in lost


def test_without_redis_the_caller_falls_back() -> None:
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        assert not home_cache.version_bump_and_publish(
            43, realtime.user_group(43), dict(home_realtime.EVENT)
        )


async def _queue_told(jobcenter_id: int) -> tuple[Any, bool]:
    from openjobcenter.home import queue_cache

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(realtime.team_group(jobcenter_id), channel)
    loop = asyncio.get_running_loop()
    done = await loop.run_in_executor(
        None, queue_cache._bump_and_publish, jobcenter_id, ["applications", "documents"]
    )
    event = await asyncio.wait_for(layer.receive(channel), 5)
    await layer.flush()
    return event, done


def test_queue_versions_and_event_in_one_round_trip(redis_server: RedisServer) -> None:
    """The work queue's bumps after a commit (``home.queue_cache._bump_and_publish``): both
    modules get a new version that ``cache.get`` reads back, then ``queue.changed``."""
    from openjobcenter.home import queue_cache

    with override_settings(**_settings(redis_server.url)):
        keys = [queue_cache.version_key(51, m) for m in ("applications", "documents")]
        cache.set_many(dict.fromkeys(keys, "before"), timeout=None)
        event, done = asyncio.run(_queue_told(51))
        assert done
        assert event == {"type": "queue.changed"}
        after = cache.get_many(keys)
        assert all(isinstance(v, str) and v != "before" for v in after.values()), after
        assert len(after) == 2


def test_queue_without_redis_the_caller_falls_back() -> None:
    from openjobcenter.home import queue_cache

    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        assert not queue_cache._bump_and_publish(52, ["applications"])
