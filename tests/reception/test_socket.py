"""Live: the waiting-room display's socket gets calls (numbers and desks only) of its own
area; a revoked, unknown or other job centre's link is refused; the customer's chat socket
is told when reception checks them in."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import channels.db
import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator
from channels.db import database_sync_to_async
from channels.layers import channel_layers

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment
from openjobcenter.reception import services
from openjobcenter.reception.services_config import display_revoke
from tests.home import world
from tests.messaging.conftest import WS, session_of

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _keep_test_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(channels.db, "close_old_connections", lambda: None)


@pytest.fixture(autouse=True)
def _fresh_channel_layer() -> Iterator[None]:
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


class Screen:
    def __init__(self, path: str) -> None:
        from openjobcenter.config.asgi import application

        scope = {
            "type": "websocket",
            "path": path,
            "query_string": b"",
            "headers": [(b"origin", b"http://testserver"), (b"host", b"testserver")],
            "subprotocols": [],
        }
        make: Any = ApplicationCommunicator
        self.inner: Any = make(application, scope)

    async def connect(self) -> dict[str, Any]:
        await self.inner.send_input({"type": "websocket.connect"})
        return dict(await self.inner.receive_output(10))

    async def receive(self, timeout: float = 10) -> dict[str, Any]:
        out = await self.inner.receive_output(timeout)
        if out["type"] != "websocket.send":
            return dict(out)
        return dict(json.loads(out["text"]))


def test_display_receives_its_areas_calls_and_closes_when_revoked(
    staff_a: dict[Role, User], areas: dict[str, Any], display: dict[str, Any], jc_a: Any
) -> None:
    actor = staff_a[Role.JOB_ADVISOR]

    async def scenario() -> None:
        screen = Screen(f"/ws/wartebereich/fulda/{display['token']}/")
        assert (await screen.connect())["type"] == "websocket.accept"
        wrong_jc = Screen(f"/ws/wartebereich/wiesbaden/{display['token']}/")
        assert (await wrong_jc.connect()) == {"type": "websocket.close", "code": 4403}
        unknown = Screen("/ws/wartebereich/fulda/nichts/")
        assert (await unknown.connect()) == {"type": "websocket.close", "code": 4403}

        def call_in(area_key: str, desk_key: str) -> None:
            ticket = services.ticket_walk_in(
                request=None,
                actor=actor,
                jobcenter=jc_a,
                customer=None,
                topic="x",
                area=areas[area_key],
            )
            services.ticket_call(request=None, actor=actor, ticket=ticket, desk=areas[desk_key])

        # A call in another area is not shown here; one in its own area is, at once.
        await database_sync_to_async(call_in)("c", "desk_c")
        await database_sync_to_async(call_in)("b", "desk3")
        frame = await screen.receive()
        assert frame["type"] == "call"
        assert (frame["number"], frame["desk"], frame["count"]) == ("A-001", "Platz 3", 1)
        assert set(frame) == {"type", "id", "number", "desk", "count", "called_at"}
        await database_sync_to_async(display_revoke)(
            request=None, actor=staff_a[Role.ADMIN], display=display["display"]
        )
        assert await screen.receive() == {"type": "websocket.close", "code": 4403}
        again = Screen(f"/ws/wartebereich/fulda/{display['token']}/")
        assert (await again.connect()) == {"type": "websocket.close", "code": 4403}

    async_to_sync(scenario)()


def test_check_in_tells_the_customers_socket(
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    customer2: CustomerProfile,
    on_site: Appointment,
    areas: dict[str, Any],
) -> None:
    world.enable_modules(customer.jobcenter)
    mine, other = session_of(customer.user), session_of(customer2.user)

    async def scenario() -> None:
        kunde, fremd = WS(mine), WS(other)
        assert await kunde.connect() and await fremd.connect()
        await database_sync_to_async(services.ticket_check_in)(
            request=None,
            actor=staff_a[Role.RECEPTION],
            jobcenter=customer.jobcenter,
            customer=customer,
            area=areas["b"],
        )
        assert await kunde.receive_until("home") == {"type": "home"}
        with pytest.raises(asyncio.TimeoutError):
            await fremd.receive(timeout=0.5)

    async_to_sync(scenario)()
