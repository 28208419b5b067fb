"""The documents settings block: production needs its own master key; bad values stop
start-up with a message naming the variable."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

BASE = {
    "SITE_URL": "https://ojc.example",
    "OJC_ENV": "production",
    "SECRET_KEY": "test-secret-" + "0123456789abcdef" * 3,
    "ALLOWED_HOSTS": "ojc.example",
    "EMAIL_HOST": "mail",
}
KEY = base64.b64encode(b"k" * 32).decode()


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DOCUMENTS_", "OJC_"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_production_needs_master_key() -> None:
    result = _start(BASE)
    assert result.returncode != 0
    assert "DOCUMENTS_MASTER_KEY must be set" in result.stderr
    assert _start({**BASE, "DOCUMENTS_MASTER_KEY": KEY}).returncode == 0


def test_bad_values_name_the_variable() -> None:
    ok = {**BASE, "DOCUMENTS_MASTER_KEY": KEY}
    assert "DOCUMENTS_MASTER_KEY" in _start({**ok, "DOCUMENTS_MASTER_KEY": "short"}).stderr
    assert "DOCUMENTS_S3_BUCKET" in _start({**ok, "DOCUMENTS_STORAGE": "s3"}).stderr
    assert "DOCUMENTS_SCANNER" in _start({**ok, "DOCUMENTS_SCANNER": "norton"}).stderr
    assert "DOCUMENTS_MAX_FILE_MB" in _start({**ok, "DOCUMENTS_MAX_FILE_MB": "lots"}).stderr
