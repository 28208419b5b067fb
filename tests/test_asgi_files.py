"""Downloads through the ASGI handler the servers run (``config/asgi.py``,
``core/asgi_files.py``): files stream in chunks without Django's "must consume
synchronous iterators" fallback (which reads a whole file into memory first), and every
byte arrives as stored: a large PDF of a customer's documents, a large logo (a
``FileResponse``) and a static file (WhiteNoise)."""

from __future__ import annotations

import hashlib
import os
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.staticfiles import finders
from django.core import signals
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.handlers.asgi import ASGIHandler
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.asgi_files import CHUNK
from openjobcenter.core.asgi_handler import SyncChainASGIHandler
from openjobcenter.documents import services, storage
from openjobcenter.tenants.models import Jobcenter
from tests.documents.conftest import _commit_now, docs_on, photo, upload  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

SYNC_WARNING = "must consume synchronous iterators"


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    # As Django's test client does: a request must not close the test's connection
    # (it holds the test's transaction).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def asgi_get(handler: ASGIHandler, path: str, cookie: str = "") -> dict[str, Any]:
    """GET ``path`` through ``handler`` as an ASGI server would; status, headers, the
    body messages and the warnings raised meanwhile."""
    headers = [(b"host", b"testserver")]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[Mapping[str, Any]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        import asyncio

        await asyncio.sleep(3600)  # no disconnect while the response goes out
        return {"type": "http.disconnect"}

    async def send(message: Mapping[str, Any]) -> None:
        sent.append(message)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async_to_sync(handler)(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    bodies = [m.get("body", b"") for m in sent if m["type"] == "http.response.body"]
    return {
        "status": start["status"],
        "headers": {k.decode().lower(): v.decode("latin1") for k, v in start["headers"]},
        "body": b"".join(bodies),
        "messages": len(bodies),
        "warnings": [str(w.message) for w in caught if SYNC_WARNING in str(w.message)],
    }


def _session_cookie(client: Client) -> str:
    return "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_large_logo_streams_in_chunks_byte_for_byte(jc_a: Jobcenter, media: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + os.urandom(3 * CHUNK + 12345)
    jc_a.logo.name = default_storage.save("logos/gross.png", ContentFile(data))
    Jobcenter.objects.filter(pk=jc_a.pk).update(logo=jc_a.logo.name)
    path = reverse("tenant:logo", kwargs={"jc": jc_a.slug})

    got = asgi_get(SyncChainASGIHandler(), path)
    assert got["status"] == 200
    assert got["body"] == data
    assert got["headers"]["content-length"] == str(len(data))
    assert got["warnings"] == []
    # Sent as it was read (Django splits each chunk into 64 KiB messages), plus the end.
    assert got["messages"] > 4

    # Django's own handler reads the whole file into memory first, and says so: what
    # this test would see without ``AsyncFilesASGIHandler``.
    before = asgi_get(ASGIHandler(), path)
    assert before["body"] == data
    assert before["warnings"]


def test_a_static_file_streams_byte_for_byte() -> None:
    found = finders.find("reception/vendor/jsQR.js")
    assert found
    data = Path(found).read_bytes()
    got = asgi_get(SyncChainASGIHandler(), "/static/reception/vendor/jsQR.js")
    assert got["status"] == 200
    assert got["body"] == data
    assert got["warnings"] == []


@pytest.mark.usefixtures("docs_on")
def test_a_large_pdf_downloads_identically(
    customer: CustomerProfile, customer_client: Client, media: Path
) -> None:
    doc = services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="payslip"
    )
    assert doc.state == "received"
    # A PDF of several megabytes (a long scan) in place of the small one.
    pdf = b"%PDF-1.7\n" + os.urandom(5 * 1024 * 1024) + b"\n%%EOF\n"
    doc.file_key, doc.key_id = storage.put(customer.jobcenter, "documents", ".pdf", pdf)
    doc.sha256 = hashlib.sha256(pdf).hexdigest()
    doc.save(update_fields=["file_key", "key_id", "sha256"])
    path = reverse("customer:document_file", kwargs={"jc": customer.jobcenter.slug, "pk": doc.pk})

    got = asgi_get(SyncChainASGIHandler(), path, _session_cookie(customer_client))
    assert got["status"] == 200
    assert got["headers"]["content-type"] == "application/pdf"
    assert hashlib.sha256(got["body"]).hexdigest() == doc.sha256
    assert got["body"] == customer_client.get(path).content  # the same as through WSGI
    assert got["warnings"] == []
    # Another customer's session gets nothing of it.
    assert asgi_get(SyncChainASGIHandler(), path)["status"] in (302, 404)
