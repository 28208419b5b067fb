"""The real ASGI server for browser tests that need WebSockets (video call, chat).

pytest-django's ``live_server`` speaks WSGI and cannot serve WebSockets (and channels'
``ChannelsLiveServerTestCase`` needs daphne), so these tests run uvicorn in a subprocess
against a SQLite file in a temporary folder (a copy of one migrated per test process). A
setup subprocess fills it and prints, as its last line, JSON with a session cookie per person and the page each opens;
the people are logged in with those cookies (the log-in pages are tested elsewhere).
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = ("customer", "staff")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(env: dict[str, str], port: int, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "openjobcenter.config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            _stop(server)
            pytest.fail(f"uvicorn did not start:\n{log_path.read_text()[-4000:]}")
        time.sleep(0.2)


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# One migrated SQLite file per test process, copied for each server's database: every
# test still starts on a fresh database with every migration applied, but the migrations
# run once per worker instead of once per test (about 6 s of CPU each, more under
# coverage). The ``prepare`` functions' own ``migrate`` then finds nothing to do.
_TEMPLATE: list[Path] = []


def _migrated_template(env: dict[str, str]) -> Path:
    if _TEMPLATE:
        return _TEMPLATE[0]
    folder = Path(tempfile.mkdtemp(prefix="ojc-asgi-template-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    database = folder / "template.sqlite3"
    migrate = subprocess.run(
        [sys.executable, "-m", "openjobcenter.manage", "migrate", "--no-input", "-v", "0"],
        check=False,
        cwd=ROOT,
        env={**env, "DATABASE_URL": f"sqlite:///{database}", "OJC_BASE_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr[-4000:]
    _TEMPLATE.append(database)
    return database


def _fresh_database(env: dict[str, str], target: Path) -> None:
    template = _migrated_template(env)
    shutil.copyfile(template, target)
    for suffix in ("-wal", "-shm"):  # none after a clean exit; copied if SQLite left them
        side = template.with_name(template.name + suffix)
        if side.exists():
            shutil.copyfile(side, target.with_name(target.name + suffix))


class AsgiServer:
    def __init__(self, env: dict[str, str], port: int, log_path: Path) -> None:
        self.env, self.port, self.log_path = env, port, log_path
        self.base = f"http://127.0.0.1:{port}"
        self.process = _start(env, port, log_path)

    def restart_after(self, seconds: float) -> None:
        """Stop the server, wait, start it again on the same port (same database)."""
        _stop(self.process)
        time.sleep(seconds)
        self.process = _start(self.env, self.port, self.log_path)


@contextmanager
def serve(
    tmp_path: Path, *, prepare: str, database: str, unset: tuple[str, ...] = ()
) -> Iterator[tuple[AsgiServer, dict[str, Any]]]:
    """Run ``prepare`` (a ``module:function``) in a setup subprocess, then uvicorn.

    ``unset`` names environment variables the server must not see. On leaving, the server
    log must hold no traceback or error.
    """
    module, function = prepare.split(":")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / database}",
        "OJC_BASE_DIR": str(tmp_path),
        "OJC_ENV": "test",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "LOG_LEVEL": "warning",
    }
    # The browser suite's exception, not the server's.
    for name in ("DJANGO_ALLOW_ASYNC_UNSAFE", *unset):
        env.pop(name, None)
    _fresh_database(env, tmp_path / database)
    code = (
        "import django, json; django.setup(); "
        f"from {module} import {function}; print(json.dumps({function}()))"
    )
    setup = subprocess.run(
        [sys.executable, "-c", code],
        check=False,
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert setup.returncode == 0, setup.stderr[-4000:]
    data = json.loads(setup.stdout.strip().splitlines()[-1])
    log_path = tmp_path / "uvicorn.log"
    server = AsgiServer(env, _free_port(), log_path)
    try:
        yield server, data
    finally:
        _stop(server.process)
        errors = [
            line
            for line in log_path.read_text().splitlines()
            if "Traceback" in line or "ERROR" in line
        ]
        assert not errors, log_path.read_text()[-4000:]


def sessions(customer: Any, staff: Any) -> dict[str, str]:
    """For ``prepare``: session cookies of a customer and an MFA-verified staff member."""
    from django.conf import settings
    from django.test import Client

    from tests.conftest import login_with_mfa

    customer_client = Client()
    customer_client.force_login(customer.user)
    staff_client = login_with_mfa(Client(), staff)
    cookie = settings.SESSION_COOKIE_NAME
    return {
        "cookie": cookie,
        "customer_session": customer_client.cookies[cookie].value,
        "staff_session": staff_client.cookies[cookie].value,
    }


def open_as(browser: Any, base: str, data: dict[str, Any], who: str) -> Any:
    """A fresh context logged in as ``who`` (customer or staff); returns its new page."""
    # A device in another time zone than the job centre's: pages show the job centre's.
    context = browser.new_context(base_url=base, locale="de-DE", timezone_id="America/New_York")
    context.set_default_timeout(20_000)
    context.add_cookies([{"name": data["cookie"], "value": data[f"{who}_session"], "url": base}])
    return context.new_page()
