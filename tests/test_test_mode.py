"""Test mode is explicit (OJC_ENV=test), never guessed from pytest being imported."""

from __future__ import annotations

import os
import subprocess
import sys

from django.conf import settings

PROBE = (
    "import pytest, django; django.setup(); from django.conf import settings; "
    "print(settings.TESTING, settings.TASKS['default']['BACKEND'])"
)


def _probe(ojc_env: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"OJC_ENV", "TASKS_IMMEDIATE"}}
    if ojc_env is not None:
        env["OJC_ENV"] = ojc_env
    env["DJANGO_SETTINGS_MODULE"] = "openjobcenter.config.settings"
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_a_process_that_imports_pytest_is_not_in_test_mode() -> None:
    out = _probe(None)
    assert out.startswith("False ")
    # Not in test mode: tasks go to the database queue, not run inline.
    assert out.endswith("django_tasks_db.DatabaseBackend")


def test_ojc_env_test_switches_test_mode_on() -> None:
    assert _probe("test").startswith("True ")


def test_this_run_is_in_test_mode_and_subprocesses_get_their_own_environment() -> None:
    from tests import workers

    assert settings.TESTING
    # The switch is set only while Django reads its settings (tests/workers.py).
    assert os.environ.get("OJC_ENV") == workers._OJC_ENV_BEFORE
