"""Two real app server processes share the chat through PostgreSQL and Redis.

A customer connected to one uvicorn process and a staff member connected to another
exchange messages over ``/ws/chat/``: each message is written to the database by the
process that received it and reaches the other process through the Redis channel layer.
Runs only on PostgreSQL with Redis (CI's second pass); the data is committed
(``transaction=True``) and the subprocesses use the test database.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging.models import Conversation, Message
from tests.conftest import login_with_mfa

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (ON_POSTGRES and REDIS_URL), reason="needs PostgreSQL and Redis"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def subprocess_database_url() -> str:
    """DATABASE_URL pointing at pytest-django's ``test_...`` database."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + str(connection.settings_dict["NAME"])))


@contextmanager
def app_server(port: int) -> Iterator[subprocess.Popen[bytes]]:
    env = {
        **os.environ,
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY,
        "OJC_ENV": "development",
        "TASKS_IMMEDIATE": "true",
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
    }
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        process.stderr.read().decode() if process.stderr else "no start"
                    ) from None
                time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def cookie(user: User, *, mfa: bool) -> str:
    client = Client()
    if mfa:
        login_with_mfa(client, user)
    else:
        client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def connect(port: int, session_cookie: str) -> Any:
    import websockets

    return await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/chat/",
        additional_headers={"Cookie": session_cookie},
        origin=f"http://127.0.0.1:{port}",  # type: ignore[arg-type]
    )


async def next_of(ws: Any, kind: str, timeout: float = 10) -> dict[str, Any]:
    while True:
        event = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if event["type"] == kind:
            return dict(event)


def test_customer_and_staff_on_different_processes_chat_through_redis(
    conversation: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    caseworker = staff_a[Role.CASEWORKER]
    customer_cookie, staff_cookie = cookie(customer.user, mfa=False), cookie(caseworker, mfa=True)
    port_a, port_b = free_port(), free_port()

    async def scenario() -> None:
        kunde, amt = await connect(port_a, customer_cookie), await connect(port_b, staff_cookie)
        try:
            for ws in (kunde, amt):
                await ws.send(
                    json.dumps({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
                )
                assert len((await next_of(ws, "subscribed"))["messages"]) == 1
            await amt.send(
                json.dumps(
                    {
                        "type": "send",
                        "conversation": conversation.pk,
                        "client_id": "p1",
                        "body": "Hallo aus Prozess B",
                    }
                )
            )
            got = await next_of(kunde, "message")
            assert got["message"]["body"] == "Hallo aus Prozess B"
            await kunde.send(
                json.dumps(
                    {
                        "type": "send",
                        "conversation": conversation.pk,
                        "client_id": "p2",
                        "body": "Antwort aus Prozess A",
                    }
                )
            )
            got = await next_of(amt, "message")
            while got["message"]["body"] != "Antwort aus Prozess A":  # its own echo first
                got = await next_of(amt, "message")
            assert got["message"]["side"] == "customer"
        finally:
            await kunde.close()
            await amt.close()

    with app_server(port_a), app_server(port_b):
        asyncio.run(scenario())
    assert list(
        Message.objects.filter(conversation=conversation).values_list("body", flat=True)
    ) == [
        "Hallo, ich habe eine Frage.",
        "Hallo aus Prozess B",
        "Antwort aus Prozess A",
    ]
