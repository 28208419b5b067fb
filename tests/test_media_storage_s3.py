"""Every file through the configurable storage (issue 20, item 2), with both storages on an
S3 API server (moto's server stands in for the S3-compatible object store).

With ``MEDIA_STORAGE=s3`` and ``DOCUMENTS_STORAGE=s3`` nothing may land on the node's
own disk: application PDFs, logos (stored, served, drawn on letters), file-drop hand-offs
and documents go to the buckets, and ``MEDIA_ROOT`` stays empty. And when the store
cannot be reached, an upload answers a calm 503 (``storage_unavailable``) and leaves
nothing behind. The same on several real processes: ``tests/test_multinode.py``.
"""

from __future__ import annotations

import base64
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.test import Client
from PIL import Image

from openjobcenter import handoff
from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import DeliveryStatus, HandoffConfig, HandoffDelivery
from openjobcenter.core import sealed
from openjobcenter.documents.models import Document, DocumentPage
from openjobcenter.tenants.letterhead import letterhead
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import make_application

MEDIA = "ojc-test-media"
DOCS = "ojc-test-documents"


def _s3_options(bucket: str, url: str) -> dict[str, Any]:
    """The default storage as settings.py builds it for ``MEDIA_STORAGE=s3``."""
    from botocore.config import Config  # type: ignore[import-untyped]

    return {
        "bucket_name": bucket,
        "endpoint_url": url,
        "region_name": "eu-central-1",
        "access_key": "test",
        "secret_key": "test",
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "client_config": Config(**django_settings.S3_CLIENT_OPTIONS),
    }


def _on_s3(settings: Any, url: str, tmp_path: Path) -> Path:
    media_root = tmp_path / "media-must-stay-empty"
    media_root.mkdir()
    settings.MEDIA_ROOT = media_root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": _s3_options(MEDIA, url),
        },
    }
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "storage": "s3",
        "s3_bucket": DOCS,
        "s3_endpoint_url": url,
        "s3_access_key": "test",
        "s3_secret_key": "test",
    }
    return media_root


@pytest.fixture
def bucket(settings: Any, tmp_path: Path) -> Iterator[tuple[Any, Path]]:
    import boto3  # type: ignore[import-untyped]
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=url,
        region_name="eu-central-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    for name in (MEDIA, DOCS):
        client.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
    media_root = _on_s3(settings, url, tmp_path)
    try:
        yield client, media_root
    finally:
        for name in (MEDIA, DOCS):  # moto keeps buckets for the whole process
            for item in client.list_objects_v2(Bucket=name).get("Contents", []):
                client.delete_object(Bucket=name, Key=item["Key"])
            client.delete_bucket(Bucket=name)
        server.stop()


def _keys(client: Any, name: str) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), (0, 90, 160)).save(out, format="PNG")
    return out.getvalue()


def _local_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def test_application_pdfs_logos_and_file_drops_live_in_the_bucket(
    bucket: tuple[Any, Path], customer: CustomerProfile, client: Client
) -> None:
    s3, media_root = bucket
    jobcenter = customer.jobcenter
    # An application PDF, sealed, as the submit service stores it.
    app = make_application(customer)
    app.pdf_name = sealed.save(jobcenter, "applications", ".pdf", b"%PDF-1.7 Antrag")
    app.save(update_fields=["pdf_name"])
    assert app.pdf_name in _keys(s3, MEDIA)
    stored = s3.get_object(Bucket=MEDIA, Key=app.pdf_name)["Body"].read()
    assert b"Antrag" not in stored  # sealed at rest in the bucket too
    assert sealed.read(jobcenter, app.pdf_name) == b"%PDF-1.7 Antrag"

    # The logo: stored through the model's field, served by the node, drawn on letters.
    logo = _png()
    jobcenter.logo.save("logo.png", ContentFile(logo), save=True)
    assert jobcenter.logo.name in _keys(s3, MEDIA)
    answer = client.get(f"/{jobcenter.slug}/logo")
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == logo  # type: ignore[attr-defined]
    drawn = letterhead(Jobcenter.objects.get(pk=jobcenter.pk))["logo"]
    assert drawn.endswith(base64.b64encode(logo).decode())

    # A file-drop hand-off writes its folder into the bucket.
    HandoffConfig.objects.create(
        jobcenter=jobcenter, backend="file_drop", config={"prefix": "eakte/eingang"}
    )
    handoff.schedule_handoffs(app.pk)
    handoff.run_for_application(app.pk)
    delivery = HandoffDelivery.objects.get(application=app, backend="file_drop")
    assert delivery.status == DeliveryStatus.DELIVERED, delivery.last_error
    folder = f"eakte/eingang/{app.reference}"
    assert {f"{folder}/antrag.pdf", f"{folder}/antrag.json"} <= _keys(s3, MEDIA)
    body = s3.get_object(Bucket=MEDIA, Key=f"{folder}/antrag.json")["Body"].read()
    assert json.loads(body)["reference"] == app.reference

    assert _local_files(media_root) == []


def _unreachable_url() -> str:
    with socket.socket() as sock:  # a port nobody listens on once closed
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


def test_an_upload_while_the_store_is_unreachable_answers_503_and_stores_nothing(
    settings: Any, tmp_path: Path, customer: CustomerProfile, client: Client
) -> None:
    from tests.documents.conftest import photo

    jobcenter = customer.jobcenter
    if "documents" not in jobcenter.enabled_modules:
        jobcenter.enabled_modules = [*jobcenter.enabled_modules, "documents"]
        jobcenter.save()
    media_root = _on_s3(settings, _unreachable_url(), tmp_path)
    client.force_login(customer.user)
    answer = client.post(
        f"/api/v1/documents/{jobcenter.slug}/upload",
        {"file": _named(photo(1), "seite.jpg"), "kind": "other"},
    )
    assert answer.status_code == 503
    assert answer.json()["code"] == "storage_unavailable"
    assert answer.json()["detail"].startswith("Der Dienst ist gerade kurz nicht erreichbar")
    assert answer["Retry-After"]
    assert not Document.objects.exists()
    assert not DocumentPage.objects.exists()
    assert _local_files(media_root) == []


def _named(data: bytes, name: str) -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def test_only_an_unreachable_or_failing_store_counts_as_an_outage() -> None:
    from botocore.exceptions import (  # type: ignore[import-untyped]
        ClientError,
        EndpointConnectionError,
        ReadTimeoutError,
    )

    from openjobcenter.core.unavailable import is_storage_outage, outage_code

    def answered(status: int, code: str) -> ClientError:
        meta = {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return ClientError(meta, "PutObject")

    down = EndpointConnectionError(endpoint_url="http://127.0.0.1:9")
    assert outage_code(down) == "storage_unavailable"
    assert is_storage_outage(ReadTimeoutError(endpoint_url="http://127.0.0.1:9"))
    assert is_storage_outage(answered(503, "SlowDown"))
    wrapped = RuntimeError("upload failed")  # wrapped by a caller: the cause decides
    wrapped.__cause__ = down
    assert is_storage_outage(wrapped)
    # Our own mistakes stay errors (a 500 that gets looked at), not a calm 503.
    assert not is_storage_outage(answered(404, "NoSuchKey"))
    assert not is_storage_outage(answered(403, "AccessDenied"))
    assert outage_code(ValueError("bug")) is None
