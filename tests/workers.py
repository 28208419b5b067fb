"""Parallel test workers (pytest-xdist) on one Redis keep apart.

Every worker has its own database on PostgreSQL (pytest-django names it
``test_<name>_gw<N>``), but all of them share the Redis of ``REDIS_URL``. Each worker
gets its own cache key prefix and channel-layer prefix here, in the environment, so that
the servers its tests start inherit them too: one worker's chat events never reach
another worker's sockets (their database ids are the same), and clearing the cache
between tests (``conftest.clear_cache``) removes only this worker's keys.

Loaded with ``-p tests.workers`` (pyproject's ``addopts``) before Django reads its
settings; without xdist or without Redis it changes nothing.

It also switches the settings to test mode explicitly (``OJC_ENV=test``): settings no
longer guess it from ``pytest`` being imported. The variable is set only while Django
reads its settings and restored afterwards, so the servers and workers that tests start
as subprocesses run with the environment they were given, as before.
"""

from __future__ import annotations

import os

import pytest

from openjobcenter.config.env import redis_database

_OJC_ENV_BEFORE = os.environ.get("OJC_ENV")
os.environ["OJC_ENV"] = "test"

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_REDIS_URL = os.environ.get("REDIS_URL", "")

if WORKER and _REDIS_URL:
    os.environ.setdefault("CACHE_KEY_PREFIX", f"ojc-{WORKER}")
    os.environ.setdefault("CHANNEL_LAYER_PREFIX", f"ojc{redis_database(_REDIS_URL)}-{WORKER}")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Django has read its settings (pytest-django); give subprocesses the old value."""
    from django.conf import settings

    assert settings.TESTING, "the test run must be in test mode (OJC_ENV=test)"
    if _OJC_ENV_BEFORE is None:
        os.environ.pop("OJC_ENV", None)
    else:
        os.environ["OJC_ENV"] = _OJC_ENV_BEFORE
