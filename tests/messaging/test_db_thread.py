"""The chat's database threads keep their connection between messages
(``messaging.db_thread``, issue 19): no hand-back to the pool (and so no health-check
query when it is taken again) after each message; a connection left in a transaction
is still dropped at once, and after ``KEEP_S`` every connection goes back."""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from channels.db import DatabaseSyncToAsync
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from openjobcenter.messaging import db_thread
from openjobcenter.messaging.db_thread import ChatDatabaseCall

# The chat's own threads exist only on PostgreSQL (``MESSAGING["db_threads"]``; SQLite
# uses Channels' one shared thread).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs DATABASE_URL=postgres://...",
    ),
]


@pytest.fixture(autouse=True)
def _keep_test_connection() -> None:
    """Channels' clean-up as in production: the package's conftest turns it off for the
    consumer tests (they share the test's connection); here it is what is tested."""


@pytest.fixture
def closes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The connections closed (handed back to the pool) in the chat's thread."""
    seen: list[str] = []
    close = BaseDatabaseWrapper.close

    def counted(self: BaseDatabaseWrapper) -> None:
        if self.connection is not None:
            seen.append(self.alias)
        close(self)

    monkeypatch.setattr(BaseDatabaseWrapper, "close", counted)
    return seen


def _query() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _close() -> None:
    connection.close()


def _leave_in_transaction() -> None:
    _query()
    connection.set_autocommit(False)  # a call that forgot its transaction


def _run(executor: ThreadPoolExecutor, func: Any) -> None:
    async def call() -> None:
        await ChatDatabaseCall(func, thread_sensitive=False, executor=executor)()

    asyncio.run(call())


def test_the_thread_keeps_its_connection_between_calls(closes: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=1) as executor:
        for _ in range(3):
            _run(executor, _query)
        assert closes == []
        _run(executor, _close)  # the test's own clean-up, in the thread that opened it


def test_a_connection_left_in_a_transaction_is_dropped(closes: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=1) as executor:
        _run(executor, _leave_in_transaction)
        assert closes == ["default"]


def test_after_keep_s_the_connection_goes_back(
    closes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db_thread, "KEEP_S", -1.0)
    with ThreadPoolExecutor(max_workers=1) as executor:
        _run(executor, _query)
        assert closes == ["default"]


def _run_plain(executor: ThreadPoolExecutor, func: Any) -> None:
    async def call() -> None:
        await DatabaseSyncToAsync(func, thread_sensitive=False, executor=executor)()

    asyncio.run(call())


def test_only_the_chat_calls_keep_their_connection(closes: list[str]) -> None:
    """Channels' own class in the same thread hands its connection back after the call."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        _run_plain(executor, _query)
        assert closes == ["default"]


def test_a_failing_call_raises_and_the_thread_is_a_plain_one_again(closes: list[str]) -> None:
    def fails() -> None:
        _query()
        raise ValueError("kaputt")

    with ThreadPoolExecutor(max_workers=1) as executor:
        with pytest.raises(ValueError, match="kaputt"):
            _run(executor, fails)
        assert closes == []  # kept: the error was the function's, not the connection's
        _run_plain(executor, _close)
        assert closes == ["default"]
        _run_plain(executor, _query)  # taken outside a chat call: handed back at once
        assert closes == ["default", "default"]
