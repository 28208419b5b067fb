"""Back up and restore: database, stored files and a manifest (issue 20, docs/backup.md).

A backup is a folder::

    manifest.json          created at, migrations, row counts, SHA-256 of every file, key fingerprints
    database.dump          pg_dump -Fc (PostgreSQL)  |  database.sqlite3 (SQLite, the .backup API)
    files/documents/...    every file of the documents storage (encrypted blobs, as stored)
    files/media/...        every file of the default storage (application PDFs, attachments, logos)

Files are read and written through Django's storage API, so an S3 documents storage is
backed up and restored the same way as a local folder. The documents master key is never
written anywhere: the manifest holds an HMAC of a fixed label under each configured key, so
a restore can tell, before touching anything, that the key it has is the one the blobs need.

On PostgreSQL the dump and the row counts come from one exported snapshot, so the counts in
the manifest are exactly what the dump holds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.db import connection, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from openjobcenter.documents import storage as documents

FORMAT = 1
MANIFEST = "manifest.json"
FINGERPRINT_LABEL = b"openjobcenter backup key fingerprint v1"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore stops; the message names the problem for the operator."""


# --- Keys ------------------------------------------------------------------------------------


def key_fingerprints() -> dict[str, str]:
    """Key id → HMAC-SHA256 of a fixed label under that master key (never the key)."""
    return {
        key_id: hmac.new(raw, FINGERPRINT_LABEL, hashlib.sha256).hexdigest()
        for key_id, raw in documents.master_keys().items()
    }


# --- Storages --------------------------------------------------------------------------------


def storages() -> dict[str, Storage]:
    return {"documents": documents.documents_storage(), "media": default_storage}


def _skip_in_media(storage_name: str, top: str) -> bool:
    """The local documents folder lies inside MEDIA_ROOT: back it up once, as documents."""
    docs = documents.documents_storage()
    return (
        storage_name == "media"
        and top == "documents"
        and isinstance(docs, FileSystemStorage)
        and Path(docs.location).resolve() == (Path(settings.MEDIA_ROOT) / "documents").resolve()
    )


def walk(storage: Storage, storage_name: str, prefix: str = "") -> Iterator[str]:
    """Every file name of ``storage`` (through listdir, so S3 works the same)."""
    try:
        dirs, files = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{prefix}{name}"
    for sub in sorted(dirs):
        if not prefix and _skip_in_media(storage_name, sub):
            continue
        yield from walk(storage, storage_name, f"{prefix}{sub}/")


def _safe(name: str) -> str:
    """A stored name that cannot climb out of the backup folder."""
    parts = name.split("/")
    if name.startswith("/") or any(p in {"", ".", ".."} for p in parts):
        msg = f"unsafe file name in the backup: {name!r}"
        raise BackupError(msg)
    return name


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


# --- Database --------------------------------------------------------------------------------


def counted_models() -> list[type[models.Model]]:
    """The tables whose row counts a restore must reproduce: every model of the project and the users."""
    return sorted(
        (
            m
            for m in apps.get_models()
            if m._meta.managed
            and not m._meta.proxy
            and (m.__module__.startswith("openjobcenter.") or m._meta.app_label == "auth")
        ),
        key=lambda m: m._meta.db_table,
    )


def row_counts() -> dict[str, int]:
    with connection.cursor() as cur:
        counts = {}
        for model in counted_models():
            table = connection.ops.quote_name(model._meta.db_table)
            cur.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - a model's own table name
            counts[model._meta.db_table] = int(cur.fetchone()[0])
    return counts


def applied_migrations() -> list[str]:
    return sorted(
        f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations()
    )


def database_is_empty() -> bool:
    """No migration recorded and no project table with a row."""
    tables = set(connection.introspection.table_names())
    if MigrationRecorder.Migration._meta.db_table not in tables:
        return True
    if MigrationRecorder(connection).applied_migrations():
        return False
    return not any(c for t, c in _existing_counts(tables).items())


