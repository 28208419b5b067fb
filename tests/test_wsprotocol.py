"""The server's WebSocket protocol spreads keep-alive pings instead of pinging every
socket that opened together at the same moment for ever."""

from __future__ import annotations

from typing import Any, cast

from uvicorn.importer import import_from_string
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

from openjobcenter.config.wsprotocol import JITTER, SpreadKeepaliveProtocol
from openjobcenter.serve import WS_PROTOCOL


class FakeLoop:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def call_later(self, delay: float, callback: Any) -> object:
        self.delays.append(delay)
        return object()


def test_serve_runs_the_spreading_protocol() -> None:
    cls = import_from_string(WS_PROTOCOL)
    assert cls is SpreadKeepaliveProtocol
    assert issubclass(cls, WebSocketsSansIOProtocol)


def test_pings_come_after_a_random_share_of_the_interval() -> None:
    protocol = SpreadKeepaliveProtocol.__new__(SpreadKeepaliveProtocol)
    loop = FakeLoop()
    protocol.loop = cast(Any, loop)
    protocol.ping_interval = 20.0
    protocol.last_ping_rtt = 0.0
    for _ in range(500):
        protocol.schedule_ping()
    low, high = 20.0 * (1 - JITTER), 20.0 * (1 + JITTER)
    assert all(low <= d <= high for d in loop.delays)
    # Spread over the whole band, not one fixed delay for every socket.
    assert max(loop.delays) - min(loop.delays) > 0.8 * (high - low)
    assert len({round(d, 3) for d in loop.delays}) > 400
    # The round-trip time of the last ping is taken off, as uvicorn does.
    protocol.last_ping_rtt = 1.5
    loop.delays.clear()
    protocol.schedule_ping()
    assert low - 1.5 <= loop.delays[0] <= high - 1.5


def test_served_sockets_do_not_compress_even_when_the_browser_offers_it() -> None:
    """Browsers offer permessage-deflate on every socket; the platform's server settings
    decline it (chat frames are small, and compressing them cost CPU per message)."""
    import asyncio
    import socket
    import threading

    import uvicorn
    from websockets.asyncio.client import connect
    from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory

    from openjobcenter.serve import server_options

    async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "websocket"
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        message = await receive()
        await send({"type": "websocket.send", "text": message.get("text", "")})

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(echo_app, **server_options("127.0.0.1", port)))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()

    async def handshake() -> tuple[list[Any], str]:
        for _ in range(100):
            if server.started:
                break
            await asyncio.sleep(0.05)
        async with connect(
            f"ws://127.0.0.1:{port}/ws/", extensions=[ClientPerMessageDeflateFactory()]
        ) as ws:
            await ws.send("hallo " * 50)
            return list(ws.protocol.extensions), str(await ws.recv())

    try:
        extensions, echoed = asyncio.run(handshake())
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert echoed == "hallo " * 50
    assert extensions == []  # offered, declined: frames go uncompressed
