"""A Redis server of the test's own, on a free port, that the test stops and starts.

Fault tests must never touch the machine's shared Redis (6379): this one runs from the
``redis-server`` binary without persistence, in the test's temporary folder, and is
always stopped when the test ends. Under ``CI=true`` a missing binary fails the run
(``require_redis_server``) instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


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
