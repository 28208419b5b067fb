from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from openjobcenter.config.env import (
    ConfigError,
    env_bool,
    env_int,
    parse_database_url,
    redis_database,
)


def test_env_parsers_name_the_variable() -> None:
    with pytest.raises(ConfigError, match="DEBUG"):
        env_bool("DEBUG", default=False, environ={"DEBUG": "maybe"})
    with pytest.raises(ConfigError, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "abc"})
    with pytest.raises(ConfigError, match="EMAIL_PORT"):
        env_int("EMAIL_PORT", 25, maximum=65535, environ={"EMAIL_PORT": "70000"})
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        parse_database_url("DATABASE_URL", "mysql://x/y", Path("/tmp"))
    assert env_bool("X", default=True, environ={}) is True


def test_database_urls() -> None:
    pg = parse_database_url("DATABASE_URL", "postgres://u:p%40ss@db:5433/ojc", Path("/srv"))
    assert (pg.engine, pg.name, pg.user, pg.password, pg.host, pg.port) == (
        "openjobcenter.core.postgresql",
        "ojc",
        "u",
        "p@ss",
        "db",
        "5433",
    )
    lite = parse_database_url("DATABASE_URL", "sqlite:///var/x.sqlite3", Path("/srv"))
    assert lite.name == "/srv/var/x.sqlite3"


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_HOST", "OJC_ENV", "DEBUG", "SITE_URL"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_production_without_secret_stops_with_a_clear_message() -> None:
    result = _start({"OJC_ENV": "production"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug_and_bad_values() -> None:
    base = {
        "SITE_URL": "https://ojc.example",
        "OJC_ENV": "production",
        "SECRET_KEY": "test-secret-" + "0123456789abcdef" * 3,
        "ALLOWED_HOSTS": "ojc.example",
        "EMAIL_HOST": "mail",
        "DOCUMENTS_MASTER_KEY": "a2V5LWtleS1rZXkta2V5LWtleS1rZXkta2V5LWtleS0=",
    }
    assert _start(base).returncode == 0
    # Documents are encrypted at rest: production refuses to start without the key.
    missing_key = {k: v for k, v in base.items() if k != "DOCUMENTS_MASTER_KEY"}
    assert "DOCUMENTS_MASTER_KEY" in _start(missing_key).stderr
    result = _start({**base, "DEBUG": "1"})
    assert "DEBUG must not be on" in result.stderr
    result = _start({**base, "REDIS_URL": "http://nope"})
    assert "REDIS_URL" in result.stderr
    result = _start({**base, "SITE_URL": ""})
    assert "SITE_URL" in result.stderr
    result = _start({**base, "SESSION_IDLE_STAFF": "ten"})
    assert "SESSION_IDLE_STAFF" in result.stderr
    # Django's own bar for the key (check --deploy's W009) stops start-up instead of warning.
    for weak in ("short-" * 5, "x" * 60):
        result = _start({**base, "SECRET_KEY": weak})
        assert result.returncode != 0
        assert "SECRET_KEY must be at least 50 characters" in result.stderr
    result = _start({**base, "MEDIA_STORAGE": "s3"})
    assert "MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET" in result.stderr
    result = _start({**base, "MEDIA_STORAGE": "nfs"})
    assert "MEDIA_STORAGE must be one of filesystem, s3" in result.stderr


def test_media_in_s3_for_several_nodes() -> None:
    """MEDIA_STORAGE=s3: Django's default storage (logos, attachments) in a shared bucket."""
    probe = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl)"
    )
    env = {
        **os.environ,
        "MEDIA_STORAGE": "s3",
        "MEDIA_S3_BUCKET": "ojc-media",
        "DOCUMENTS_S3_ENDPOINT_URL": "https://s3.example.org",
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["S3Storage", "ojc-media", "https://s3.example.org", "private"]


def test_embedded_default_needs_no_variables() -> None:
    assert _start({}).returncode == 0


def test_database_pool_keeps_connections_open_up_to_its_size() -> None:
    import dataclasses

    pg = parse_database_url("DATABASE_URL", "postgres://u@db:5432/ojc", Path("/srv"))
    pool = dataclasses.replace(pg, pool_size=24, pool_min=18).as_django()["OPTIONS"]
    assert pool == {"pool": {"min_size": 18, "max_size": 24, "timeout": 10}}
    small = dataclasses.replace(pg, pool_size=4, pool_min=18).as_django()["OPTIONS"]
    assert small == {"pool": {"min_size": 4, "max_size": 4, "timeout": 10}}


def test_pooled_connections_are_checked_before_use_and_sqlite_is_unaffected() -> None:
    """Issue 16, item 5: an idle pooled connection that was cut must not reach a request."""
    import dataclasses

    pg = parse_database_url("DATABASE_URL", "postgres://u@db:5432/ojc", Path("/srv"))
    db = dataclasses.replace(pg, pool_timeout=3).as_django()
    # The platform's backend gives the pool its check for this flag (core/postgresql).
    assert db["ENGINE"] == "openjobcenter.core.postgresql"
    assert db["CONN_HEALTH_CHECKS"] is True
    assert db["OPTIONS"] == {"pool": {"min_size": 2, "max_size": 10, "timeout": 3}}
    lite = parse_database_url("DATABASE_URL", "sqlite:///var/x.sqlite3", Path("/srv")).as_django()
    assert "CONN_HEALTH_CHECKS" not in lite
    assert "pool" not in lite["OPTIONS"]  # type: ignore[operator]


def test_server_side_cursors_can_be_switched_off_for_pgbouncer() -> None:
    """Behind PgBouncer's transaction pooling a server-side cursor must not be used."""
    import dataclasses

    pg = parse_database_url("DATABASE_URL", "postgres://u@db:5432/ojc", Path("/srv"))
    assert "DISABLE_SERVER_SIDE_CURSORS" not in pg.as_django()
    off = dataclasses.replace(pg, disable_server_side_cursors=True).as_django()
    assert off["DISABLE_SERVER_SIDE_CURSORS"] is True


def test_disable_server_side_cursors_is_read_from_the_environment() -> None:
    pg = {"DATABASE_URL": "postgres://u@db:5432/ojc", "DISABLE_SERVER_SIDE_CURSORS": "1"}
    show = "from django.conf import settings; print(settings.DATABASES['default'].get('DISABLE_SERVER_SIDE_CURSORS'))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {show}"],
        env={**os.environ, **pg, "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr[-2000:]
    wrong = _start({**pg, "DISABLE_SERVER_SIDE_CURSORS": "vielleicht"})
    assert wrong.returncode != 0
    assert "DISABLE_SERVER_SIDE_CURSORS" in wrong.stderr


def test_the_running_pool_checks_connections(db: None) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is False
        return
    from openjobcenter.core.postgresql.base import check_connection

    pool = connection.pool  # type: ignore[attr-defined]
    assert pool is not None
    assert pool._check is check_connection  # psycopg's empty query, unless quiet


def test_redis_database_number() -> None:
    assert redis_database("redis://cache:6379/3") == "3"
    assert redis_database("redis://cache:6379") == "0"
    assert redis_database("rediss://u:p@cache:6380/12") == "12"
    assert redis_database("unix:///run/redis.sock?db=5") == "5"


@pytest.mark.postgres
def test_installations_on_other_redis_databases_do_not_hear_each_other() -> None:
    """Pub/sub ignores the database number: the layer's prefix has to keep apart what
    the URL's database number is meant to keep apart (CI and a benchmark, say)."""
    import asyncio

    from channels_redis.pubsub import RedisPubSubChannelLayer
    from django.conf import settings

    url = os.environ["REDIS_URL"]
    prefix = str(settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"])  # type: ignore[index]
    # Parallel test workers set their own (tests/workers.py); else the database's.
    assert prefix == os.environ.get("CHANNEL_LAYER_PREFIX", f"ojc{redis_database(url)}")

    async def exchange() -> tuple[dict[str, object], bool]:
        here = RedisPubSubChannelLayer(hosts=[url], prefix=prefix)
        other = RedisPubSubChannelLayer(hosts=[url], prefix="ojc-other-installation")
        try:
            mine, theirs = await here.new_channel(), await other.new_channel()
            await here.group_add("chat.c.1", mine)
            await other.group_add("chat.c.1", theirs)
            await asyncio.sleep(0.2)  # the subscriptions reach Redis
            await here.group_send("chat.c.1", {"type": "chat.message", "n": 1})
            received = await asyncio.wait_for(here.receive(mine), 5)
            try:
                await asyncio.wait_for(other.receive(theirs), 0.5)
                overheard = True
            except TimeoutError:
                overheard = False
            return received, overheard
        finally:
            await here.flush()
            await other.flush()

    received, overheard = asyncio.run(exchange())
    assert received == {"type": "chat.message", "n": 1}
    assert not overheard


@pytest.mark.postgres
def test_redis_cache_shares_one_client_per_process() -> None:
    """Django makes a cache backend per async context (each request, each socket call);
    they must share one Redis client and pool, not open a connection each."""
    import threading

    from django.conf import settings
    from django.core.cache import caches

    assert settings.CACHES["default"]["BACKEND"] == "openjobcenter.core.cache.SharedRedisCache"
    backends: list[Any] = []

    def in_another_thread() -> None:
        backend = caches.create_connection("default")
        backend.set("shared-client-check", "from a thread", 30)
        backends.append(backend)

    thread = threading.Thread(target=in_another_thread)
    thread.start()
    thread.join()
    here: Any = caches.create_connection("default")
    assert here is not backends[0]  # two backends, as Django makes them
    assert here._cache is backends[0]._cache  # one client behind both
    assert here.get("shared-client-check") == "from a thread"
    here.delete("shared-client-check")
    # The public way to the client (Redis lists, SCAN): the same client, the same data.
    from openjobcenter.core.cache import redis_client

    assert redis_client(here) is here._cache.get_client(write=True)
    assert redis_client().get(here.make_key("shared-client-check")) is None


def test_redis_client_refuses_a_cache_that_is_not_redis() -> None:
    from django.core.cache.backends.locmem import LocMemCache

    from openjobcenter.core.cache import redis_client

    with pytest.raises(TypeError, match="not Redis"):
        redis_client(LocMemCache("nowhere", {}))
