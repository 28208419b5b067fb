"""Connection budgets (issue 19, item 7): the defaults fit PostgreSQL's 100 connections."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

PG_MAX_CONNECTIONS = 100  # PostgreSQL's default max_connections

_PRINT = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'pool': s.DATABASES['default']['OPTIONS']['pool'], "
    "'db_threads': s.MESSAGING['db_threads']}))"
)


def _settings(**env: str) -> tuple[dict[str, Any] | None, str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "MESSAGING_", "OJC_ENV", "REDIS_URL"))
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="openjobcenter.config.settings",
        OJC_ENV="development",
        DATABASE_URL="postgres://ojc@db.invalid:5432/ojc",  # setup connects to nothing
        **env,
    )
    result = subprocess.run(
        [sys.executable, "-c", _PRINT],
        env=clean,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        return None, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), ""


def test_defaults_fit_a_typical_deployment_under_postgresqls_default_limit() -> None:
    found, err = _settings()
    assert found is not None, err
    pool = found["pool"]
    assert pool["min_size"] == 2
    assert pool["max_size"] == 10
    # 4 web processes, 2 workers and the scheduler, each at its pool's maximum, leave room
    # for migrations, backups and an administrator's psql session.
    assert 7 * pool["max_size"] <= PG_MAX_CONNECTIONS - 20
    # The chat's database threads still each get a connection, with some left for requests.
    assert found["db_threads"] == 4
    assert found["db_threads"] < pool["max_size"]


def test_a_small_pool_leaves_a_connection_for_requests() -> None:
    found, err = _settings(DATABASE_POOL_SIZE="2", DATABASE_POOL_MIN="0")
    assert found is not None, err
    assert found["pool"] == {"min_size": 0, "max_size": 2, "timeout": 10}
    assert found["db_threads"] == 1


def test_chat_threads_that_would_take_the_whole_pool_are_refused() -> None:
    found, err = _settings(DATABASE_POOL_SIZE="4", MESSAGING_DB_THREADS="4")
    assert found is None
    assert "DATABASE_POOL_SIZE (4) must be larger than MESSAGING_DB_THREADS (4)" in err
    found, err = _settings(DATABASE_POOL_SIZE="5", MESSAGING_DB_THREADS="4")
    assert found is not None, err
    assert found["db_threads"] == 4
