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
