"""Virus scanners (DESIGN §4.4: a registry behind one contract).

``none`` (the embedded default) scans nothing; ``clamd`` streams the file to ClamAV's
daemon with the INSTREAM command over its Unix socket or TCP. When a scanner is
configured but cannot answer, the scan fails closed: the upload is refused, never
accepted unscanned.
"""

from __future__ import annotations

import socket
import struct
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from openjobcenter.documents.conf import conf

CHUNK = 64 * 1024


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""
    scanner: str = ""


class ScannerUnavailable(Exception):  # noqa: N818 - reads as the situation
    """The configured scanner could not answer (the upload must be refused)."""


class Scanner(ABC):
    """Contract: ``scan(data)`` returns a result or raises ``ScannerUnavailable``."""

    name: ClassVar[str]

    @abstractmethod
    def scan(self, data: bytes) -> ScanResult: ...


class NoScanner(Scanner):
    name = "none"

    def scan(self, data: bytes) -> ScanResult:
        return ScanResult(clean=True, scanner=self.name)


class ClamdScanner(Scanner):
    """clamd's INSTREAM: ``zINSTREAM\\0``, chunks prefixed by a 4-byte big-endian length,
    a zero-length chunk, then one reply line: ``stream: OK`` or ``stream: <sig> FOUND``."""

    name = "clamd"

    def __init__(
        self,
        *,
        socket_path: str = "",
        host: str = "127.0.0.1",
        port: int = 3310,
        timeout: float = 30.0,
    ) -> None:
        self.socket_path, self.host, self.port, self.timeout = socket_path, host, port, timeout

    def _connect(self) -> socket.socket:
        if self.socket_path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            sock.connect(self.socket_path)
            return sock
        return socket.create_connection((self.host, self.port), timeout=self.timeout)

    def scan(self, data: bytes) -> ScanResult:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start : start + CHUNK]
                    sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                sock.sendall(struct.pack(">I", 0))
                reply = b""
                while not reply.endswith(b"\0"):
                    part = sock.recv(4096)
                    if not part:
                        break
                    reply += part
        except OSError as exc:
            msg = f"clamd not reachable: {exc}"
            raise ScannerUnavailable(msg) from exc
        text = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
        if text.endswith("OK"):
            return ScanResult(clean=True, scanner=self.name)
        if text.endswith("FOUND"):
            signature = text.removeprefix("stream:").removesuffix("FOUND").strip()
            return ScanResult(clean=False, signature=signature, scanner=self.name)
        # "INSTREAM size limit exceeded. ERROR" and the like: fail closed.
        msg = f"clamd answered {text!r}"
        raise ScannerUnavailable(msg)


_registry: dict[str, type[Scanner]] = {"none": NoScanner, "clamd": ClamdScanner}


def register(cls: type[Scanner]) -> type[Scanner]:
    _registry[cls.name] = cls
    return cls


def configured_scanner() -> Scanner:
    options = conf()
    name = str(options["scanner"])
    if name == "clamd":
        return ClamdScanner(
            socket_path=str(options["clamd_socket"]),
            host=str(options["clamd_host"]),
            port=int(options["clamd_port"]),
        )
    return _registry[name]()
