"""Production start without demo data, and logs that name routes, not secret-bearing paths.

Real processes on a fresh SQLite database in a temporary folder: ``manage demo_load`` with
``OJC_ENV=production``, and ``python -m openjobcenter.serve --migrate`` (the production
start without ``--collectstatic``, which takes minutes: so that server runs with
``OJC_ENV=development``, DEBUG off, JSON logs, to render its pages from the apps' static
folders). The log check covers uvicorn's logging as ``serve`` configures it and the app's.
"""

from __future__ import annotations

import base64
import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

FEED_TOKEN = "FeedTokenSecret0123456789abcdefghijklmnopq"
RESET_KEY = "ResetKeySecret-cv4k2s-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(base: Path, environment: str = "production") -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        # The subprocess gets its own embedded database and no shared services.
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "OJC_ENV"}
    }
    env.update(
        {
            "OJC_ENV": environment,
            "DEBUG": "false",
            "OJC_BASE_DIR": str(base),
            "SECRET_KEY": "production-test-key-" + "k" * 40,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://ojc.example.org",
            "EMAIL_HOST": "localhost",
            "DOCUMENTS_MASTER_KEY": base64.b64encode(b"m" * 32).decode(),
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "info",
            "LOG_FORMAT": "json",
        }
    )
    return env


def users_in(database: Path) -> int:
    with sqlite3.connect(database) as db:
        return int(db.execute("SELECT count(*) FROM accounts_user").fetchone()[0])


@pytest.fixture
def production_server(tmp_path: Path) -> Iterator[tuple[int, Path, subprocess.Popen[str]]]:
    port = free_port()
    env = {**production_env(tmp_path, "development"), "PORT": str(port), "HOST": "127.0.0.1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "openjobcenter.serve", "--migrate"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    # The children hold the pipe open: stop them all before reading.
                    os.killpg(process.pid, signal.SIGKILL)
                    output, _ = process.communicate(timeout=10)
                    raise RuntimeError(f"server did not start:\n{output}") from None
                time.sleep(0.3)
        yield port, tmp_path / "var" / "db.sqlite3", process
    finally:
        # serve stops its worker and scheduler children on SIGTERM; the group signal
        # reaches them too should serve itself be gone.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate(timeout=5)


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (http://127.0.0.1)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_production_start_without_demo_data_and_logs_without_secrets(
    production_server: tuple[int, Path, subprocess.Popen[str]], tmp_path: Path
) -> None:
    port, database, process = production_server
    # Migrated (the server answers from a fresh database), and nobody can log in with
    # the published demo password: there are no accounts at all.
    assert users_in(database) == 0
    assert status_of(f"http://127.0.0.1:{port}/readyz") == 200

    # demo_load refuses production: exit code 1, a clear message, nothing written.
    refused = subprocess.run(
        [sys.executable, "-m", "openjobcenter.manage", "demo_load"],
        env=production_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert refused.returncode == 1
    assert "demo_load refuses to run with OJC_ENV=production" in refused.stderr
    assert "Demo-Passwort" not in refused.stdout + refused.stderr
    assert users_in(database) == 0
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM tenants_jobcenter").fetchone()[0] == 0

    # Paths with credentials: neither the app's log nor uvicorn's names them.
    base = f"http://127.0.0.1:{port}"
    assert status_of(f"{base}/fulda/kalender/{FEED_TOKEN}.ics") == 404
    status_of(f"{base}/konto/password/reset/key/1-{RESET_KEY}/")
    status_of(f"{base}/konto/password/reset/key/1-{RESET_KEY}/?next=/x")
    os.killpg(process.pid, signal.SIGTERM)
    output, _ = process.communicate(timeout=30)
    assert FEED_TOKEN not in output
    assert RESET_KEY not in output
    # The app's access log still says what was asked for, by route.
    assert "GET /<slug:jc>/kalender/<str:token>.ics 404" in output, output[-3000:]
    assert "/konto/password/reset/key/" in output
