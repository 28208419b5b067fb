"""Liveness and readiness: /healthz says the process runs, /readyz that its services answer."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.views.decorators.cache import never_cache

log = logging.getLogger(__name__)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _channel_roundtrip() -> None:
    layer = get_channel_layer()
    if layer is None:
        msg = "no channel layer configured"
        raise RuntimeError(msg)
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "readyz.ping"})
    message = await asyncio.wait_for(layer.receive(channel), timeout=2)
    if message.get("type") != "readyz.ping":
        msg = "channel layer returned a wrong message"
        raise RuntimeError(msg)


def _check_channel_layer() -> None:
    async_to_sync(_channel_roundtrip)()


def _check_storage() -> None:
    name = default_storage.save(f"readyz/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name) as handle:
            if handle.read() != b"ok":
                msg = "storage returned different content"
                raise RuntimeError(msg)
    finally:
        default_storage.delete(name)


CHECKS = {
    "database": _check_database,
    "channel_layer": _check_channel_layer,
    "storage": _check_storage,
}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    failing: list[str] = []
    for name, check in CHECKS.items():
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            log.warning("readiness check %s failed: %s", name, exc)
            results[name] = f"error: {type(exc).__name__}"
            failing.append(name)
    status = 503 if failing else 200
    return JsonResponse(
        {"status": "unavailable" if failing else "ok", "failing": failing, "checks": results},
        status=status,
    )


class ProbeMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before anything reads the Host header.

    A kubelet or a container's HEALTHCHECK asks by the pod's address (``Host: 10.1.2.3:8000``),
    which is not in ALLOWED_HOSTS and never should be; the probes carry no tenant, no
    session and no personal data, so they need neither the host check nor the access log
    line every few seconds. Everything else goes through the full stack.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method in {"GET", "HEAD"}:
            if request.path == "/healthz":
                return healthz(request)
            if request.path == "/readyz":
                return readyz(request)
        return self.get_response(request)
