"""Scale-out on one machine (issue 20, item 2): two web nodes, two workers, two schedulers.

Everything runs as the operator would run it, all started at once: ``python -m
openjobcenter.serve --web-only`` twice (node A with ``--migrate``, which finds nothing to
do; two nodes migrating at once: ``tests/test_migrate_lock.py``), two ``manage
db_worker`` and two ``manage run_scheduler``, all on one fresh PostgreSQL database
(``<test db>_multinode``, created here as a copy of a migrated template kept between runs,
and dropped at the end; never the test database's tables), the Redis of ``REDIS_URL``
(own cache and channel prefixes) and an S3 API server: **moto's server stands in for the
S3-compatible object store** (SeaweedFS, MinIO or a cloud bucket in production). Both
``DOCUMENTS_STORAGE`` and ``MEDIA_STORAGE`` are S3; ``MEDIA_ROOT`` is a folder that must
stay empty (no node writes a file to its own disk).

Checked through real HTTP and WebSockets, with real logins (password; password and
second factor for staff):

(a) a document uploaded through node A is processed by one of the workers and downloads
    through node B with the bytes the worker recorded (SHA-256), equal to A's download;
(b) a customer's chat socket on node A receives what staff send through node B;
(c) every periodic job ran once per period: one ``ScheduledRun`` row and one enqueued
    task per period, all by one of the two schedulers;
(d) with the S3 server stopped, ``/readyz`` fails naming the storage on both nodes and an
    upload answers 503 ``storage_unavailable`` with no document row left behind; after the
    restart both are ready again, the earlier document still downloads byte for byte and
    a new upload goes through.

The S3 server runs in this process (moto's WSGI application on werkzeug, as moto's own
``ThreadedMotoServer``, but closing its socket and every connection when stopped), so its
objects outlive a stop and restart, as a real store's would.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not (ON_POSTGRES and REDIS_URL), reason="needs PostgreSQL and Redis"),
]

DOCS_BUCKET = "ojc-multinode-documents"
MEDIA_BUCKET = "ojc-multinode-media"
JC = "fulda"
# Up to this long for anything the cluster must do (process, deliver), and for the start.
# Generous for a shared CI machine (load 15 measured: the seven processes took 120 s to
# be ready); a process that dies ends the wait at once, with the logs.
WAIT_S = 90.0
START_S = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- The S3 API server ---------------------------------------------------------------------


class S3Server:
    """moto's S3 API on a fixed port that can be stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        class OneRequestPerConnection(MotoRequestHandler):
            # HTTP/1.0: no kept-alive connection outlives stop(), so a stopped server
            # is unreachable for every client at once, as a store that went down.
            protocol_version = "HTTP/1.0"

        self._server = make_server(
            "127.0.0.1",
            self.port,
            DomainDispatcherApplication(create_backend_app),
            threaded=True,
            request_handler=OneRequestPerConnection,
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        assert self._thread is not None
        self._thread.join(5)

    def client(self) -> Any:
        import boto3  # type: ignore[import-untyped]

        return boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="eu-central-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )


# --- The cluster ----------------------------------------------------------------------------


class Cluster:
    """The processes of the scenario, their logs, and the shared environment."""

    def __init__(self, tmp_path: Path, database_url: str, s3: S3Server) -> None:
        self.started = time.monotonic()
        self.phases: list[str] = []
        self.logs = tmp_path / "logs"
        self.logs.mkdir()
        self.media_root = tmp_path / "media-must-stay-empty"
        self.media_root.mkdir()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}
        self.ports = {"a": free_port(), "b": free_port()}
        self.master_key = base64.b64encode(secrets.token_bytes(32)).decode()
        prefix = f"ojc-mn-{secrets.token_hex(4)}"
        self.env = {
            **os.environ,
            "OJC_ENV": "development",
            "DEBUG": "0",
            "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            "SECRET_KEY": secrets.token_urlsafe(40),
            "DATABASE_URL": database_url,
            "DATABASE_POOL_MIN": "0",
            "DATABASE_POOL_SIZE": "3",
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": prefix,
            "CHANNEL_LAYER_PREFIX": prefix.replace("-", ""),
            "TASKS_IMMEDIATE": "false",
            "MEDIA_ROOT": str(self.media_root),
            "DOCUMENTS_MASTER_KEY": self.master_key,
            "DOCUMENTS_STORAGE": "s3",
            "DOCUMENTS_S3_BUCKET": DOCS_BUCKET,
            "DOCUMENTS_S3_ENDPOINT_URL": s3.url,
            "DOCUMENTS_S3_ACCESS_KEY": "testing",
            "DOCUMENTS_S3_SECRET_KEY": "testing",
            "MEDIA_STORAGE": "s3",
            "MEDIA_S3_BUCKET": MEDIA_BUCKET,
            # Tiny data, quick: OCR is a pipeline step like the others, tested elsewhere.
            "DOCUMENTS_OCR": "false",
            "DOCUMENTS_DPI": "150",
            "DOCUMENTS_SCANNER": "none",
        }
        for name in ("PYTEST_XDIST_WORKER", "OJC_BASE_DIR"):
            self.env.pop(name, None)

    def phase(self, name: str) -> None:
        self.phases.append(f"{name} {time.monotonic() - self.started:.1f} s")

    def url(self, node: str, path: str) -> str:
        return f"http://127.0.0.1:{self.ports[node]}{path}"

    def start(self, name: str, *args: str, env: dict[str, str] | None = None) -> None:
        log = (self.logs / f"{name}.log").open("wb")
        self.procs[name] = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def start_web(self, node: str, *options: str) -> None:
        self.start(
            f"web-{node}",
            "-m",
            "openjobcenter.serve",
            *options,
            "--web-only",
            env={"PORT": str(self.ports[node]), "HOST": "127.0.0.1"},
        )

    def run(self, name: str, *args: str) -> str:
        """A short command with the nodes' environment; its standard output."""
        done = subprocess.run(
            [sys.executable, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            timeout=START_S,
            check=False,
        )
        (self.logs / f"{name}.log").write_bytes(done.stdout + done.stderr)
        if done.returncode != 0:
            raise AssertionError(f"{name} failed ({done.returncode})")
        return done.stdout.decode()

    def check_alive(self) -> None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                raise AssertionError(f"{name} exited with {proc.returncode}")

    def wait(self, check: Callable[[], Any], what: str, timeout: float = WAIT_S) -> Any:
        """Polls ``check`` until it returns something true; fails fast if a process died."""
        deadline = time.monotonic() + timeout
        while True:
            result = check()
            if result:
                return result
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(0.25)

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)

    def log_tails(self, lines: int = 40) -> str:
        parts = []
        for log in sorted(self.logs.glob("*.log")):
            tail = log.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"----- {log.name} (last {len(tail)} lines) -----\n" + "\n".join(tail))
        return "\n".join(parts)


