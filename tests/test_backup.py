"""Backup and restore in this process, on both databases (the PostgreSQL drill that restores
into a fresh database is tests/test_backup_drill.py): an S3 documents storage is backed up
and restored through the storage API, and every refusal leaves database and files as they were.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from openjobcenter.core import backup
from openjobcenter.documents import storage
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db(transaction=True)

KEY = base64.b64encode(b"k" * 32).decode()
WRONG_KEY = base64.b64encode(b"w" * 32).decode()


@pytest.fixture
def installation(settings: Any, tmp_path: Path, jc_a: Jobcenter) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS = {**settings.DOCUMENTS, "master_key": KEY, "key_id": "k1", "old_keys": []}
    make_customer(jc_a, "kunde@example.org", "A-1001")
    name, _k = storage.put(jc_a, "drill", ".pdf", b"%PDF original")
    default_storage.save("logos/fulda.txt", ContentFile(b"logo"))
    folder = tmp_path / "backup"
    call_command("backup", to=folder)
    return {"name": name, "backup": folder, "media": settings.MEDIA_ROOT}


def _state(media: Path) -> tuple[dict[str, int], dict[str, bytes]]:
    files = {str(p.relative_to(media)): p.read_bytes() for p in media.rglob("*") if p.is_file()}
    return backup.row_counts(), files


def _refused(folder: Path, message: str, *, force: bool = True) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("restore", source=folder, force=force)


def test_wrong_master_key_changes_nothing(installation: dict[str, Any], settings: Any) -> None:
    before = _state(installation["media"])
    settings.DOCUMENTS = {**settings.DOCUMENTS, "master_key": WRONG_KEY}
    _refused(installation["backup"], "DOCUMENTS_MASTER_KEY .* does not match the backup")
    assert _state(installation["media"]) == before


def test_missing_key_id_is_named(installation: dict[str, Any], settings: Any) -> None:
    settings.DOCUMENTS = {**settings.DOCUMENTS, "key_id": "k2"}
    _refused(installation["backup"], "documents key 'k1' of the backup is not configured")


def test_damaged_backups_are_refused(installation: dict[str, Any]) -> None:
    folder: Path = installation["backup"]
    before = _state(installation["media"])
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())

    (folder / "files" / "media" / "logos" / "fulda.txt").write_bytes(b"LOGO")
    _refused(folder, "file media/logos/fulda.txt does not match its checksum")
    (folder / "files" / "media" / "logos" / "fulda.txt").write_bytes(b"logo")

    dump = folder / manifest["database"]["file"]
    dump.write_bytes(dump.read_bytes() + b"x")
    _refused(folder, "database dump .* does not match its checksum")
    dump.write_bytes(dump.read_bytes()[:-1])

    blob = folder / "files" / "documents" / installation["name"]
    kept = blob.read_bytes()
    blob.unlink()
    _refused(folder, f"documents/{installation['name']} is listed in the manifest but missing")
    blob.write_bytes(kept)

    manifest["files"]["media"]["../../etc/passwd"] = {"sha256": "0", "size": 0}
    manifest_path.write_text(json.dumps(manifest))
    _refused(folder, "unsafe file name")

    del manifest["key_fingerprints"]
    manifest_path.write_text(json.dumps(manifest))
    _refused(folder, "incomplete, missing: key_fingerprints")

    manifest_path.unlink()
    _refused(folder, "no manifest.json")
    assert _state(installation["media"]) == before


def test_non_empty_installation_needs_force(installation: dict[str, Any]) -> None:
    before = _state(installation["media"])
    _refused(installation["backup"], "database is not empty", force=False)
    assert _state(installation["media"]) == before
    out = backup.verify(installation["backup"])
    assert out["row_counts"] == before[0]


def test_backup_refuses_a_folder_in_use(installation: dict[str, Any]) -> None:
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", to=installation["backup"])


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    import boto3  # type: ignore[import-untyped]
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    client = boto3.client("s3", endpoint_url=url, region_name="eu-central-1")
    for bucket in ("ojc-live", "ojc-new"):
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
    yield url
    server.stop()


def _on_bucket(settings: Any, url: str, bucket: str) -> None:
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "storage": "s3",
        "s3_bucket": bucket,
        "s3_endpoint_url": url,
        "s3_access_key": "test",
        "s3_secret_key": "test",
    }


def test_s3_documents_are_backed_up_and_restored_through_the_storage_api(
    s3: str, settings: Any, tmp_path: Path, jc_a: Jobcenter
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS = {**settings.DOCUMENTS, "master_key": KEY, "key_id": "k1", "old_keys": []}
    _on_bucket(settings, s3, "ojc-live")
    names = [storage.put(jc_a, "documents", ".pdf", f"Seite {i}".encode())[0] for i in range(3)]
    folder = tmp_path / "backup"
    manifest = backup.backup(folder).manifest
    assert sorted(manifest["files"]["documents"]) == sorted(names)

    _on_bucket(settings, s3, "ojc-new")  # the lost bucket's replacement, empty
    assert backup.storages_are_empty()
    assert backup.restore_files(folder, backup.verify(folder)) == 3
    assert [storage.get(jc_a, n) for n in names] == [f"Seite {i}".encode() for i in range(3)]
