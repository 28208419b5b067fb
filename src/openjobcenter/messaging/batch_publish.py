"""The event loop's side of chat pushes (``messaging/realtime.py``): events and the
commands collected with them go to Redis in pipelines, one round trip for all that
waits."""

from __future__ import annotations

from typing import Any


class Command:
    """A Redis command collected in the outbox beside the events (``realtime.set_along``):
    sent in the same pipeline, in the order collected."""

    __slots__ = ("args", "shard", "what")

    def __init__(self, shard: int, args: tuple[Any, ...], what: str) -> None:
        self.shard, self.args, self.what = shard, args, what


class BatchPublisher:
    """The event loop's pushes as ``PUBLISH`` commands in pipelines, one round trip for
    all that waits.

    The layer's own ``group_send`` publishes one event per round trip, each under a lock
    on the shard's single connection: a send's three or four events queued behind every
    other socket's, each waiting for its reply. On a busy machine a round trip costs a
    wake-up of the process, and this queue was most of a send's server time (at load 14:
    p50 126 ms of 241, ``bench/chat.py``'s ``send_phases_ms``, issue 19). Here every
    event pushed while a pipeline is out goes in the next one, in the order pushed (one
    writer per shard, so a conversation's events keep their order). Channel, shard and
    payload are the layer's own (``realtime._SyncPublisher.message``).
    """

    def __init__(self, names: Any) -> None:
        from redis import asyncio as aioredis

        self._names = names
        self._clients: list[Any] = [
            aioredis.Redis.from_url(address, **host) if address else aioredis.Redis(**host)
            for address, host in names.hosts
        ]
        self._waiting: list[tuple[int, tuple[Any, ...], Any]] = []
        self._writer: Any = None

    async def publish(
        self, items: list[tuple[str, dict[str, Any]] | Command]
    ) -> list[Exception | None]:
        """Publish each ``(group, event)`` and send each ``Command``, in order; per item
        None or the error that lost it."""
        import asyncio

        loop = asyncio.get_running_loop()
        futures = []
        for item in items:
            if isinstance(item, Command):
                shard, command = item.shard, item.args
            else:
                client, channel, payload = self._names.message(*item)
                shard, command = self._names._clients.index(client), ("PUBLISH", channel, payload)
            future = loop.create_future()
            self._waiting.append((shard, command, future))
            futures.append(future)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.ensure_future(self._write())
        return list(await asyncio.gather(*futures))

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            for shard, client in enumerate(self._clients):
                mine = [item for item in batch if item[0] == shard]
                if not mine:
                    continue
                pipe = client.pipeline(transaction=False)
                for _shard, command, _future in mine:
                    pipe.execute_command(*command)
                try:
                    results = await pipe.execute(raise_on_error=False)
                except Exception as exc:  # the connection: each of them is lost
                    results = [exc] * len(mine)
                for (*_rest, future), result in zip(mine, results, strict=True):
                    if not future.done():
                        future.set_result(result if isinstance(result, Exception) else None)
