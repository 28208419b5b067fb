"""The restore drill (issue 20, docs/backup.md): back up a small installation, restore it into
a freshly created drill database and an empty storage folder, and check that the counts are
equal, a document decrypts to its original bytes and a customer can log in. A wrong master
key and a tampered file are refused before anything is touched.

The restores run as separate ``manage.py`` processes against the drill database, as an
operator would run them.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from openjobcenter.documents import storage
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import PASSWORD, make_customer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

KEY = base64.b64encode(b"k" * 32).decode()
WRONG_KEY = base64.b64encode(b"w" * 32).decode()
ORIGINAL = b"%PDF-1.4 Bescheid vom 1. Dezember " + bytes(range(256))

CHECK = """
import json
from django.test import Client
from openjobcenter.core.backup import row_counts
from openjobcenter.documents import storage
from openjobcenter.tenants.models import Jobcenter
jc = Jobcenter.objects.get(slug="fulda")
print(json.dumps({
    "counts": row_counts(),
    "document": storage.get(jc, "%(name)s").hex(),
    "login": Client().login(email="kunde@example.org", password="%(password)s"),
}))
"""


@pytest.fixture
def drill_db() -> Iterator[str]:
    """A dedicated drill database, dropped and created anew (the "wiped" installation)."""
    params = connection.get_connection_params()
    name = f"{connection.settings_dict['NAME']}_drill"
    admin = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}

    def run(sql: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **admin) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    yield name
    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _url(dbname: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def _manage(args: list[str], *, db: str, media: Path, key: str) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        OJC_ENV="test",
        DATABASE_URL=_url(db),
        MEDIA_ROOT=str(media),
        DOCUMENTS_MASTER_KEY=key,
    )
    return subprocess.run(
        [sys.executable, "-m", "openjobcenter.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _tables(db: str) -> list[str]:
    params = connection.get_connection_params()
    admin = {k: v for k, v in params.items() if k in {"host", "port", "user", "password"}}
    with psycopg.connect(dbname=db, **admin) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return [r[0] for r in rows]


def _files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.fixture
def installation(settings: Any, tmp_path: Path, jc_a: Jobcenter) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENTS = {**settings.DOCUMENTS, "master_key": KEY, "key_id": "k1", "old_keys": []}
    make_customer(jc_a, "kunde@example.org", "A-1001")
    make_customer(jc_a, "kundin2@example.org", "A-1002")
    name, _key_id = storage.put(jc_a, "drill", ".pdf", ORIGINAL)
    default_storage.save("logos/fulda.txt", ContentFile(b"logo"))
    backup_dir = tmp_path / "backup"
    call_command("backup", to=backup_dir)
    return {"name": name, "backup": backup_dir, "media": settings.MEDIA_ROOT}


def test_restore_drill_brings_back_counts_documents_and_logins(
    installation: dict[str, Any], drill_db: str, tmp_path: Path
) -> None:
    manifest = json.loads((installation["backup"] / "manifest.json").read_text())
    assert manifest["row_counts"]["accounts_user"] >= 2
    assert KEY not in (installation["backup"] / "manifest.json").read_text()
    assert installation["name"] in manifest["files"]["documents"]
    assert "logos/fulda.txt" in manifest["files"]["media"]
    restored = tmp_path / "restored-media"

    done = _manage(
        ["restore", "--from", str(installation["backup"])], db=drill_db, media=restored, key=KEY
    )
    assert done.returncode == 0, done.stderr
    assert "counts equal" in done.stdout
    assert (restored / "logos" / "fulda.txt").read_bytes() == b"logo"

    check = _manage(
        ["shell", "-c", CHECK % {"name": installation["name"], "password": PASSWORD}],
        db=drill_db,
        media=restored,
        key=KEY,
    )
    assert check.returncode == 0, check.stderr
    result = json.loads(check.stdout.strip().splitlines()[-1])
    assert result["counts"] == manifest["row_counts"]
    assert bytes.fromhex(result["document"]) == ORIGINAL
    assert result["login"] is True

    # A second restore over the now non-empty installation needs --force.
    again = _manage(
        ["restore", "--from", str(installation["backup"])], db=drill_db, media=restored, key=KEY
    )
    assert again.returncode != 0
    assert "not empty" in again.stderr


def test_wrong_master_key_stops_before_touching_anything(
    installation: dict[str, Any], drill_db: str, tmp_path: Path
) -> None:
    restored = tmp_path / "restored-media"
    restored.mkdir()
    refused = _manage(
        ["restore", "--from", str(installation["backup"]), "--force"],
        db=drill_db,
        media=restored,
        key=WRONG_KEY,
    )
    assert refused.returncode != 0
    assert "DOCUMENTS_MASTER_KEY" in refused.stderr
    assert "does not match the backup" in refused.stderr
    assert _tables(drill_db) == []
    assert _files(restored) == []


def test_tampered_file_is_refused(
    installation: dict[str, Any], drill_db: str, tmp_path: Path
) -> None:
    blob = installation["backup"] / "files" / "documents" / installation["name"]
    data = bytearray(blob.read_bytes())
    data[-1] ^= 1
    blob.write_bytes(bytes(data))
    restored = tmp_path / "restored-media"
    refused = _manage(
        ["restore", "--from", str(installation["backup"])], db=drill_db, media=restored, key=KEY
    )
    assert refused.returncode != 0
    assert f"documents/{installation['name']} does not match its checksum" in refused.stderr
    assert _tables(drill_db) == []
    assert _files(restored) == []


def test_key_escrow_prints_the_fingerprint_never_the_key(installation: dict[str, Any]) -> None:
    from io import StringIO

    from openjobcenter.core.backup import key_fingerprints

    out = StringIO()
    call_command("documents_key_escrow", stdout=out)
    text = out.getvalue()
    assert key_fingerprints()["k1"] in text
    assert KEY not in text
    assert "losing it loses every document" in text
    out = StringIO()
    call_command("documents_key_escrow", check_key=KEY, stdout=out)
    assert "matches" in out.getvalue()
    with pytest.raises(Exception, match="does NOT match"):
        call_command("documents_key_escrow", check_key=WRONG_KEY)
