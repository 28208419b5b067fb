"""``manage.py documents_key_escrow``: the operator's escrow instructions with each key's
fingerprint, a copy of a key checked against the configured one, never the key itself
(docs/backup.md). Needs no database: it runs in both passes."""

from __future__ import annotations

import base64
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from openjobcenter.core.backup import key_fingerprints

KEY = base64.b64encode(b"e" * 32).decode()
OLD = base64.b64encode(b"o" * 32).decode()


@pytest.fixture(autouse=True)
def _keys(settings: Any) -> None:
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "master_key": KEY,
        "key_id": "k2",
        "old_keys": [f"k1:{OLD}"],
    }


def _run(**options: Any) -> str:
    out = StringIO()
    call_command("documents_key_escrow", stdout=out, **options)
    return out.getvalue()


def test_instructions_name_every_key_by_fingerprint_never_the_key() -> None:
    text = _run()
    prints = key_fingerprints()
    assert set(prints) == {"k1", "k2"}
    assert f"k2 (current): {prints['k2']}" in text
    assert f"k1: {prints['k1']}" in text
    assert "losing it loses every document" in text
    assert KEY not in text and OLD not in text


def test_fingerprints_as_json() -> None:
    data = json.loads(_run(json=True))
    assert data == {"current_key_id": "k2", "fingerprints": key_fingerprints()}


def test_a_copy_of_the_current_and_of_an_old_key_is_checked() -> None:
    assert "matches the configured key 'k2'" in _run(check_key=KEY)
    assert "matches the configured key 'k1'" in _run(check_key=OLD, key_id="k1")


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"check_key": OLD}, "does NOT match the configured key 'k2'"),
        ({"check_key": KEY, "key_id": "k1"}, "does NOT match the configured key 'k1'"),
        ({"check_key": KEY, "key_id": "k9"}, "does NOT match the configured key 'k9'"),
        ({"check_key": "kein base64!"}, "--check-key is not base64"),
    ],
)
def test_a_wrong_copy_is_refused_with_a_clear_message(
    options: dict[str, str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        _run(**options)
