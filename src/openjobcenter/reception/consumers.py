"""The waiting-room display's socket: ``/ws/wartebereich/<jc>/<token>/``.

The token in the display's link is the credential (no login on a wall screen): an unknown
or revoked token, another job centre's slug or the module switched off refuse the
handshake (4403). The socket joins its waiting area's group and gets ``call`` frames with
a call number and a desk, never a name. Revoking the display closes it (4403).
Client → server frames are ignored. After any reconnect the page reloads the current
calls from ``/<jc>/wartebereich/<token>/aufrufe/`` (delivery is best effort).
"""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.http import Http404

from openjobcenter.core.metrics import CountedSocketMixin
from openjobcenter.reception import realtime, selectors
from openjobcenter.tenants.modules import is_enabled
from openjobcenter.tenants.selectors import get_jobcenter_by_slug

CLOSE_REFUSED = 4403


def admit(slug: str, token: str) -> tuple[int, int, int] | None:
    """(job centre id, area id, display id) of a valid display link, else None."""
    try:
        jobcenter = get_jobcenter_by_slug(slug)
        if not is_enabled(jobcenter, "appointments"):
            return None
        screen = selectors.display_by_token(jobcenter, token)
    except Http404:
        return None
    return jobcenter.pk, screen.area_id, screen.pk


class DisplayConsumer(CountedSocketMixin, AsyncWebsocketConsumer):  # type: ignore[misc]
    socket_kind = "display"
    groups_joined: tuple[str, ...] = ()

    async def connect(self) -> None:
        kwargs = self.scope["url_route"]["kwargs"]
        found = await database_sync_to_async(admit)(
            str(kwargs.get("jc", "")), str(kwargs.get("token", ""))
        )
        if found is None:
            await self.close(code=CLOSE_REFUSED)
            return
        jc_id, area_id, display_id = found
        self.groups_joined = (
            realtime.area_group(jc_id, area_id),
            realtime.display_group(display_id),
        )
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in self.groups_joined:
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        return  # a display only listens

    async def reception_call(self, event: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps({"type": "call", **event["call"]}))

    async def reception_revoked(self, event: dict[str, Any]) -> None:
        await self.close(code=CLOSE_REFUSED)