def _database_urls() -> tuple[str, str, str]:
    """(the server's maintenance database, the scenario's database, its name)."""
    parts = urlsplit(DATABASE_URL)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    name = f"{parts.path.lstrip('/') or 'postgres'}_multinode{('_' + worker) if worker else ''}"
    return (
        urlunsplit(parts._replace(path="/postgres", scheme="postgresql")),
        urlunsplit(parts._replace(path="/" + name)),
        name,
    )


def _code_migrations() -> set[tuple[str, str]]:
    from django.db.migrations.loader import MigrationLoader

    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def _migrated_template(admin: Any, base_url: str) -> str:
    """A database migrated to this tree's migrations, kept between runs as a template
    (``<db>_multinode_template``): migrating a fresh database is most of the scenario's
    time (10 s on a quiet machine, 80 s at load 14), copying one takes a second. Made
    again whenever the tree's migrations differ from what it holds. Call under the lock."""
    import psycopg

    name = urlsplit(base_url).path.lstrip("/").rsplit("_multinode", 1)[0] + "_multinode_template"
    url = urlunsplit(urlsplit(base_url)._replace(path="/" + name, scheme="postgresql"))
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if exists:
        with psycopg.connect(url, autocommit=True) as conn:
            applied = set(conn.execute("SELECT app, name FROM django_migrations").fetchall())
        if applied == _code_migrations():
            return name
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    admin.execute(f'CREATE DATABASE "{name}"')
    done = subprocess.run(  # the project's own command, as an operator runs it
        [sys.executable, "-m", "openjobcenter.manage", "migrate", "-v", "0"],
        cwd=ROOT,
        env={
            **os.environ,
            "DATABASE_URL": urlunsplit(urlsplit(base_url)._replace(path="/" + name)),
            "OJC_ENV": "development",
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
        },
        capture_output=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        raise AssertionError("migrating the template failed:\n" + done.stderr.decode()[-3000:])
    return name


@pytest.fixture
def fresh_database() -> Iterator[tuple[str, Any]]:
    """A database of its own for the cluster (never the test database's tables), copied
    from the migrated template; yields its URL and a function that queries it."""
    import psycopg

    admin_url, url, name = _database_urls()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        # Parallel test workers share the template: one at a time checks or makes it.
        admin.execute("SELECT pg_advisory_lock(hashtext('openjobcenter multinode template'))")
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        template = _migrated_template(admin, url)
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        admin.execute("SELECT pg_advisory_unlock(hashtext('openjobcenter multinode template'))")
    query_url = urlunsplit(urlsplit(url)._replace(scheme="postgresql"))

    def query(sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(query_url, autocommit=True) as conn:
            return list(conn.execute(sql, params).fetchall())

    try:
        yield url, query
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def s3() -> Iterator[S3Server]:
    server = S3Server()
    server.start()
    client = server.client()
    for bucket in (DOCS_BUCKET, MEDIA_BUCKET):
        client.create_bucket(
            Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
    try:
        yield server
    finally:
        for bucket in (DOCS_BUCKET, MEDIA_BUCKET):  # moto keeps buckets for the process
            for item in client.list_objects_v2(Bucket=bucket).get("Contents", []):
                client.delete_object(Bucket=bucket, Key=item["Key"])
            client.delete_bucket(Bucket=bucket)
        server.stop()


@pytest.fixture
def cluster(tmp_path: Path, fresh_database: tuple[str, Any], s3: S3Server) -> Iterator[Cluster]:
    running = Cluster(tmp_path, fresh_database[0], s3)
    try:
        yield running
    finally:
        running.stop()


# --- HTTP as a browser does it --------------------------------------------------------------


def _get(client: Any, url: str) -> Any:
    return client.get(url, follow_redirects=False)


def _csrf(client: Any) -> str:
    return str(client.cookies["csrftoken"])


def login(client: Any, cluster: Cluster, node: str, email: str, *, totp: bool) -> None:
    from tests.conftest import PASSWORD, TOTP_SECRET

    assert _get(client, cluster.url(node, "/konto/login/")).status_code == 200
    answer = client.post(
        cluster.url(node, "/konto/login/"),
        data={"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(client)},
    )
    assert answer.status_code == 302, answer.text[:500]
    if totp:
        import pyotp

        assert "/konto/2fa/authenticate/" in answer.headers["location"]
        answer = client.post(
            cluster.url(node, "/konto/2fa/authenticate/"),
            data={"code": pyotp.TOTP(TOTP_SECRET).now(), "csrfmiddlewaretoken": _csrf(client)},
        )
        assert answer.status_code == 302, answer.text[:500]
        assert "/2fa/" not in answer.headers["location"]


def upload(client: Any, cluster: Cluster, node: str, data: bytes) -> Any:
    return client.post(
        cluster.url(node, f"/api/v1/documents/{JC}/upload"),
        files={"file": ("seite.jpg", data, "image/jpeg")},
        data={"kind": "other"},
        headers={"X-CSRFToken": _csrf(client)},
        timeout=30,
    )


def document(client: Any, cluster: Cluster, node: str, pk: int) -> dict[str, Any]:
    answer = client.get(cluster.url(node, f"/api/v1/documents/{JC}/documents/{pk}"))
    assert answer.status_code == 200, answer.text[:500]
    return dict(answer.json())


def readyz(cluster: Cluster, node: str) -> tuple[int, dict[str, Any]]:
    import httpx

    answer = httpx.get(cluster.url(node, "/readyz"), timeout=30)
    return answer.status_code, dict(answer.json())


# --- The scenario ---------------------------------------------------------------------------


def test_two_web_nodes_two_workers_two_schedulers_share_one_installation(
    cluster: Cluster, fresh_database: tuple[str, Any], s3: S3Server
) -> None:
    started = time.monotonic()
    try:
        _scenario(cluster, fresh_database[1], s3)
    except BaseException as failure:
        if isinstance(failure, KeyboardInterrupt):
            raise
        raise AssertionError(
            f"{failure}\n\nprocess logs ({cluster.logs}):\n{cluster.log_tails()}"
        ) from failure
    finally:
        cluster.stop()  # their CPU counts once they are waited for
        cpu = sum(
            getattr(resource.getrusage(who), field)
            for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
            for field in ("ru_utime", "ru_stime")
        )
        sys.stdout.write(
            f"\nmulti-node scenario: {time.monotonic() - started:.1f} s wall,"
            f" {cpu:.1f} s CPU of this test run and its processes"
            f" ({', '.join(cluster.phases)})\n"
        )


def _scenario(cluster: Cluster, query: Callable[..., list[tuple[Any, ...]]], s3: S3Server) -> None:
    import logging

    import httpx

    for noisy in ("httpx", "werkzeug"):  # a line per request, at every poll
        logging.getLogger(noisy).setLevel(logging.WARNING)

    from tests.documents.conftest import photo

    # Everything starts at once on the copy of the migrated template: node A by the
    # production start with ``--migrate`` (finds nothing to do), node B without, as a
    # second replica would (two migrating nodes: tests/test_migrate_lock.py).
    cluster.start_web("a", "--migrate")
    cluster.start_web("b")
    for n in (1, 2):
        cluster.start(
            f"worker-{n}",
            "-m",
            "openjobcenter.manage",
            "db_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.5",
            "--no-startup-delay",
            "--worker-id",
            f"worker-{n}",
        )
        cluster.start(
            f"scheduler-{n}", "-m", "openjobcenter.manage", "run_scheduler", "--tick", "1"
        )
    seeded = json.loads(cluster.run("seed", "-m", "tests.multinode_seed").splitlines()[-1])
    cluster.phase("seeded")
    for node in ("a", "b"):
        cluster.wait(partial(_ready, cluster, node), f"/readyz of {node}", START_S)

    cluster.phase("ready")
    customer = httpx.Client(timeout=15)
    staff = httpx.Client(timeout=15)
    login(customer, cluster, "a", "kunde@example.org", totp=False)
    login(staff, cluster, "b", "caseworker@a.example.org", totp=True)

    # (a) Upload through A, processed by a worker, downloaded through B.
    original = photo(1)
    answer = upload(customer, cluster, "a", original)
    assert answer.status_code == 200, answer.text[:500]
    pk = int(answer.json()["id"])
    done = cluster.wait(
        lambda: (d := document(customer, cluster, "b", pk))["state"] != "processing" and d,
        "the document pipeline",
    )
    assert done["state"] == "received", done
    cluster.phase("processed")
    via_b = customer.get(cluster.url("b", done["file_url"]))
    via_a = customer.get(cluster.url("a", done["file_url"]))
    assert via_b.status_code == 200
    assert via_b.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(via_b.content).hexdigest() == done["sha256"]
    assert via_b.content == via_a.content
    staff_copy = staff.get(cluster.url("b", f"/{JC}/staff/unterlagen/{pk}/datei.pdf"))
    assert staff_copy.status_code == 200
    assert staff_copy.content == via_b.content
    processed_by = {
        worker
        for (ids,) in query(
            "SELECT worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE task_path LIKE 'openjobcenter.documents.tasks.%%'"
        )
        for worker in ids
    }
    assert processed_by and processed_by <= {"worker-1", "worker-2"}, processed_by
    stored = {item["Key"] for item in s3.client().list_objects_v2(Bucket=DOCS_BUCKET)["Contents"]}
    assert any(key.endswith(".pdf") or "/documents/" in key for key in stored), stored

    cluster.phase("downloaded")
    # (b) Chat across nodes: the customer's socket on A hears what staff send through B.
    asyncio.run(_chat(cluster, customer, staff, int(seeded["conversation"])))

    # (d) The object store goes away: not ready, a clear 503, nothing half-stored.
    cluster.phase("chat")
    rows_before = query("SELECT count(*) FROM documents_document")[0][0]
    s3.stop()
    for node in ("a", "b"):
        status, body = readyz(cluster, node)
        assert status == 503, body
        assert body["failing"] == ["storage"], body
    refused = upload(customer, cluster, "a", photo(2))
    assert refused.status_code == 503, refused.text[:500]
    assert refused.json()["code"] == "storage_unavailable"
    assert refused.headers["retry-after"]
    assert query("SELECT count(*) FROM documents_document")[0][0] == rows_before
    assert query("SELECT count(*) FROM documents_documentpage")[0][0] == done["pages"]
    cluster.phase("refused")
    s3.start()
    for node in ("a", "b"):
        cluster.wait(partial(_ready, cluster, node), f"{node} ready again")
    cluster.phase("ready again")
    again = customer.get(cluster.url("b", done["file_url"]))
    assert again.status_code == 200 and again.content == via_b.content
    answer = upload(customer, cluster, "b", photo(2))
    assert answer.status_code == 200, answer.text[:500]
    second = int(answer.json()["id"])
    cluster.wait(
        lambda: document(customer, cluster, "a", second)["state"] == "received",
        "the second document",
    )

    cluster.phase("second processed")
    # (c) Every periodic job once per period, with two schedulers running all along.
    _check_schedule(cluster, query, seeded["jobs"])
    assert not [p for p in cluster.media_root.rglob("*") if p.is_file()], "a node wrote locally"


def _ready(cluster: Cluster, node: str) -> tuple[int, dict[str, Any]] | None:
    import httpx

    try:
        status, body = readyz(cluster, node)
    except httpx.HTTPError:  # not listening yet
        return None
    return (status, body) if status == 200 else None


async def _chat(cluster: Cluster, customer: Any, staff: Any, conversation: int) -> None:
    import websockets

    async def connect(node: str, client: Any) -> Any:
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        return await websockets.connect(
            f"ws://127.0.0.1:{cluster.ports[node]}/ws/chat/",
            additional_headers={"Cookie": cookie},
            origin=f"http://127.0.0.1:{cluster.ports[node]}",  # type: ignore[arg-type]
        )

    async def next_of(ws: Any, kind: str) -> dict[str, Any]:
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), WAIT_S))
            if event["type"] == kind:
                return dict(event)

    kunde, amt = await connect("a", customer), await connect("b", staff)
    try:
        for ws in (kunde, amt):
            await ws.send(
                json.dumps({"type": "subscribe", "conversation": conversation, "cursor": 0})
            )
            assert len((await next_of(ws, "subscribed"))["messages"]) == 1
        body = "Ihre Unterlage ist eingegangen."
        await amt.send(
            json.dumps(
                {"type": "send", "conversation": conversation, "client_id": "m1", "body": body}
            )
        )
        got = await next_of(kunde, "message")
        assert got["message"]["body"] == body
        assert got["message"]["side"] == "staff"
    finally:
        await kunde.close()
        await amt.close()


def _check_schedule(
    cluster: Cluster, query: Callable[..., list[tuple[Any, ...]]], jobs: dict[str, str | None]
) -> None:
    runs = query("SELECT job, period_start, runner FROM core_scheduledrun")
    schedulers = {str(proc.pid) for name, proc in cluster.procs.items() if name.startswith("sched")}
    assert {runner.rsplit(":", 1)[-1] for _, _, runner in runs} <= schedulers
    assert {job for job, _, _ in runs} == set(jobs), "every job runs in its first period"
    periods: dict[str, list[Any]] = {}
    for job, start, _ in runs:
        periods.setdefault(job, []).append(start)
    for job, starts in periods.items():
        assert len(starts) == len(set(starts)), f"{job} ran twice in one period"
    # The 5 s job ran period after period, each once, while two schedulers ran (a
    # period may be skipped when the machine stalls the leader's tick; never doubled).
    flushes = sorted(periods["core.audit_own_reads"])
    assert len(flushes) >= 3, flushes
    steps = [(b - a).total_seconds() for a, b in itertools.pairwise(flushes)]
    assert all(step >= 5 and step % 5 == 0 for step in steps), steps
    # A job that enqueues a task enqueued it once per period (the row and the task are
    # written in one transaction; a second scheduler would add tasks without rows).
    for job, task_path in jobs.items():
        if task_path is None:
            continue
        (tasks,) = query(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE task_path = %s",
            task_path,
        )[0]
        assert tasks == len(periods[job]), (job, tasks, periods[job])
