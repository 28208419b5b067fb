"""uvicorn's WebSocket protocol with keep-alive pings spread out in time.

The server pings every open socket (``WS_PING_INTERVAL``, 20 s) to notice phones that
went away without closing and to keep proxies and NATs from dropping quiet chats.
uvicorn pings each socket at a fixed interval from its opening; sockets that opened
together (all clients reconnecting after a restart or a network blip) then ping
together for ever. On a small machine a wave of a thousand pings and pongs took the
CPU for a few hundred milliseconds and every chat message waited behind it
(``bench/chat.py``). Here each ping comes after a random 75 to 125 % of the interval,
so the waves dissolve within a few rounds.
"""

from __future__ import annotations

import random

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

JITTER = 0.25


class SpreadKeepaliveProtocol(WebSocketsSansIOProtocol):
    def schedule_ping(self) -> None:
        interval = self.ping_interval or 0.0  # only called with an interval set
        spread = interval * random.uniform(1 - JITTER, 1 + JITTER)  # noqa: S311 - not a secret
        delay = max(0.0, spread - self.last_ping_rtt)
        self.ping_timer = self.loop.call_later(delay, self.send_keepalive_ping)
