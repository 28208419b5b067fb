"""Encryption at rest (AES-GCM, key per job centre, rotation) and the S3 path against a
local S3-compatible server (moto's server mode)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openjobcenter.documents import storage
from openjobcenter.documents.storage import DecryptionError
from openjobcenter.tenants.models import Jobcenter

KEY2 = base64.b64encode(b"2" * 32).decode()


def test_roundtrip_encrypted_on_disk(jc_a: Jobcenter, settings: Any) -> None:
    name, key_id = storage.put(jc_a, "documents", ".pdf", b"%PDF-1.7 geheim")
    on_disk = (Path(settings.MEDIA_ROOT) / "documents" / name).read_bytes()
    assert b"geheim" not in on_disk
    assert on_disk.startswith(storage.MAGIC)
    assert storage.get(jc_a, name) == b"%PDF-1.7 geheim"
    assert key_id == "k1"


def test_key_per_jobcenter_and_name_bound(jc_a: Jobcenter, jc_b: Jobcenter) -> None:
    blob = storage.encrypt(b"data", storage_id=jc_a.storage_id, name="x")
    with pytest.raises(DecryptionError):
        storage.decrypt(blob, storage_id=jc_b.storage_id, name="x")
    with pytest.raises(DecryptionError):
        storage.decrypt(blob, storage_id=jc_a.storage_id, name="y")
    assert storage.jobcenter_key(jc_a.storage_id, "k1") != storage.jobcenter_key(
        jc_b.storage_id, "k1"
    )


def test_rotation(jc_a: Jobcenter, settings: Any) -> None:
    name, _k = storage.put(jc_a, "documents", "", b"old")
    old_master = base64.b64encode(storage.master_keys()["k1"]).decode()
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "master_key": KEY2,
        "key_id": "k2",
        "old_keys": [f"k1:{old_master}"],
    }
    assert storage.get(jc_a, name) == b"old"  # old key still readable
    assert storage.needs_rekey(name)
    new_name = storage.rekey_copy(jc_a, name)
    assert new_name != name
    assert not storage.needs_rekey(new_name)
    settings.DOCUMENTS = {**settings.DOCUMENTS, "old_keys": []}
    assert storage.get(jc_a, new_name) == b"old"  # now under k2 alone


@pytest.fixture
def s3_server() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def test_s3_compatible_storage(
    s3_server: str, jc_a: Jobcenter, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3  # type: ignore[import-untyped]

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    boto3.client("s3", endpoint_url=s3_server, region_name="eu-central-1").create_bucket(
        Bucket="ojc-docs", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "storage": "s3",
        "s3_bucket": "ojc-docs",
        "s3_endpoint_url": s3_server,
        "s3_access_key": "test",
        "s3_secret_key": "test",
    }
    name, _k = storage.put(jc_a, "documents", ".pdf", b"%PDF s3 inhalt")
    raw = (
        boto3.client("s3", endpoint_url=s3_server, region_name="eu-central-1")
        .get_object(Bucket="ojc-docs", Key=name)["Body"]
        .read()
    )
    assert b"inhalt" not in raw
    assert storage.get(jc_a, name) == b"%PDF s3 inhalt"
    storage.delete(name)
    assert not storage.exists(name)
