"""Requests to other servers of the fediverse, guarded (SSRF): HTTPS only, the host's
addresses must all be public (no loopback, private, link-local or reserved networks), the
connection goes to the address that was checked, redirects are never followed, every
request has a timeout and every answer a size cap.

For the two-instance test only, ``NEWS_FEDERATION_HOSTS`` maps host names to local
addresses reached over plain HTTP (refused in production, config/news_settings.py).
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import socket
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from openjobcenter.config.news_settings import NewsSettings
from openjobcenter.news.conf import news_conf

ACTIVITY_JSON = "application/activity+json"
ACCEPT = f'{ACTIVITY_JSON}, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_RESPONSE_BYTES = 1024 * 1024


class RemoteError(Exception):
    """The remote server could not be asked, or answered with something unusable."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            raise RemoteError("answer is not JSON") from None


def _conf() -> NewsSettings:
    return news_conf()


def public_address(host: str, port: int) -> str:
    """The first address of ``host``, if every address it has is public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise RemoteError(f"cannot resolve {host}") from exc
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        ip = ipaddress.ip_address(address)
        if not ip.is_global or ip.is_multicast:
            raise RemoteError(f"{host} resolves to a non-public address")
    if not addresses:
        raise RemoteError(f"{host} has no address")
    return addresses[0]


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to the address checked, with the certificate checked for the host name."""

    def __init__(self, host: str, address: str, port: int, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def request(
    method: str, url: str, *, headers: dict[str, str], body: bytes | None = None
) -> Response:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    timeout = float(_conf()["remote_timeout_s"])
    mapped = _conf()["host_map"].get(host)
    conn: http.client.HTTPConnection
    if mapped:
        address, _, port = mapped.rpartition(":")
        conn = http.client.HTTPConnection(address, int(port), timeout=timeout)
    else:
        if parts.scheme != "https":
            raise RemoteError("only https:// addresses are asked")
        port_ = parts.port or 443
        conn = _PinnedHTTPS(host, public_address(host, port_), port_, timeout)
    send_headers = {"User-Agent": "OpenJobcenter", **headers}
    send_headers["Host"] = parts.netloc
    try:
        conn.request(method, path, body=body, headers=send_headers)
        answer = conn.getresponse()
        data = answer.read(MAX_RESPONSE_BYTES + 1)
    except (OSError, http.client.HTTPException) as exc:
        raise RemoteError(f"{host}: {type(exc).__name__}") from exc
    finally:
        conn.close()
    if len(data) > MAX_RESPONSE_BYTES:
        raise RemoteError("answer too large")
    return Response(answer.status, data)


def host_of(url: str) -> str:
    return urlsplit(url).netloc


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
