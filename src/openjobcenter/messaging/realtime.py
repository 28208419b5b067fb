"""Pushing chat events through the Channels layer, after the database commit.

Groups are per conversation (``chat.c.<id>``: every open chat window on it) and per
person (``chat.u.<user id>``: list pages, unread badges); never one global group, so a
node only receives what its own connections need.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextvars import ContextVar
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from asgiref.sync import async_to_sync
from channels.db import DatabaseSyncToAsync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from openjobcenter.messaging.batch_publish import BatchPublisher as _BatchPublisher
from openjobcenter.messaging.batch_publish import Command as _Command
from openjobcenter.messaging.db_thread import ChatDatabaseCall
from openjobcenter.messaging.notices import message_text

if TYPE_CHECKING:
    from openjobcenter.messaging.models import Message

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Set by the WebSocket consumer around its database work: events committed meanwhile
# are collected and sent from the event loop afterwards, instead of each push crossing
# from the worker thread into the loop (or, outside a server, starting its own loop).
_outbox: ContextVar[list[Any] | None] = ContextVar("chat_outbox", default=None)


def conversation_group(conversation_id: int) -> str:
    return f"chat.c.{conversation_id}"


def user_group(user_id: int) -> str:
    return f"chat.u.{user_id}"


def team_group(jobcenter_id: int) -> str:
    """One job centre's team inboxes (staff sockets with ``messaging.use``): only
    "something changed" hints about team conversations, never content."""
    return f"chat.t.{jobcenter_id}"


def message_data(message: Message, *, attachment_url: str = "") -> dict[str, Any]:
    """A message as clients get it (WebSocket, API, long polling): plain text only."""
    author = message.author
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "side": message.side,
        "author": (author.get_full_name() or "")
        if author is not None and message.side == "staff"
        else "",
        # Written in the customer's name by their representative (mandates): both sides
        # see who.
        "representative": message.representative.display_name
        if message.representative_id is not None and message.representative is not None
        else "",
        # A notice in the active language; the socket words it in its reader's.
        "body": message_text(message),
        "notice": message.notice or None,
        "client_id": message.client_id,
        "created_at": message.created_at.isoformat(),
        "attachment": (
            {
                "name": message.attachment_name,
                "size": message.attachment_size,
                "url": attachment_url,
            }
            if message.has_attachment
            else None
        ),
    }


def message_event(message: Message, prev: int | None) -> dict[str, Any]:
    """The ``chat.message`` group event. ``attachment_categories``: the categories of an
    attached document (need-to-know, ``attachment_access``); the consumer decides with
    them per staff socket and never forwards them."""
    event: dict[str, Any] = {"type": "chat.message", "message": message_data(message), "prev": prev}
    if message.has_attachment:
        from openjobcenter.messaging.attachment_access import event_categories

        event["attachment_categories"] = event_categories(message)
    return event


# Groups whose events this process failed to publish (Redis down): once a publish gets
# through again they are sent ``chat.resync``, and their sockets fetch what they missed
# by cursor. A set, so a long outage costs one entry per group, not one per event.
_lost_groups: set[str] = set()
_lost_lock = threading.Lock()


def _note_lost(group: str, exc: Exception) -> None:
    from openjobcenter.messaging import layerwatch

    with _lost_lock:
        first = not _lost_groups
        _lost_groups.add(group)
    if first:
        logger.warning("chat push failed (%s); its groups will be told to resync", exc)
    layerwatch.note_lost()


def _take_lost() -> list[tuple[str, dict[str, Any]]]:
    """The ``chat.resync`` events owed to groups whose events were lost (and forget them)."""
    with _lost_lock:
        groups = sorted(_lost_groups)
        _lost_groups.clear()
    prefix = conversation_group(0)[:-1]
    return [
        (
            group,
            {
                "type": "chat.resync",
                "conversation": int(group[len(prefix) :]) if group.startswith(prefix) else None,
            },
        )
        for group in groups
    ]


class _SyncPublisher:
    """``group_send`` of the Redis pub/sub layer as one blocking ``PUBLISH``.

    Outside an event loop (a service called from a sync view, a task in the worker),
    ``async_to_sync(layer.group_send)`` starts a thread and an event loop for every event,
    and the layer opens a new Redis connection for each new loop: about 2 ms of CPU per
    event, half of a step save's (issue 19). The layer's group send is only a ``PUBLISH``
    of the serialised event on the group's channel of the group's shard; this does the
    same with a pooled blocking client, naming channel and shard through the layer's own
    methods (``tests/messaging/test_sync_publish.py`` checks that a socket subscribed
    through the layer receives it). Layers of other kinds keep ``async_to_sync``.
    """

    def __init__(self, layer: Any) -> None:
        import redis
        from channels_redis.pubsub import RedisPubSubLoopLayer

        # Holds no connection: only its channel naming and shard hashing are used.
        self._names = RedisPubSubLoopLayer(*layer._args, **layer._kwargs, channel_layer=layer)
        self._serialize = layer.serialize
        self._clients: list[Any] = []
        # (address, options) per shard, for the event loop's clients (``_BatchPublisher``).
        self.hosts: list[tuple[str | None, dict[str, Any]]] = []
        for shard in self._names._shards:
            host = dict(shard.host)
            if "master_name" in host:
                raise ValueError("sentinel hosts: sent through the layer itself")
            address = host.pop("address", None)
            # A Redis that hangs must not hold the committing request for long: the event
            # then counts as lost and its group resyncs (``_note_lost``).
            host.setdefault("socket_timeout", 2.0)
            host.setdefault("socket_connect_timeout", 2.0)
            self.hosts.append((address, host))
            self._clients.append(
                redis.Redis.from_url(address, **host) if address else redis.Redis(**host)
            )

    def message(self, group: str, event: dict[str, Any]) -> tuple[Any, str, bytes]:
        """The client of the group's shard, the group's channel and the serialised event."""
        channel = self._names._get_group_channel_name(group)
        shard = self._names._shards.index(self._names._get_shard(channel))
        return self._clients[shard], channel, self._serialize(event)

    def publish(self, group: str, event: dict[str, Any]) -> None:
        client, channel, payload = self.message(group, event)
        client.publish(channel, payload)


_publishers: dict[int, tuple[Any, _SyncPublisher | None]] = {}


def _sync_publisher(layer: Any) -> _SyncPublisher | None:
    """The blocking publisher for ``layer`` (one per layer and process), or None."""
    found = _publishers.get(id(layer))
    if found is not None and found[0] is layer:
        return found[1]
    from channels_redis.pubsub import RedisPubSubChannelLayer

    publisher: _SyncPublisher | None = None
    if type(layer) is RedisPubSubChannelLayer:
        try:
            publisher = _SyncPublisher(layer)
        except Exception as exc:  # an unusual host configuration: the layer's own way
            logger.info("chat events through async_to_sync: %s", exc)
    _publishers[id(layer)] = (layer, publisher)
    return publisher


def _send(groups: list[str], event: dict[str, Any]) -> None:
    outbox = _outbox.get()
    if outbox is not None:
        outbox.append((groups, event))
        return
    layer = get_channel_layer()
    if layer is not None:
        _send_through(layer, groups, event)


def _send_through(layer: Any, groups: list[str], event: dict[str, Any]) -> None:
    publisher = _sync_publisher(layer)
    send = publisher.publish if publisher is not None else async_to_sync(layer.group_send)
    delivered = False
    for group in groups:
        try:
            send(group, event)
            delivered = True
        except Exception as exc:  # a layer hiccup must not undo a stored message
            _note_lost(group, exc)
    if (delivered or not groups) and _lost_groups:
        for group, resync in _take_lost():
            try:
                send(group, resync)
            except Exception as exc:
                _note_lost(group, exc)


def _redis_target(client: Any) -> tuple[Any, ...]:
    kwargs = client.connection_pool.connection_kwargs
    return (kwargs.get("host"), kwargs.get("port"), kwargs.get("path"), kwargs.get("db", 0))


def publish_command(client: Any, group: str, event: dict[str, Any]) -> tuple[Any, ...] | None:
    """The ``PUBLISH`` command of ``event`` to ``group`` when the chat layer publishes
    through the same Redis server as the blocking ``client``, for the caller to send with
    its own commands in one round trip (``home.cache.version_bump_and_publish``; issue
    19); None otherwise (then ``push_now``). The caller reports the outcome with
    ``publish_failed`` or ``publish_done``."""
    if _outbox.get() is not None:
        return None
    layer = get_channel_layer()
    publisher = _sync_publisher(layer) if layer is not None else None
    if publisher is None:
        return None
    shard_client, channel, payload = publisher.message(group, event)
    if _redis_target(shard_client) != _redis_target(client):
        return None
    return ("PUBLISH", channel, payload)


def publish_failed(group: str, exc: Exception) -> None:
    """The ``PUBLISH`` of ``publish_command`` failed: the group resyncs later."""
    _note_lost(group, exc)


def publish_done() -> None:
    """The ``PUBLISH`` of ``publish_command`` went out: the layer works, so groups
    whose events were lost earlier are told to resync now (as ``push_now`` does)."""
    if _lost_groups:
        layer = get_channel_layer()
        if layer is not None:
            _send_through(layer, [], {})


def set_along(client: Any, key: str, value: bytes, *, what: str) -> bool:
    """Inside a chat socket's database call (``run_and_push``, its events collected):
    collect ``SET key value`` for ``client``'s server (no expiry) to go out from the event
    loop in the pipeline that carries the call's events, before the events collected after
    it; the database thread makes no round trip for it (issue 19: the work queue's version
    bump of every message, ``home.queue_cache``). Only when that server is the chat layer's
    (``publish_command``'s test); False otherwise: then the caller sets it itself. A
    failure is logged naming ``what``, as the caller's own ``SET`` would be."""
    outbox = _outbox.get()
    if outbox is None:
        return False
    layer = get_channel_layer()
    publisher = _sync_publisher(layer) if layer is not None else None
    if publisher is None:
        return False
    target = _redis_target(client)
    for shard, shard_client in enumerate(publisher._clients):
        if _redis_target(shard_client) == target:
            outbox.append(_Command(shard, ("SET", key, value), what))
            return True
    return False


def close_session_sockets(user_id: int, session_tag: str) -> None:
    """After a logout: the sockets that this session opened close themselves (the
    person's other devices stay connected)."""
    push_after_commit([user_group(user_id)], {"type": "chat.session_ended", "session": session_tag})


def push_after_commit(groups: list[str], event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: _send(groups, event))


def push_now(groups: list[str], event: dict[str, Any]) -> None:
    """Send at once: for an after-commit callback that coalesces its own events
    (``home.realtime``)."""
    _send(groups, event)


# Per event loop (a redis.asyncio client belongs to the loop it was made in).
_batch_publishers: dict[int, tuple[Any, Any, _BatchPublisher]] = {}


def _batch_publisher(layer: Any) -> _BatchPublisher | None:
    import asyncio

    loop = asyncio.get_running_loop()
    found = _batch_publishers.get(id(loop))
    if found is not None and found[0] is loop and found[1] is layer:
        return found[2]
    names = _sync_publisher(layer)
    if names is None:
        return None
    for key, (other, _layer, _publisher) in list(_batch_publishers.items()):
        if other.is_closed():  # a finished loop (tests, ``async_to_sync``): let it go
            del _batch_publishers[key]
    publisher = _BatchPublisher(names)
    _batch_publishers[id(loop)] = (loop, layer, publisher)
    return publisher


def _command_failed(command: _Command, exc: BaseException) -> None:
    logger.warning("%s not set: %s", command.what, exc)


async def _send_command(command: _Command) -> None:
    """A collected command without the batch publisher: its own round trip, from a
    worker thread (the event loop does not wait on a blocking client)."""
    from asgiref.sync import sync_to_async

    layer = get_channel_layer()
    names = _sync_publisher(layer) if layer is not None else None
    if names is None:  # pragma: no cover - set_along checked it
        return
    client = names._clients[command.shard]
    try:
        await sync_to_async(client.execute_command, thread_sensitive=False)(*command.args)
    except Exception as exc:
        _command_failed(command, exc)


async def flush(outbox: list[Any], layer: Any = None) -> None:
    """Send the events a database call committed (``run_and_push``), through ``layer``
    (the configured one unless given), with the commands collected among them
    (``set_along``), in order."""
    layer = layer if layer is not None else get_channel_layer()
    if layer is None:
        return
    publisher = _batch_publisher(layer)
    if publisher is not None:
        items: list[tuple[str, dict[str, Any]] | _Command] = []
        for found in outbox:
            if isinstance(found, _Command):
                items.append(found)
            else:
                items.extend((group, found[1]) for group in found[0])
        if not items:
            return
        errors = await publisher.publish(items)
        for item, error in zip(items, errors, strict=True):
            if error is None:
                continue
            if isinstance(item, _Command):
                _command_failed(item, error)
            else:
                _note_lost(item[0], error)
        if _lost_groups and any(
            error is None
            for item, error in zip(items, errors, strict=True)
            if not isinstance(item, _Command)
        ):
            await send_lost_resyncs()
        return
    delivered = False
    for found in outbox:
        if isinstance(found, _Command):
            await _send_command(found)
            continue
        groups, event = found
        for group in groups:
            try:
                await layer.group_send(group, event)
                delivered = True
            except Exception as exc:  # as above: the group is told to resync later
                _note_lost(group, exc)
    if delivered and _lost_groups:
        await send_lost_resyncs()


async def send_lost_resyncs() -> None:
    """Tell the groups whose events were lost to resync (the layer works again)."""
    layer = get_channel_layer()
    if layer is None:
        return
    for group, resync in _take_lost():
        try:
            await layer.group_send(group, resync)
        except Exception as exc:
            _note_lost(group, exc)


@cache
def _db_executor() -> ThreadPoolExecutor | None:
    """The chat's own database threads (``MESSAGING["db_threads"]``), one pool per
    process; None: Channels' one shared thread."""
    threads = int(settings.MESSAGING["db_threads"])
    if threads <= 0:
        return None
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix="chat-db")


async def run_and_push(func: Callable[..., T], *args: Any) -> T:
    """Run ``func`` (database work, in the worker thread) and then send the events it
    committed, from the event loop."""
    outbox: list[Any] = []
    token = _outbox.set(outbox)
    try:
        executor = _db_executor()
        if executor is None:
            result: T = await DatabaseSyncToAsync(func)(*args)
        else:
            # Its threads keep their connection between messages (``db_thread``).
            result = await ChatDatabaseCall(func, thread_sensitive=False, executor=executor)(*args)
    finally:
        _outbox.reset(token)
        await flush(outbox)
    return result
