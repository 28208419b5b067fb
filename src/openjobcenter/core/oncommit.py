"""After-commit work done once per transaction, however often a transaction asks for it.

Invalidations (a person's home version, a job centre's work-queue versions) and their
live events only need to happen once after a commit: a submission that changes the home
three times needs one bump and one event, not three (issue 19: these cache writes and
publishes were most of a step save's CPU). ``on_commit_once(key, func, item)`` registers
``func`` with ``transaction.on_commit`` the first time ``key`` is asked for in the
current transaction; later calls only add their ``item`` to the set ``func`` receives.

Why reusing a waiting callback is safe: Django drops an ``on_commit`` callback when a
savepoint it was registered under rolls back. A callback still waiting was registered
under savepoints that are either released (they can no longer roll back) or still open
around the caller, so it is dropped only in cases where a new registration from here
would be dropped too. An item added inside a savepoint that then rolls back stays in the
set: one invalidation too many, never one too few.

Outside a transaction the function runs at once (as ``transaction.on_commit`` does). In
tests, the test case's own transaction does not count as the transaction: only callbacks
registered inside the outermost block the code opened itself are reused, so each
service call of a test (``django_capture_on_commit_callbacks``) gets its own.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.db import transaction


class _Once:
    __slots__ = ("func", "items", "key", "ran")

    def __init__(self, key: Hashable, func: Callable[[set[Hashable]], None]) -> None:
        self.key = key
        self.func = func
        self.items: set[Hashable] = set()
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        self.func(self.items)


def _transaction_sid(connection: object) -> object:
    """The savepoint that marks the current transaction's start for reuse: ``None`` when
    the outermost atomic block is the code's own (every waiting callback belongs to this
    transaction); under a test case's blocks the savepoint of the first block that is
    not one of them; ``False`` when that block made no savepoint (reuse nothing)."""
    blocks = connection.atomic_blocks  # type: ignore[attr-defined]
    if not blocks or not getattr(blocks[0], "_from_testcase", False):
        return None
    for depth, block in enumerate(blocks):
        if not getattr(block, "_from_testcase", False):
            sid = connection.savepoint_ids[depth - 1]  # type: ignore[attr-defined]
            return sid if sid is not None else False
    return False


def on_commit_once(
    key: Hashable,
    func: Callable[[set[Hashable]], None],
    item: Hashable = None,
    using: str | None = None,
) -> None:
    """After the commit, ``func(items)`` once for ``key``, with the ``item`` of every call
    for ``key`` in this transaction (module docstring). The first call's ``func`` is the
    one that runs."""
    connection = transaction.get_connection(using)
    if connection.in_atomic_block:
        sid = _transaction_sid(connection)
        if sid is not False:
            for sids, pending, _robust in connection.run_on_commit:
                if (
                    isinstance(pending, _Once)
                    and pending.key == key
                    and not pending.ran
                    and (sid is None or sid in sids)
                ):
                    pending.items.add(item)
                    return
    once = _Once(key, func)
    once.items.add(item)
    transaction.on_commit(once, using=using)
