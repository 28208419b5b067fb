"""Federation between two running instances of the platform (issue 22), not a mock.

Two uvicorn processes, each with its own SQLite database, media folder and public
address: ``http://a.example.test`` and ``http://b.example.test``. Neither name is in DNS:
both instances get ``NEWS_FEDERATION_HOSTS`` (a test-only setting, refused in production)
that maps each name to its process's 127.0.0.1 port for *outgoing* requests, which then
go over plain HTTP; the ``Host`` header and the signed ``host`` line carry the name as in
production. Each instance's deliveries are run by its own ``db_worker --batch``.

Job centre "wiesbaden" on B follows "fulda" on A; A accepts; A publishes a post; B's
inbox verifies A's signature (fetching A's actor and key over HTTP) and stores the post in
B's staff inbox. An unsigned and a wrongly signed delivery to A are refused with nothing
stored.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from openjobcenter.news import signatures

A_HOST, B_HOST = "a.example.test", "b.example.test"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Instance:
    host: str
    port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "tests.news.instance", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def work(self) -> None:
        """The instance's worker: every task due (outbox deliveries), then exit."""
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "openjobcenter.manage",
                "db_worker",
                "--batch",
                "--no-startup-delay",
            ],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]

    def state(self, slug: str) -> dict[str, Any]:
        return json.loads(self.run("state", slug))  # type: ignore[no-any-return]

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Host": self.host, **(headers or {})})
            answer = conn.getresponse()
            return answer.status, answer.read()
        finally:
            conn.close()


def _env(tmp: Path, host: str, host_map: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "CHANNEL_LAYER_PREFIX"}
        and not k.startswith(("PYTEST", "NEWS_"))
    }
    env.update(
        OJC_ENV="development",
        OJC_BASE_DIR=str(tmp),
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        SITE_URL=f"http://{host}",
        ALLOWED_HOSTS=f"{A_HOST},{B_HOST},127.0.0.1",
        NEWS_FEDERATION_HOSTS=host_map,
        TASKS_IMMEDIATE="false",
        MESSAGING_DB_THREADS="0",
        DJANGO_SETTINGS_MODULE="openjobcenter.config.settings",
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
    )
    return env


def _start(instance: Instance, log: Path) -> None:
    with log.open("wb") as sink:
        instance.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "openjobcenter.config.asgi:application",
                "--host",
                "127.0.0.1",
                "--port",
                str(instance.port),
                "--log-level",
                "warning",
            ],
            env=instance.env,
            cwd=ROOT,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 90
    while True:
        try:
            status, _ = instance.request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        if instance.process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(log.read_text())
        time.sleep(0.3)


@pytest.fixture(scope="module")
def instances(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Instance, Instance]]:
    port_a, port_b = free_port(), free_port()
    host_map = f"{A_HOST}=127.0.0.1:{port_a},{B_HOST}=127.0.0.1:{port_b}"
    tmp_a, tmp_b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    a = Instance(A_HOST, port_a, _env(tmp_a, A_HOST, host_map))
    b = Instance(B_HOST, port_b, _env(tmp_b, B_HOST, host_map))
    a.run("setup")
    # The same migrated start for B: a copy of A's fresh database (its own file from here on).
    shutil.copy(tmp_a / "db.sqlite3", tmp_b / "db.sqlite3")
    try:
        _start(a, tmp_a / "server.log")
        _start(b, tmp_b / "server.log")
        yield a, b
    finally:
        for instance in (a, b):
            if instance.process is not None:
                instance.process.terminate()
                try:
                    instance.process.wait(10)
                except subprocess.TimeoutExpired:
                    instance.process.kill()
                    instance.process.wait(5)


def test_follow_accept_publish_deliver_between_two_instances(
    instances: tuple[Instance, Instance],
) -> None:
    a, b = instances
    status, body = a.request("GET", f"/.well-known/webfinger?resource=acct:fulda@{A_HOST}")
    assert status == 200
    actor_a = next(link["href"] for link in json.loads(body)["links"] if link["rel"] == "self")
    assert actor_a == f"http://{A_HOST}/fulda/ap/actor"
    actor_b = f"http://{B_HOST}/wiesbaden/ap/actor"

    # B's job centre follows A's: B sends a signed Follow; A verifies it against B's key
    # (fetched from B) and answers with an Accept that B verifies against A's key.
    b.run("follow", "wiesbaden", actor_a)
    b.work()
    assert a.state("fulda")["followers"] == [actor_b]
    a.work()
    following = b.state("wiesbaden")["following"]
    assert following[0]["actor_id"] == actor_a
    assert following[0]["accepted_at"] is not None

    # A publishes; its worker delivers the Create, signed, to B's inbox.
    a.run("publish", "fulda", "Am Montag ist das Jobcenter wegen einer Schulung geschlossen.")
    a.work()
    inbox = b.state("wiesbaden")["inbox"]
    assert [(i["kind"], i["actor"]) for i in inbox] == [("post", actor_a)]
    assert inbox[0]["text"] == "Am Montag ist das Jobcenter wegen einer Schulung geschlossen."


def _delivery(actor: str, *, private_pem: str | None, key_id: str) -> tuple[bytes, dict[str, str]]:
    note: dict[str, Any] = {
        "id": f"{actor.rsplit('/ap/', 1)[0]}/neuigkeiten/999/",
        "type": "Note",
        "attributedTo": actor,
        "content": "<p>@fulda Hallo</p>",
        "to": [f"http://{A_HOST}/fulda/ap/actor"],
    }
    activity = {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": note["id"] + f"#create-{time.time_ns()}",
        "type": "Create",
        "actor": actor,
        "object": note,
    }
    body = json.dumps(activity).encode()
    headers = {
        "host": A_HOST,
        "date": signatures.http_date(timezone.now()),
        "digest": signatures.digest(body),
    }
    out = {
        "Date": headers["date"],
        "Digest": headers["digest"],
        "Content-Type": "application/activity+json",
    }
    if private_pem is not None:
        out["Signature"] = signatures.sign(
            private_pem=private_pem,
            key_id=key_id,
            method="POST",
            path="/fulda/ap/inbox",
            headers=headers,
        )
    return body, out


def test_unsigned_and_wrongly_signed_deliveries_are_refused(
    instances: tuple[Instance, Instance],
) -> None:
    a, _b = instances
    actor_b = f"http://{B_HOST}/wiesbaden/ap/actor"
    before = a.state("fulda")

    body, headers = _delivery(actor_b, private_pem=None, key_id=actor_b + "#main-key")
    status, _ = a.request("POST", "/fulda/ap/inbox", body=body, headers=headers)
    assert status == 401

    # Signed with a key that is not B's, in B's actor's name: A fetches B's real key.
    _public, wrong = signatures.new_key_pair()
    body, headers = _delivery(actor_b, private_pem=wrong, key_id=actor_b + "#main-key")
    status, _ = a.request("POST", "/fulda/ap/inbox", body=body, headers=headers)
    assert status == 401

    after = a.state("fulda")
    assert after["inbox"] == before["inbox"] == []
    assert after["seen"] == before["seen"]
