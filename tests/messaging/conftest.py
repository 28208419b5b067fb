"""Messaging fixtures: the module switched on in both job centres, a team conversation
and a personal one, and a WebSocket client for the ASGI application."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import channels.db
import pytest
from asgiref.testing import ApplicationCommunicator
from channels.layers import channel_layers
from django.conf import settings as django_settings
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging import services
from openjobcenter.messaging.models import Conversation, Topic
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa

ORIGIN = b"http://testserver"


def enable(jobcenter: Jobcenter) -> None:
    if "messaging" not in jobcenter.enabled_modules:
        jobcenter.enabled_modules = [*jobcenter.enabled_modules, "messaging"]
        jobcenter.save()


@pytest.fixture
def chat_jc(jc_a: Jobcenter, jc_b: Jobcenter) -> Jobcenter:
    enable(jc_a)
    enable(jc_b)
    services.topics_ensure_defaults(jobcenter=jc_a)
    services.topics_ensure_defaults(jobcenter=jc_b)
    return jc_a


def without_documents(jobcenter: Jobcenter) -> None:
    """Attachments then take the messaging module's own path (no documents pipeline)."""
    jobcenter.enabled_modules = [m for m in jobcenter.enabled_modules if m != "documents"]
    jobcenter.save()


@pytest.fixture
def topic(chat_jc: Jobcenter) -> Topic:
    return Topic.objects.filter(jobcenter=chat_jc).order_by("position").first()  # type: ignore[return-value]


@pytest.fixture
def conversation(chat_jc: Jobcenter, customer: CustomerProfile, topic: Topic) -> Conversation:
    return services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(
            subject="Frage zum Bescheid", body="Hallo, ich habe eine Frage.", topic=topic
        ),
    )


@pytest.fixture
def personal(
    chat_jc: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User]
) -> Conversation:
    advisor = staff_a[Role.JOB_ADVISOR]
    customer.advisor = advisor
    customer.save(update_fields=["advisor"])
    return services.conversation_start(
        customer=customer,
        author=customer.user,
        data=services.StartRequest(
            subject="Bewerbung", body="Ich habe eine Zusage!", advisor=advisor
        ),
    )


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


def session_of(user: User | None, *, mfa: bool = False) -> str:
    if user is None:
        return ""
    client = Client()
    if mfa:
        login_with_mfa(client, user)
    else:
        client.force_login(user)
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


class WS:
    """A WebSocket client talking to the ASGI application directly."""

    def __init__(
        self, session: str, origin: bytes = ORIGIN, skip: tuple[str, ...] = ("queue",)
    ) -> None:
        """``skip``: frame types passed over unseen. The staff work queue's ``queue`` frame
        (no content, sent to a job centre's staff on every change the queue counts) is
        skipped unless a test asks for it (``tests/messaging/test_queue_event.py``)."""
        from openjobcenter.config.asgi import application

        self.skip = skip

        headers = [(b"origin", origin), (b"host", b"testserver")]
        if session:
            headers.append((b"cookie", f"{django_settings.SESSION_COOKIE_NAME}={session}".encode()))
        scope = {
            "type": "websocket",
            "path": "/ws/chat/",
            "query_string": b"",
            "headers": headers,
            "subprotocols": [],
        }
        make: Any = ApplicationCommunicator
        self.inner: Any = make(application, scope)

    async def connect(self) -> bool:
        await self.inner.send_input({"type": "websocket.connect"})
        response = await self.inner.receive_output(10)
        return bool(response["type"] == "websocket.accept")

    async def send(self, data: dict[str, Any] | str) -> None:
        text = data if isinstance(data, str) else json.dumps(data)
        await self.inner.send_input({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        await self.inner.send_input({"type": "websocket.receive", "bytes": data})

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        while True:
            response = await self.inner.receive_output(timeout)
            assert response["type"] == "websocket.send", response
            event = dict(json.loads(response["text"]))
            if event.get("type") not in self.skip:
                return event

    async def receive_until(self, kind: str, timeout: float = 10) -> dict[str, Any]:
        """The next event of ``kind``, skipping others (``updated``, ``read``)."""
        while True:
            event = await self.receive(timeout)
            if event["type"] == kind:
                return event

    async def nothing(self, timeout: float = 0.2) -> bool:
        """True when no frame comes within ``timeout``; a waiting frame is left in place
        (``receive_nothing`` does not take it), except a skipped one, which is dropped."""
        while not await self.inner.receive_nothing(timeout):
            waiting = self.inner.output_queue._queue[0]  # peek: asyncio.Queue keeps a deque
            text = waiting.get("text") if waiting.get("type") == "websocket.send" else None
            if text is None or json.loads(text).get("type") not in self.skip:
                return False
            self.inner.output_queue.get_nowait()
        return True

    async def close(self) -> None:
        await self.inner.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.inner.wait(2)