def _existing_counts(tables: set[str]) -> dict[str, int]:
    present = {m._meta.db_table for m in counted_models()} & tables
    with connection.cursor() as cur:
        out = {}
        for table in sorted(present):
            cur.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            out[table] = int(cur.fetchone()[0])
    return out


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    env.update(
        {
            "PGHOST": str(db.get("HOST") or ""),
            "PGPORT": str(db.get("PORT") or ""),
            "PGUSER": str(db.get("USER") or ""),
            "PGPASSWORD": str(db.get("PASSWORD") or ""),
            "PGDATABASE": str(db["NAME"]),
        }
    )
    return {k: v for k, v in env.items() if v != "" or not k.startswith("PG")}


def _client_major(tool: str) -> int:
    if shutil.which(tool) is None:
        msg = f"{tool} is not installed (the PostgreSQL client tools are needed)"
        raise BackupError(msg)
    out = subprocess.run([tool, "--version"], check=True, capture_output=True, text=True).stdout  # noqa: S603
    match = re.search(r"(\d+)", out)
    return int(match.group(1)) if match else 0


def check_pg_tools(tool: str) -> None:
    """pg_dump/pg_restore must be at least as new as the server (older ones refuse or miss things)."""
    client = _client_major(tool)
    connection.ensure_connection()
    server = connection.connection.info.server_version // 10000
    if client < server:
        msg = f"{tool} {client} is older than the PostgreSQL server {server}: install the client {server}"
        raise BackupError(msg)


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        msg = f"{cmd[0]} failed: {proc.stderr.strip()[-2000:]}"
        raise BackupError(msg)


# --- Back up ---------------------------------------------------------------------------------


@dataclass
class Result:
    manifest: dict[str, Any]
    folder: Path


