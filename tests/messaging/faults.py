"""Fault tests of the chat: a Redis server of the test's own, app processes on it, and a
client that follows the documented resync rules.

Fault tests must never touch the machine's shared Redis (6379): ``RedisServer`` runs the
``redis-server`` binary on a free port without persistence, in the test's temporary
folder, and is always stopped when the test ends. Under ``CI=true`` a missing binary
fails the run (``require_redis_server``) instead of skipping.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import pytest


class Connection(Protocol):
    async def send(self, data: dict[str, Any]) -> None: ...

    async def receive(self, timeout: float = 10) -> dict[str, Any]: ...

    async def nothing(self, timeout: float = 0.2) -> bool: ...


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_redis_server() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("redis-server is not installed; this fault test must run in CI")
        pytest.skip("needs the redis-server binary")
    return binary


class RedisServer:
    def __init__(self, folder: Path) -> None:
        self.binary = require_redis_server()
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None
        self.process = subprocess.Popen(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                msg = f"redis-server did not start on port {self.port}"
                raise RuntimeError(msg)
            time.sleep(0.05)

    def stop(self) -> None:
        """Gone at once, connections cut (as when Redis crashes or restarts)."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait(10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


class ChatClient:
    """What a chat client does (docs/websocket-protocol.md, "Delivery guarantees"):
    it shows messages by id, keeps the cursor up to which it has everything, and asks
    for what is after the cursor (``sync``) on ``resync`` or when a message's ``prev``
    is one it does not have."""

    def __init__(self, ws: Connection, conversation: int) -> None:
        self.ws, self.conversation = ws, conversation
        self.shown: dict[int, str] = {}
        self.received: list[int] = []  # every message id as it came, repeats included
        self.cursor = 0
        self.resyncs = 0

    async def subscribe(self) -> None:
        await self.ws.send(
            {"type": "subscribe", "conversation": self.conversation, "cursor": self.cursor}
        )
        while not await self.handle(await self.ws.receive()):
            pass

    async def handle(self, event: dict[str, Any]) -> bool:
        """One event; True when it was the answer to a subscribe or sync."""
        if event["type"] == "subscribed":
            for message in event["messages"]:
                self.show(message)
            if event["messages"]:
                self.cursor = max(self.cursor, event["messages"][-1]["id"])
            return True
        if event["type"] == "message":
            self.show(event["message"])
            if event["prev"] <= self.cursor:
                self.cursor = max(self.cursor, event["message"]["id"])
            else:  # a gap: something before this one never came
                await self.sync()
        elif event["type"] == "resync" and event["conversation"] in (None, self.conversation):
            self.resyncs += 1
            await self.sync()
        return False

    async def drain(self, seconds: float) -> list[dict[str, Any]]:
        """The events of the next ``seconds``, handled as they come."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        events = []
        while loop.time() < deadline:
            # Not a receive with a timeout: the test communicator stops the application
            # when one runs out.
            if await self.ws.nothing(0.05):
                continue
            event = await self.ws.receive()
            events.append(event)
            await self.handle(event)
        return events

    async def sync(self) -> None:
        await self.ws.send(
            {"type": "sync", "conversation": self.conversation, "cursor": self.cursor}
        )

    def in_order(self) -> list[str]:
        """What the window shows: by id, as chat.js places them."""
        return [self.shown[i] for i in sorted(self.shown)]

    def show(self, message: dict[str, Any]) -> None:
        self.received.append(message["id"])
        self.shown[message["id"]] = message["body"]

    async def until(self, ids: set[int], timeout: float = 20) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (ids <= set(self.shown) and self.cursor >= max(ids)):
            await self.handle(await self.ws.receive(max(0.1, deadline - loop.time())))


class SocketConnection:
    """A real WebSocket (``websockets``) with the test client's interface."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.pending: Any = None  # an event ``nothing`` saw arrive

    @classmethod
    async def open(cls, base: str, cookie: str) -> SocketConnection:
        import websockets

        ws = await websockets.connect(
            base.replace("http://", "ws://") + "/ws/chat/",
            additional_headers={"Cookie": cookie},
            origin=base,  # type: ignore[arg-type]
        )
        return cls(ws)

    async def send(self, data: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(data))

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        if self.pending is not None:
            event, self.pending = self.pending, None
            return dict(event)
        return dict(json.loads(await asyncio.wait_for(self.ws.recv(), timeout)))

    async def nothing(self, timeout: float = 0.2) -> bool:
        """Nothing arrives within ``timeout`` (what does arrive is kept for receive)."""
        if self.pending is None:
            try:
                self.pending = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            except TimeoutError:
                return True
        return False

    async def receive_until(self, kind: str, timeout: float = 10) -> dict[str, Any]:
        while True:
            event = await self.receive(timeout)
            if event["type"] == kind:
                return event

    async def close(self) -> None:
        await self.ws.close()


def _unexpected_log_lines(text: str) -> list[str]:
    """Log lines that are neither calm nor the outage's own: while Redis is down,
    channels_redis logs its receive task's connection errors, and the chat warns."""
    bad = []
    for line in text.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            if "Traceback" in line or "ERROR" in line:
                bad.append(line)
            continue
        if record.get("level") not in ("error", "critical"):
            continue
        if record.get("logger") == "channels_redis.pubsub" and "ConnectionError" in str(
            record.get("exc", "")
        ):
            continue
        bad.append(line)
    return bad


@contextmanager
def app_servers(
    tmp_path: Path, redis: RedisServer, *, prepare: str, count: int
) -> Iterator[tuple[list[str], dict[str, Any]]]:
    """``count`` uvicorn processes on one SQLite file and the test's own Redis (channel
    layer and cache, as in production), checking the layer every 200 ms; ``prepare``
    (``module:function``) fills the database first and returns sessions and paths.
    Yields the servers' base URLs and what ``prepare`` returned. On leaving, their logs
    must hold no error but the outage's own."""
    from tests.browser.asgi import ROOT, _free_port, _start, _stop

    module, function = prepare.split(":")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.sqlite3'}",
        "REDIS_URL": redis.url,
        "CHANNEL_LAYER_PREFIX": "outage",
        "CACHE_KEY_PREFIX": "outage",
        "MESSAGING_LAYER_CHECK_MS": "200",
        "OJC_BASE_DIR": str(tmp_path),
        "OJC_ENV": "test",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "LOG_LEVEL": "warning",
        "LOG_FORMAT": "json",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    code = (
        "import django, json; django.setup(); "
        f"from {module} import {function}; print(json.dumps({function}()))"
    )
    setup = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert setup.returncode == 0, setup.stderr[-4000:]
    data = json.loads(setup.stdout.strip().splitlines()[-1])
    processes: list[subprocess.Popen[bytes]] = []
    logs = [tmp_path / f"uvicorn-{n}.log" for n in range(count)]
    bases = []
    try:
        for log in logs:
            port = _free_port()
            processes.append(_start(env, port, log))
            bases.append(f"http://127.0.0.1:{port}")
        yield bases, data
    finally:
        for process in processes:
            _stop(process)
    for log in logs:
        bad = _unexpected_log_lines(log.read_text())
        assert not bad, "\n".join(bad)[-4000:]
