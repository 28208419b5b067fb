"""A small TCP proxy a fault test puts between an app process and a shared service.

The test cuts what passes through it, never the service itself (the machine's
PostgreSQL and Redis are shared): ``cut()`` drops every open connection as a network
failure or a database restart would, ``refuse()`` also turns away new ones (each is
accepted and closed at once, as a server that is going down does), ``restore()`` lets
them through again. Threads, one pair per connection; a test opens a handful.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._accepting = True
        self._closed = False
        # Connections passed through to the target since the start (for assertions).
        self.connections = 0
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    # --- what a test does -------------------------------------------------------------

    def cut(self) -> None:
        """Drop every open connection (both sides see the peer vanish)."""
        with self._lock:
            sockets, self._open = self._open, set()
        for sock in sockets:
            _drop(sock)

    def refuse(self) -> None:
        """Drop every open connection and turn away new ones until ``restore()``."""
        with self._lock:
            self._accepting = False
        self.cut()

    def restore(self) -> None:
        with self._lock:
            self._accepting = True

    def close(self) -> None:
        self._closed = True
        _drop(self._listener)
        self.cut()
        self._thread.join(5)

    # --- the proxy ---------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _address = self._listener.accept()
            except OSError:
                return  # the listener was closed
            with self._lock:
                accepting = self._accepting
            if not accepting:
                _drop(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                _drop(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
                self.connections += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._open.discard(src)
                self._open.discard(dst)
            _drop(src)
            _drop(dst)


def _drop(sock: socket.socket) -> None:
    # shutdown() wakes a thread blocked in recv() on it; close() alone does not.
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with suppress(OSError):
        sock.close()


@contextmanager
def tcp_proxy(target_host: str, target_port: int) -> Iterator[TcpProxy]:
    proxy = TcpProxy(target_host, target_port)
    try:
        yield proxy
    finally:
        proxy.close()
