"""Pushing video-call events through the Channels layer, after the database commit.

Each signalling socket joins its room's group (``video.<room>``, see ``consumers``) and
its person's group ``video.u.<user id>``; the latter carries only events about the
person's sessions, so the chat module being switched off (or its ``chat.u.*`` groups)
does not matter here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

# Pushes started from inside an event loop (an async caller), kept referenced until
# done: the loop itself holds only weak references to its tasks.
_in_flight: set[asyncio.Task[None]] = set()


def user_group(user_id: int) -> str:
    return f"video.u.{user_id}"


def close_session_sockets(user_id: int, session_tag: str) -> None:
    """Logout hook (``accounts.logout_hooks``): after commit, the video sockets that this
    session opened close with 4401; the person's other sessions stay in their calls."""
    event = {"type": "video.session_ended", "session": session_tag}
    group = user_group(user_id)
    transaction.on_commit(lambda: _send(group, event))


def _send(group: str, event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        # async_to_sync cannot run in the loop's own thread: hand the push to the loop.
        task = loop.create_task(_send_async(layer, group, event))
        _in_flight.add(task)
        task.add_done_callback(_in_flight.discard)
        return
    try:
        async_to_sync(layer.group_send)(group, event)
    except Exception:  # the logout itself has happened; the session check closes later
        logger.exception("video push failed")


async def _send_async(layer: Any, group: str, event: dict[str, Any]) -> None:
    try:
        await layer.group_send(group, event)
    except Exception:
        logger.exception("video push failed")
