"""Job centre changes are heard on a Redis channel instead of asked for on every request
(``tenants/jcwatch.py``, issue 19): no round trip for the version once the process listens;
a change made by another process shows at once; a lost message within the re-read period;
Redis gone means asking again (and the database answering), and listening again after.

On a Redis server of the module's own in both passes: the fault test stops it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client

from openjobcenter.core.cache import redis_client
from openjobcenter.tenants import jccache, jcwatch
from openjobcenter.tenants.models import Jobcenter
from tests.messaging.faults import RedisServer
from tests.own_redis import use_as_cache

pytestmark = pytest.mark.django_db

PREFIX = "jcwatch"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path_factory.mktemp("jcwatch-redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def _redis_cache(redis_server: RedisServer, settings: Any) -> Iterator[None]:
    use_as_cache(redis_server, settings, PREFIX)  # in both passes: one test stops it
    jccache.reset_local()
    yield
    jcwatch.stop()
    jccache.reset_local()


def _until(condition: Callable[[], bool], seconds: float) -> float:
    """Seconds until ``condition()`` held; fails after ``seconds``."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.02)
    return time.monotonic() - started


def _listening(client: Client, jc: Jobcenter) -> None:
    assert client.get(f"/{jc.slug}/").status_code == 200  # the first request starts the thread
    _until(jcwatch.watching, 10)


def _rename(jc: Jobcenter, name: str) -> None:
    """A change this process has not heard of (as another node's write is)."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tenants_jobcenter SET name = %s WHERE id = %s", [name, jc.pk])


def _another_node_bumps(redis_server: RedisServer) -> None:
    """A separate Python process with the same cache settings changes the version, as a
    write on another web node does (``jccache.bump_version`` outside a transaction)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "OJC_"))},
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
        "OJC_ENV": "development",
        "OJC_BASE_DIR": str(redis_server.folder),
        "REDIS_URL": redis_server.url,
        "CACHE_KEY_PREFIX": PREFIX,
        "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "src")]),
    }
    code = (
        "import django; django.setup(); "
        "from openjobcenter.tenants import jccache; jccache.bump_version()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def _commands(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """The commands the cache's Redis client sends from now on, with their arguments."""
    sent: list[tuple[Any, ...]] = []
    client = redis_client()
    real = type(client).execute_command

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(args)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(type(client), "execute_command", counting)
    return sent


def test_once_listening_a_tenant_request_asks_redis_nothing_about_job_centres(
    client: Client, jc_a: Jobcenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    _listening(client, jc_a)
    sent = _commands(monkeypatch)
    for _ in range(3):
        response = client.get(f"/{jc_a.slug}/")
        assert response.status_code == 200
        assert jc_a.name in response.content.decode()
    version_key = cache.make_key(jccache.VERSION_KEY)
    assert [c for c in sent if version_key in [str(a) for a in c[1:]]] == []


def test_a_change_made_by_another_process_shows_at_once(
    client: Client, jc_a: Jobcenter, redis_server: RedisServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jcwatch, "RECHECK_S", 3600.0)  # the message, not the re-read
    _listening(client, jc_a)
    before = jcwatch.heard_version(lambda: None)[0]
    _rename(jc_a, "Kreis Neu-Fulda")
    assert "Kreis Neu-Fulda" not in client.get(f"/{jc_a.slug}/").content.decode()
    _another_node_bumps(redis_server)
    _until(lambda: jcwatch.heard_version(lambda: None)[0] not in {None, before}, 2)
    assert jcwatch.heard_version(lambda: None)[0] == cache.get(jccache.VERSION_KEY)
    assert "Kreis Neu-Fulda" in client.get(f"/{jc_a.slug}/").content.decode()


def test_a_change_on_this_node_shows_on_its_next_request(client: Client, jc_a: Jobcenter) -> None:
    _listening(client, jc_a)
    stored = Jobcenter.objects.get(pk=jc_a.pk)
    stored.name = "Landkreis Fulda (neu)"
    stored.save(update_fields=["name"])
    assert "Landkreis Fulda (neu)" in client.get(f"/{jc_a.slug}/").content.decode()


def test_a_lost_message_is_caught_by_the_next_read(
    client: Client, jc_a: Jobcenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    _listening(client, jc_a)
    monkeypatch.setattr(jcwatch, "RECHECK_S", 0.2)
    _rename(jc_a, "Kreis ohne Nachricht")
    cache.set(jccache.VERSION_KEY, "stored-but-never-announced", timeout=None)
    _until(lambda: jcwatch.heard_version(lambda: None)[0] == "stored-but-never-announced", 1 + 2)
    assert "Kreis ohne Nachricht" in client.get(f"/{jc_a.slug}/").content.decode()


def test_another_installation_on_the_same_redis_is_not_heard(
    client: Client, jc_a: Jobcenter
) -> None:
    _listening(client, jc_a)
    before = jcwatch.heard_version(lambda: None)[0]
    other_channel = f"other-installation:1:{jcwatch.CHANNEL}"
    assert redis_client().publish(other_channel, "not-ours") == 0  # nobody listens there
    own_channel = cache.make_key(jcwatch.CHANNEL)
    assert redis_client().publish(own_channel, "ours") == 1  # this process listens here
    _until(lambda: jcwatch.heard_version(lambda: None)[0] == "ours", 2)
    assert before != "ours"


def test_without_redis_requests_ask_again_and_the_thread_listens_again_after(
    client: Client, jc_a: Jobcenter, redis_server: RedisServer
) -> None:
    _listening(client, jc_a)
    redis_server.stop()
    try:
        _until(lambda: not jcwatch.watching(), 10)
        # No version known: the database answers (jccache), the page is still served.
        _rename(jc_a, "Kreis während Redis fehlt")
        response = client.get(f"/{jc_a.slug}/")
        assert response.status_code == 200
        assert "Kreis während Redis fehlt" in response.content.decode()
    finally:
        redis_server.start()
    _until(jcwatch.watching, 20)
    _rename(jc_a, "Kreis nach Redis")
    jccache.bump_version()
    assert "Kreis nach Redis" in client.get(f"/{jc_a.slug}/").content.decode()


def test_a_forked_child_does_not_take_its_parents_thread(client: Client, jc_a: Jobcenter) -> None:
    _listening(client, jc_a)
    pid = os.fork()
    if pid == 0:  # the child: no watcher until it asks for one itself
        os._exit(0 if jcwatch._current.watcher is None and not jcwatch.watching() else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert jcwatch.watching()  # the parent's thread listens on
