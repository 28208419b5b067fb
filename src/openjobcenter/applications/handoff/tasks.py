"""Alias of ``openjobcenter.handoff.tasks``: task rows an older release enqueued name
``openjobcenter.applications.handoff.tasks.<task>``; the worker resolves them here."""

from openjobcenter.handoff.tasks import retry_due_handoffs, run_handoffs

__all__ = ["retry_due_handoffs", "run_handoffs"]