def backup(folder: Path) -> Result:
    folder = folder.resolve()
    if folder.exists() and any(folder.iterdir()):
        msg = f"{folder} is not empty: back up into a new folder"
        raise BackupError(msg)
    folder.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        check_pg_tools("pg_dump")
        dump = folder / "database.dump"
        with transaction.atomic():
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cur.execute("SELECT pg_export_snapshot()")
                snapshot = str(cur.fetchone()[0])
            counts = row_counts()
            migrations = applied_migrations()
            # pg_dump reads the same snapshot while this transaction holds it open.
            _run(["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(dump)])
    elif vendor == "sqlite":
        dump = folder / "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(dump)
        try:
            connection.connection.backup(target)
            # Counts and migrations from the copy itself: exactly what it holds.
            counts = {}
            for model in counted_models():
                table = model._meta.db_table
                row = target.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()  # noqa: S608
                counts[table] = int(row[0])
            migrations = sorted(
                f"{app}.{name}"
                for app, name in target.execute("SELECT app, name FROM django_migrations")
            )
        finally:
            target.close()
    else:
        msg = f"unsupported database {vendor}"
        raise BackupError(msg)

    files: dict[str, dict[str, dict[str, Any]]] = {}
    for storage_name, storage in storages().items():
        entries: dict[str, dict[str, Any]] = {}
        for name in walk(storage, storage_name):
            target_path = folder / "files" / storage_name / _safe(name)
            target_path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            size = 0
            with storage.open(name, "rb") as src, target_path.open("wb") as dst:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
            entries[name] = {"sha256": digest.hexdigest(), "size": size}
        files[storage_name] = entries

    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "database": {"vendor": vendor, "file": dump.name, "sha256": sha256_file(dump)},
        "migrations": migrations,
        "row_counts": counts,
        "files": files,
        "key_fingerprints": key_fingerprints(),
        "current_key_id": documents.current_key_id(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
    return Result(manifest, folder)


# --- Restore ---------------------------------------------------------------------------------

REQUIRED = (
    "format",
    "created_at",
    "database",
    "migrations",
    "row_counts",
    "files",
    "key_fingerprints",
)


def verify(folder: Path) -> dict[str, Any]:
    """Everything a restore checks before it touches anything; raises BackupError."""
    path = folder / MANIFEST
    if not path.is_file():
        msg = f"no {MANIFEST} in {folder}: not a backup, or an incomplete one"
        raise BackupError(msg)
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        msg = f"{MANIFEST} is damaged: {exc}"
        raise BackupError(msg) from exc
    missing = [k for k in REQUIRED if k not in manifest]
    if missing:
        msg = f"{MANIFEST} is incomplete, missing: {', '.join(missing)}"
        raise BackupError(msg)
    if manifest["format"] != FORMAT:
        msg = f"backup format {manifest['format']} is not supported (this version reads {FORMAT})"
        raise BackupError(msg)

    configured = key_fingerprints()
    for key_id, fingerprint in manifest["key_fingerprints"].items():
        if key_id not in configured:
            msg = (
                f"The documents key {key_id!r} of the backup is not configured "
                "(DOCUMENTS_KEY_ID / DOCUMENTS_OLD_KEYS): the documents would not decrypt. Nothing was changed."
            )
            raise BackupError(msg)
        if not hmac.compare_digest(configured[key_id], str(fingerprint)):
            msg = (
                f"The configured DOCUMENTS_MASTER_KEY (key id {key_id!r}) does not match the backup: "
                "its documents would not decrypt. Configure the key the backup was made with "
                "(see the key escrow, docs/backup.md). Nothing was changed."
            )
            raise BackupError(msg)

    db = manifest["database"]
    if db.get("vendor") != connection.vendor:
        msg = f"the backup is of a {db.get('vendor')} database, this installation uses {connection.vendor}"
        raise BackupError(msg)
    dump = folder / _safe(str(db.get("file", "")))
    if not dump.is_file():
        msg = f"the database dump {dump.name} is missing"
        raise BackupError(msg)
    if sha256_file(dump) != db.get("sha256"):
        msg = f"the database dump {dump.name} does not match its checksum: damaged or altered"
        raise BackupError(msg)

    for storage_name, entries in manifest["files"].items():
        if storage_name not in storages():
            msg = f"unknown storage {storage_name!r} in the manifest"
            raise BackupError(msg)
        for name, entry in entries.items():
            file_path = folder / "files" / storage_name / _safe(name)
            if not file_path.is_file():
                msg = f"file {storage_name}/{name} is listed in the manifest but missing"
                raise BackupError(msg)
            if sha256_file(file_path) != entry.get("sha256"):
                msg = f"file {storage_name}/{name} does not match its checksum: damaged or altered"
                raise BackupError(msg)
    return manifest


def storages_are_empty() -> bool:
    return not any(next(walk(s, n), None) for n, s in storages().items())


def restore(folder: Path, *, force: bool = False) -> dict[str, Any]:
    folder = folder.resolve()
    manifest = verify(folder)
    if not force and not database_is_empty():
        msg = "The database is not empty: restore into an empty one, or pass --force to replace it."
        raise BackupError(msg)
    if not force and not storages_are_empty():
        msg = "The file storage is not empty: restore into an empty one, or pass --force to replace it."
        raise BackupError(msg)

    dump = folder / manifest["database"]["file"]
    if connection.vendor == "postgresql":
        check_pg_tools("pg_restore")
        connection.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                "-d",
                _pg_env()["PGDATABASE"],
                str(dump),
            ]
        )
    else:
        connections.close_all()
        source = sqlite3.connect(dump)
        target = sqlite3.connect(str(settings.DATABASES["default"]["NAME"]))
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    restore_files(folder, manifest)

    counts = row_counts()
    expected = {t: int(c) for t, c in manifest["row_counts"].items()}
    differ = {t: (expected[t], counts.get(t)) for t in expected if counts.get(t) != expected[t]}
    if differ:
        msg = f"row counts differ after the restore (table: backup, now): {differ}"
        raise BackupError(msg)
    return manifest


def restore_files(folder: Path, manifest: dict[str, Any]) -> int:
    """Write every file of a verified backup through the storage API, under its own name
    (the name is bound into the encryption). Returns the number of files written."""
    written = 0
    for storage_name, storage in storages().items():
        for name in manifest["files"].get(storage_name, {}):
            if storage.exists(name):
                storage.delete(name)
            data = (folder / "files" / storage_name / name).read_bytes()
            written += 1
            stored = storage.save(name, ContentFile(data))
            if stored != name:
                msg = f"the storage renamed {name!r} to {stored!r}"
                raise BackupError(msg)
    return written
