"""A chat attachment is scanned and stored before the conversation's row is locked.

PostgreSQL only (SQLite has no row locks): while the virus scan runs, a second connection
of its own can lock the conversation row with ``NOWAIT``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.messaging import attachments, services
from openjobcenter.messaging.models import Conversation, Message
from tests.messaging.conftest import without_documents

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


def _conversation_lockable(pk: int) -> bool:
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"] or None,
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
    ) as other:
        other.execute("SET lock_timeout = '2s'")
        table = Conversation._meta.db_table
        try:
            other.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk])  # noqa: S608 - the model's table
        except psycopg.errors.LockNotAvailable:
            return False
        return True


def test_scan_and_store_run_before_the_conversation_is_locked(
    conversation: Conversation,
    customer: CustomerProfile,
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    without_documents(conversation.jobcenter)
    free_during_scan: list[bool] = []
    real_scan = attachments._scan

    def scan_and_probe(uploaded: Any) -> None:
        free_during_scan.append(_conversation_lockable(conversation.pk))
        real_scan(uploaded)

    monkeypatch.setattr(attachments, "_scan", scan_and_probe)
    message = services.message_send(
        conversation=conversation,
        author=customer.user,
        body="Foto",
        attachment=SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
    )
    assert free_during_scan == [True]
    assert Message.objects.get(pk=message.pk).attachment.name == message.attachment.name
    assert (tmp_path / message.attachment.name).exists()


def test_a_resend_keeps_one_attachment_and_no_stray_file(
    conversation: Conversation, customer: CustomerProfile, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    without_documents(conversation.jobcenter)

    def send() -> Message:
        return services.message_send(
            conversation=conversation,
            author=customer.user,
            body="Foto",
            client_id="einmal",
            attachment=SimpleUploadedFile("foto.png", PNG, content_type="image/png"),
        )

    first, again = send(), send()
    assert again.pk == first.pk
    assert Message.objects.filter(client_id="einmal").count() == 1
    files = [p for p in (tmp_path / "chat").rglob("*") if p.is_file()]
    assert [str(p.relative_to(tmp_path)) for p in files] == [first.attachment.name]
