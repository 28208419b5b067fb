"""Liveness and readiness: /healthz says the process runs, /readyz that its services answer.

/readyz checks the database, the channel layer, the document storage (read-only: a list
of its top level, which an unreachable S3 endpoint, a wrong bucket or a missing folder
fails; nothing is written, so probes leave no objects behind and need no write right) and
the task queue (the oldest task ready to run waited less than ``READYZ_QUEUE_AGE_MAX_S``:
otherwise no worker takes tasks). A failing check answers 503 naming it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import connection
from django.db.models import Min
from django.http import HttpRequest, HttpResponseBase, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django_tasks_db.models import DBTaskResult

from openjobcenter.documents.storage import documents_storage

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
    """The document storage answers a read: list its top level (no write, no object).

    A local folder is created by the first upload, so before that its parent (the
    mounted ``MEDIA_ROOT``) must be there and readable instead."""
    storage = documents_storage()
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location)
        probe = folder if folder.exists() else folder.parent
        if not probe.is_dir():
            msg = "the document folder and its parent are missing"
            raise FileNotFoundError(msg)
        next(probe.iterdir(), None)  # readable
        return
    storage.listdir("")


def _check_task_queue() -> None:
    oldest = DBTaskResult.objects.ready().order_by().aggregate(oldest=Min("enqueued_at"))["oldest"]
    if oldest is None:
        return
    waited = (timezone.now() - oldest).total_seconds()
    limit = settings.READYZ["queue_age_max_s"]
    if waited > limit:
        msg = f"oldest ready task waited {waited:.0f} s (limit {limit} s)"
        raise RuntimeError(msg)


CHECKS = {
    "database": _check_database,
    "channel_layer": _check_channel_layer,
    "storage": _check_storage,
    "task_queue": _check_task_queue,
}


# A check that reads the database says nothing new while the database is down: it is
# reported as skipped, so that ``failing`` names the cause only.
NEEDS = {"task_queue": "database"}


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    failing: list[str] = []
    for name, check in CHECKS.items():
        needed = NEEDS.get(name)
        if needed in failing:
            results[name] = f"skipped: {needed} failed"
            continue
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
