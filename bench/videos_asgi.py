"""ASGI entry of ``bench/videos.py``: the platform, plus one plain static file.

``/bench/static.mp4`` answers the whole file from disk with no Django at all (200, no
range support): the baseline a video served by any plain file server costs. Every other
path goes to the platform's own application, unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from openjobcenter.config.asgi import application as platform_application

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[Any], Awaitable[None]]
STATIC_PATH = "/bench/static.mp4"
CHUNK = 256 * 1024


async def application(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "http" and scope["path"] == STATIC_PATH:
        path = Path(os.environ["BENCH_STATIC_FILE"])
        size = path.stat().st_size
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"video/mp4"),
                    (b"content-length", str(size).encode()),
                ],
            }
        )
        with path.open("rb") as fh:
            while data := fh.read(CHUNK):
                await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    await platform_application(scope, receive, send)
