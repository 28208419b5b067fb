"""Events sent from sync code (services after their commit, tasks) reach sockets through
the Redis pub/sub layer by one blocking ``PUBLISH`` (``realtime._SyncPublisher``), not a
thread and event loop per event. It names channel and shard through the layer's own
methods: a socket subscribed through the layer must receive what it publishes, also
with several shards, and a Redis that is gone counts as a lost event (resync later)."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from asgiref.sync import sync_to_async
from channels_redis.pubsub import RedisPubSubChannelLayer

from openjobcenter.messaging import realtime
from tests.messaging.faults import RedisServer, redis_server

__all__ = ["redis_server"]

_prefixes = itertools.count()


def _layer(*urls: str) -> RedisPubSubChannelLayer:
    return RedisPubSubChannelLayer(hosts=list(urls), prefix=f"syncpub{next(_prefixes)}")


async def _received(layer: Any, groups: list[str], event: dict[str, Any]) -> list[Any]:
    channel = await layer.new_channel()
    for group in groups:
        await layer.group_add(group, channel)
    # From a thread without an event loop, as a sync view or a task sends.
    await sync_to_async(realtime._send_through, thread_sensitive=False)(layer, groups, event)
    out = []
    for _ in groups:
        out.append(await asyncio.wait_for(layer.receive(channel), 5))
    await layer.flush()
    return out


def test_a_socket_of_the_layer_receives_the_blocking_publish(redis_server: RedisServer) -> None:
    layer = _layer(redis_server.url)
    assert realtime._sync_publisher(layer) is not None  # the fast path is the one tested
    event = {"type": "home.changed"}
    got = asyncio.run(_received(layer, [realtime.user_group(7)], event))
    assert got == [event]


def test_groups_on_several_shards(redis_server: RedisServer, tmp_path: Any) -> None:
    second = RedisServer(tmp_path / "second")
    (tmp_path / "second").mkdir()
    second.start()
    try:
        layer = _layer(redis_server.url, second.url)
        groups = [realtime.user_group(n) for n in range(1, 9)]
        publisher = realtime._sync_publisher(layer)
        assert publisher is not None
        shards = {
            publisher._names._get_shard(publisher._names._get_group_channel_name(g)) for g in groups
        }
        assert len(shards) == 2  # both shards are used by these groups
        got = asyncio.run(_received(layer, groups, {"type": "queue.changed"}))
        assert got == [{"type": "queue.changed"}] * len(groups)
    finally:
        second.stop()


def test_redis_gone_counts_as_lost(redis_server: RedisServer) -> None:
    layer = _layer(redis_server.url)
    redis_server.stop()
    realtime._take_lost()
    realtime._send_through(layer, [realtime.user_group(5)], {"type": "home.changed"})
    assert (realtime.user_group(5), {"type": "chat.resync", "conversation": None}) in (
        realtime._take_lost()
    )


def test_the_event_loop_publishes_in_batches_in_order(redis_server: RedisServer) -> None:
    """Pushes from the event loop (after a socket's send) go out as pipelines of
    ``PUBLISH``: what several sends push at once all arrives, and one group's events in
    the order pushed (clients resync on a gap in ``prev``)."""
    layer = _layer(redis_server.url)
    group = realtime.conversation_group(3)

    async def run() -> list[Any]:
        assert realtime._batch_publisher(layer) is not None  # the fast path is the one tested
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        other = await layer.new_channel()
        await layer.group_add(realtime.user_group(4), other)
        outboxes: list[list[tuple[list[str], dict[str, Any]]]] = [
            [([group], {"type": "chat.message", "n": n}), ([realtime.user_group(4)], {"n": n})]
            for n in range(30)
        ]
        await asyncio.gather(*(realtime.flush(outbox, layer) for outbox in outboxes))
        got = [await asyncio.wait_for(layer.receive(channel), 5) for _ in range(30)]
        got_other = [await asyncio.wait_for(layer.receive(other), 5) for _ in range(30)]
        await layer.flush()
        return [got, got_other]

    got, got_other = asyncio.run(run())
    assert [e["n"] for e in got] == list(range(30))
    assert [e["n"] for e in got_other] == list(range(30))


def test_redis_gone_from_the_event_loop_counts_as_lost(redis_server: RedisServer) -> None:
    layer = _layer(redis_server.url)
    redis_server.stop()
    realtime._take_lost()
    asyncio.run(realtime.flush([([realtime.user_group(6)], {"type": "home.changed"})], layer))
    assert (realtime.user_group(6), {"type": "chat.resync", "conversation": None}) in (
        realtime._take_lost()
    )


def test_the_queue_bump_goes_with_the_events_before_the_queue_event(
    redis_server: RedisServer, settings: Any, monkeypatch: Any
) -> None:
    """In a socket's send (its events collected), the work queue's version bump is not a
    round trip of the database thread: it goes in the event loop's pipeline with the
    events, before ``queue.changed``, so a start page told by the event reads the new
    version (``realtime.set_along``, ``home.queue_cache._bump``)."""
    from django.core.cache import cache

    from openjobcenter.home import queue_cache

    settings.CACHES = {
        "default": {
            "BACKEND": "openjobcenter.core.cache.SharedRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "setalong",
        }
    }
    layer = _layer(redis_server.url)
    monkeypatch.setattr(realtime, "get_channel_layer", lambda alias="default": layer)
    key = queue_cache.version_key(9, "messaging")
    cache.set(key, "vorher", timeout=None)
    outbox: list[Any] = []

    def after_commit() -> None:  # as the send's commit hook runs in its database thread
        token = realtime._outbox.set(outbox)
        try:
            queue_cache._queue_after_commit(9, {"messaging"})
        finally:
            realtime._outbox.reset(token)

    async def run() -> tuple[Any, Any, Any]:
        channel = await layer.new_channel()
        await layer.group_add(realtime.team_group(9), channel)
        await sync_to_async(after_commit, thread_sensitive=False)()
        untouched = await sync_to_async(cache.get)(key)  # nothing sent from the thread
        await realtime.flush(outbox, layer)
        event = await asyncio.wait_for(layer.receive(channel), 5)
        bumped = await sync_to_async(cache.get)(key)
        await layer.flush()
        return untouched, event, bumped

    untouched, event, bumped = asyncio.run(run())
    assert untouched == "vorher"
    assert event == {"type": "queue.changed"}
    assert isinstance(bumped, str) and bumped != "vorher"


def test_without_the_chat_layers_redis_the_queue_bump_is_set_at_once(
    redis_server: RedisServer, settings: Any, monkeypatch: Any
) -> None:
    """A cache on another server than the layer's (or not Redis): the bump is the
    database thread's own ``SET``, as before."""
    from django.core.cache import cache

    from openjobcenter.home import queue_cache

    settings.CACHES = {
        "default": {
            "BACKEND": "openjobcenter.core.cache.SharedRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "setalong2",
        }
    }
    other = RedisPubSubChannelLayer(hosts=["redis://127.0.0.1:1/0"], prefix="elsewhere")
    monkeypatch.setattr(realtime, "get_channel_layer", lambda alias="default": other)
    key = queue_cache.version_key(9, "documents")
    cache.set(key, "vorher", timeout=None)
    outbox: list[Any] = []
    token = realtime._outbox.set(outbox)
    try:
        queue_cache._bump(9, "documents")
    finally:
        realtime._outbox.reset(token)
    assert outbox == []
    assert cache.get(key) not in (None, "vorher")
