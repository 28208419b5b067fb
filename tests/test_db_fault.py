"""PostgreSQL connections cut under a running app process (issue 16, item 5).

A real uvicorn process talks to the test database through a TCP proxy this test starts
(``tests/tcpproxy.py``); the shared PostgreSQL itself is never touched. The proxy

1. drops the process's idle pooled connections: the next request still succeeds,
   because the pool checks a connection before handing it out;
2. drops everything and turns new connections away: pages answer 503 with the calm
   "Gleich wieder da" page, the API a JSON 503, ``/readyz`` 503 naming the database;
3. lets connections through again: the same process (no restart) answers 200.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from openjobcenter.tenants.models import Jobcenter
from tests.tcpproxy import TcpProxy, tcp_proxy

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL"),
]

# How long a request waits for a pooled connection in the app process (the default is
# 10 s; short here so the outage answers come quickly).
POOL_TIMEOUT = 2


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str

    def json(self) -> dict[str, object]:
        return dict(json.loads(self.body))


def fetch(port: int, path: str, timeout: float = 30) -> Answer:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Accept-Language": "de"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Answer(response.status, _lower(response.headers), response.read().decode())
    except urllib.error.HTTPError as error:
        return Answer(error.code, _lower(error.headers), error.read().decode())


def _lower(headers: Message) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    parts = urlsplit(os.environ["DATABASE_URL"])
    with tcp_proxy(parts.hostname or "127.0.0.1", parts.port or 5432) as running:
        yield running


@dataclass
class Server:
    port: int
    process: subprocess.Popen[bytes]
    log: Path


@pytest.fixture
def server(proxy: TcpProxy, jc_a: Jobcenter, tmp_path: Path) -> Iterator[Server]:
    """uvicorn on the test database, reached only through the proxy."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{proxy.port}"
    through_proxy = urlunsplit(
        parts._replace(
            netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host,
            path="/" + str(connection.settings_dict["NAME"]),
        )
    )
    # Only PostgreSQL: cache and channel layer in memory, so Redis plays no part.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "CACHE_KEY_PREFIX", "CHANNEL_LAYER_PREFIX"}
    }
    env.update(
        DATABASE_URL=through_proxy,
        DATABASE_POOL_MIN="1",
        DATABASE_POOL_SIZE="4",
        DATABASE_POOL_TIMEOUT=str(POOL_TIMEOUT),
        MESSAGING_DB_THREADS="0",
        SECRET_KEY=settings.SECRET_KEY,
        OJC_ENV="development",
        TASKS_IMMEDIATE="true",
        DJANGO_SETTINGS_MODULE="openjobcenter.config.settings",
    )
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "openjobcenter.config.asgi:application",
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.3)
        yield Server(port, process, log)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def assert_calm_page(answer: Answer) -> None:
    assert answer.status == 503, answer.body[:500]
    assert answer.headers["retry-after"] == "30"
    assert answer.headers["content-type"].startswith("text/html")
    assert "<h1>Gleich wieder da</h1>" in answer.body
    assert "Traceback" not in answer.body


def test_cut_database_gives_503_and_the_same_process_recovers(
    server: Server, proxy: TcpProxy, jc_a: Jobcenter
) -> None:
    port, pid = server.port, server.process.pid
    page = fetch(port, "/")
    assert page.status == 200
    assert jc_a.name in page.body
    assert fetch(port, "/api/v1/jobcenters").status == 200
    assert fetch(port, "/readyz").status == 200

    # 1. Idle pooled connections are cut while nobody uses them: the first request after
    # that succeeds, on a connection the pool opened instead of the checked-out dead one.
    opened = proxy.connections
    proxy.cut()
    started = time.monotonic()
    after_cut = fetch(port, "/")
    assert after_cut.status == 200, after_cut.body[:500]
    assert jc_a.name in after_cut.body
    assert time.monotonic() - started < POOL_TIMEOUT, "replaced at once, not after a timeout"
    assert proxy.connections > opened
    assert fetch(port, f"/{jc_a.slug}/").status == 200

    # 2. The database is gone: calm answers, no 500s.
    proxy.refuse()
    assert_calm_page(fetch(port, "/"))  # the view's query fails
    assert_calm_page(fetch(port, f"/{jc_a.slug}/"))  # the tenant lookup (middleware) fails
    api = fetch(port, "/api/v1/jobcenters")
    assert api.status == 503
    assert api.headers["content-type"] == "application/json"
    assert api.headers["retry-after"] == "30"
    assert api.json()["code"] == "database_unavailable"
    ready = fetch(port, "/readyz")
    assert ready.status == 503
    assert ready.json()["failing"] == ["database"]

    # 3. Back again: the same process serves pages without a restart. The pool retries
    # with a growing pause, so the first request may still find it waiting.
    proxy.restore()
    deadline = time.monotonic() + 60
    while (answer := fetch(port, "/")).status != 200:
        assert answer.status == 503, answer.body[:500]
        assert time.monotonic() < deadline, "the process did not recover"
        time.sleep(0.5)
    assert jc_a.name in answer.body
    assert fetch(port, f"/{jc_a.slug}/").status == 200
    assert fetch(port, "/api/v1/jobcenters").status == 200
    assert fetch(port, "/readyz").status == 200
    assert server.process.poll() is None
    assert server.process.pid == pid

    log = server.log.read_text()
    assert "database unavailable, answered 503" in log
    assert "Internal Server Error" not in log
