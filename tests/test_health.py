"""/healthz and /readyz: readiness reads the real document storage (never writes to it)
and fails on a task queue no worker empties."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from openjobcenter.web import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    media = tmp_path / "media"
    (media / "documents").mkdir(parents=True)
    settings.MEDIA_ROOT = media
    return media


def test_healthz(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_every_service_without_writing(client: Client, media: Path) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {
        "database": "ok",
        "channel_layer": "ok",
        "storage": "ok",
        "task_queue": "ok",
    }
    assert list(media.rglob("*")) == [media / "documents"]  # nothing written


def test_readyz_names_the_failing_part_with_503(client: Client, monkeypatch: Any) -> None:
    def broken() -> None:
        raise OSError("disk gone")

    monkeypatch.setitem(health.CHECKS, "storage", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
    assert response.json()["checks"]["database"] == "ok"


def test_probes_by_the_pods_address_answer_while_other_paths_stay_host_checked(db: None) -> None:
    """A kubelet asks by the pod's IP, which is no allowed host (issue 20, item 1)."""
    pod = Client(HTTP_HOST="10.42.0.17:8000")
    assert pod.get("/healthz").json() == {"status": "ok"}
    ready = pod.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"
    # Everything else still refuses a host outside ALLOWED_HOSTS.
    assert pod.get("/").status_code == 400
    assert pod.get("/healthz/").status_code == 400
    # Only reads: a POST to the probe path goes through the full stack (and its host check).
    assert pod.post("/healthz").status_code == 400


def test_a_missing_document_folder_fails_readiness(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "not-mounted"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
    assert not (tmp_path / "not-mounted").exists()  # the probe created nothing


def test_a_fresh_installation_without_uploads_is_ready(
    client: Client, settings: Any, tmp_path: Path
) -> None:
    (tmp_path / "fresh").mkdir()
    settings.MEDIA_ROOT = tmp_path / "fresh"  # documents/ appears with the first upload
    assert client.get("/readyz").status_code == 200


def _s3_settings(settings: Any, endpoint: str, bucket: str = "ojc-docs") -> None:
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "storage": "s3",
        "s3_bucket": bucket,
        "s3_endpoint_url": endpoint,
        "s3_access_key": "test",
        "s3_secret_key": "test",
    }


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_s3_store_fails_readiness(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    _s3_settings(settings, f"http://127.0.0.1:{_closed_port()}")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["storage"]
    assert response.json()["checks"]["storage"].startswith("error:")


@pytest.fixture
def s3_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_a_reachable_s3_store_is_read_not_written(
    client: Client, settings: Any, s3_server: str
) -> None:
    import boto3  # type: ignore[import-untyped]

    s3 = boto3.client("s3", endpoint_url=s3_server, region_name="eu-central-1")
    # moto keeps its buckets per process, across servers: a name of this test's own.
    bucket = f"ojc-ready-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    _s3_settings(settings, s3_server, bucket)
    assert client.get("/readyz").json()["checks"]["storage"] == "ok"
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0

    _s3_settings(settings, s3_server, bucket)
    settings.DOCUMENTS = {**settings.DOCUMENTS, "s3_bucket": "no-such-bucket"}
    assert client.get("/readyz").json()["failing"] == ["storage"]


def _ready_task(waited: timedelta) -> DBTaskResult[Any, Any]:
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="openjobcenter.core.tasks.prune_task_results",
        backend_name="default",
        run_after=timezone.now() - waited,
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - waited)
    return row


def test_a_queue_no_worker_empties_fails_readiness(client: Client, settings: Any) -> None:
    settings.READYZ = {"queue_age_max_s": 300}
    _ready_task(timedelta(seconds=30))
    assert client.get("/readyz").status_code == 200  # young: a worker is on it

    old = _ready_task(timedelta(minutes=10))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["task_queue"]

    DBTaskResult.objects.filter(pk=old.pk).update(status="RUNNING")  # a worker took it
    assert client.get("/readyz").status_code == 200
