"""The production services: PostgreSQL and Redis. Under CI=true these must be reachable."""

from __future__ import annotations

import asyncio
import os
import socket

import pytest
from channels_redis.pubsub import RedisPubSubChannelLayer
from django.db import connection

from .conftest import IN_CI

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _require(host: str, port: int, name: str) -> None:
    if not _reachable(host, port):
        if IN_CI:
            pytest.fail(f"{name} at {host}:{port} is not reachable, and CI=true")
        pytest.skip(f"{name} not running at {host}:{port}")


@pytest.mark.services
def test_database_engine_matches_database_url(db) -> None:
    expected = (
        "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    )
    assert connection.vendor == expected


@pytest.mark.services
def test_two_app_nodes_share_groups_through_redis() -> None:
    """Two channel layers (two app processes in production) see each other's group messages."""
    _require("127.0.0.1", 6379, "Redis")

    async def roundtrip() -> dict[str, object]:
        node_a = RedisPubSubChannelLayer(hosts=[REDIS_URL])
        node_b = RedisPubSubChannelLayer(hosts=[REDIS_URL])
        try:
            channel = await node_b.new_channel()
            await node_b.group_add("conversation-42", channel)
            await asyncio.sleep(0.2)
            await node_a.group_send("conversation-42", {"type": "chat.message", "text": "Hallo"})
            return await asyncio.wait_for(node_b.receive(channel), timeout=5)
        finally:
            await node_a.flush()
            await node_b.flush()

    message = asyncio.run(roundtrip())
    assert message == {"type": "chat.message", "text": "Hallo"}
