"""Knowing when the channel layer lost chat events, and telling the chat clients.

Delivery over the channel layer is best-effort (DESIGN §7): a message is stored and
confirmed first, and its push can be lost when Redis blinks. Two things lose pushes,
and neither is visible to the sockets that miss them:

- a publish fails (Redis down): the process that stored the message knows
  (``realtime`` records the groups whose events were lost);
- a receiving process's subscription is gone: channels_redis's receive task logs the
  broken connection and redis-py subscribes again when Redis is back, but whatever was
  published meanwhile (also in the second or so after Redis returns, before the
  subscription is restored) is silently gone.

So every app process with chat sockets sends itself a numbered heartbeat through the
layer every ``MESSAGING["layer_check_ms"]`` on a channel of its own (one publish; it
travels the same connection as the chat groups). A heartbeat whose publish fails, or a
gap in the numbers that arrive, means events may have been lost; as soon as a later
heartbeat gets through (publishing and subscription work again) the process tells each
of its chat sockets ``resync`` and tells the groups whose events it failed to publish
(``chat.resync``). Clients then fetch what they missed by cursor from the database
(``docs/websocket-protocol.md``). A slow heartbeat alone (a busy process) triggers
nothing: only a lost one does.

One watch per event loop (uvicorn has one), started by the first chat socket and
stopped with the last. Nothing to watch with the in-memory layer (one process, nothing
can be lost).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings

logger = logging.getLogger(__name__)

HEARTBEAT = "chat.heartbeat"


class Resyncable(Protocol):
    async def resync(self) -> None: ...


class LayerWatch:
    def __init__(self, layer: Any, interval: float) -> None:
        self.layer = layer
        self.interval = interval
        self.sockets: set[Resyncable] = set()
        self.channel: str | None = None
        self.sent = 0  # heartbeats published (numbered from 1)
        self.seen = 0  # the highest number that came back
        # Events may have been lost: resync once a heartbeat numbered above this arrives
        # (sent after the loss, so publishing and the subscription work again).
        self.resync_after: int | None = None
        self.resyncs = 0  # how often this watch told its sockets to resync (for tests, logs)
        self._task: asyncio.Task[None] | None = None
        self._receiver: asyncio.Task[None] | None = None

    def lost(self) -> None:
        """Chat events of this process were lost (a failed publish, a heartbeat gap)."""
        if self.resync_after is None:
            logger.warning("chat channel layer lost events; clients will resync when it is back")
        self.resync_after = self.sent

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        for task in (self._receiver, self._task):
            if task is not None:
                task.cancel()
        self._task = self._receiver = None

    async def _run(self) -> None:
        while True:
            if self.channel is None:
                try:
                    self.channel = await self.layer.new_channel("chat-watch.")
                except Exception:
                    # Redis is not there (yet): a socket's own subscribe would fail too.
                    self.lost()
                    await asyncio.sleep(self.interval)
                    continue
                self._receiver = asyncio.ensure_future(self._receive(self.channel))
            self.sent += 1
            try:
                await self.layer.send(self.channel, {"type": HEARTBEAT, "n": self.sent})
            except Exception:
                self.lost()
            await asyncio.sleep(self.interval)

    async def _receive(self, channel: str) -> None:
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:  # layers other than pub/sub raise while Redis is away
                self.lost()
                await asyncio.sleep(self.interval)
                continue
            number = int(message.get("n", 0))
            if number > self.seen + 1:
                # Heartbeats vanished on the way (the subscription was gone): chat
                # events published meanwhile did too. This one came, so it works again.
                self.lost()
                self.resync_after = number - 1
            self.seen = max(self.seen, number)
            if self.resync_after is not None and number > self.resync_after:
                await self._recover()

    async def _recover(self) -> None:
        from openjobcenter.messaging import realtime

        self.resync_after = None
        self.resyncs += 1
        sockets = list(self.sockets)
        logger.warning("chat channel layer is back; %d chat sockets resync", len(sockets))
        for socket in sockets:
            try:
                await socket.resync()
            except Exception:  # a socket closing meanwhile
                logger.debug("resync of a closing socket failed", exc_info=True)
        # Other processes' sockets in the groups whose events this one could not publish.
        await realtime.send_lost_resyncs()


_watches: dict[asyncio.AbstractEventLoop, LayerWatch] = {}


def register(socket: Resyncable) -> LayerWatch | None:
    """A chat socket of this event loop wants to hear about losses (starts the watch)."""
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        layer = get_channel_layer()
        if layer is None or isinstance(layer, InMemoryChannelLayer):
            return None
        watch = LayerWatch(layer, int(settings.MESSAGING["layer_check_ms"]) / 1000)
        _watches[loop] = watch
        watch.start()
    watch.sockets.add(socket)
    return watch


def unregister(socket: Resyncable) -> None:
    loop = asyncio.get_running_loop()
    watch = _watches.get(loop)
    if watch is None:
        return
    watch.sockets.discard(socket)
    if not watch.sockets:
        # No chat socket left here: nobody to tell. Groups this process failed to
        # publish to are still told on its next successful push (realtime).
        watch.stop()
        del _watches[loop]


def note_lost() -> None:
    """A publish failed somewhere in this process (any thread): every watch resyncs its
    sockets once the layer works again."""
    for watch in list(_watches.values()):
        watch.lost()


def current() -> LayerWatch | None:
    try:
        return _watches.get(asyncio.get_running_loop())
    except RuntimeError:
        return None
