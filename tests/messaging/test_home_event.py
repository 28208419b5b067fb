"""The home's live counts: a service that changes what waits for a customer sends
``home`` to that person's sockets after the commit, and to nobody else's."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.tenants.models import Jobcenter
from tests.home import world
from tests.messaging.conftest import WS, session_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_document_request_tells_only_that_customers_sockets(
    chat_jc: Jobcenter, customer: CustomerProfile, customer2: CustomerProfile
) -> None:
    world.enable_modules(chat_jc)
    mine, other = session_of(customer.user), session_of(customer2.user)

    async def scenario() -> None:
        kunde, fremd = WS(mine), WS(other)
        assert await kunde.connect() and await fremd.connect()
        await database_sync_to_async(world.add_request)(customer)
        assert await kunde.receive_until("home") == {"type": "home"}
        with pytest.raises(asyncio.TimeoutError):
            await fremd.receive(timeout=0.5)

    async_to_sync(scenario)()
