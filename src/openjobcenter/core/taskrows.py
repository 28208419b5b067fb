"""Tasks enqueued by the transaction of the change itself, as rows written along with it.

With django-tasks' database backend a task *is* a row (``DBTaskResult``). Enqueued after
the commit (``transaction.on_commit(lambda: task.enqueue(...))``), each task costs its
own INSERT and its own commit, a flush of the write-ahead log each, inside the request
that waits for them (issue 19: a submission enqueued three, the receipt mail and the two
outbox nudges, after its commit). Written in the change's own transaction instead, the
row becomes visible to the workers at the very moment of the commit, as before, but
goes out with the change in one statement (``core.fastsql``'s ``along``) and one commit;
and a rolled back change leaves no task behind.

``rows_for(task, **kwargs)`` gives that row, unsaved, when the task's backend is the
database backend; with any other backend (the immediate one in tests) it enqueues after
the commit, as ``enqueue_after_commit`` does, and gives nothing to write.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models import Model
from django_tasks.base import Task

log = logging.getLogger(__name__)


def writes_rows(task: Task[Any, Any]) -> bool:
    """Whether ``task`` is enqueued by writing a row of the database backend."""
    from django_tasks_db import DatabaseBackend

    return isinstance(task.get_backend(), DatabaseBackend)


def task_row(task: Task[Any, Any], **kwargs: Any) -> Model:
    """The unsaved row that enqueues ``task(**kwargs)``, as the database backend's
    ``enqueue`` writes it (``_task_to_db_task``; its ``pre_save`` handler's "no
    run_after" included)."""
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.compat import normalize_json
    from django_tasks_db.models import DBTaskResult, get_date_max

    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        msg = f"{task.module_path} is not enqueued by the database backend"
        raise TypeError(msg)
    backend.validate_task(task)
    return DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [], "kwargs": kwargs}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after or get_date_max(),
        backend_name=backend.alias,
    )


def rows_for(
    task: Task[Any, Any], *, best_effort: bool = False, **kwargs: Any
) -> tuple[Model, ...]:
    """The row to write in the current transaction that enqueues ``task(**kwargs)``; with
    another backend than the database's, the task is enqueued after the commit and
    nothing is to be written (``best_effort``: a failing enqueue is logged, not raised,
    as for a nudge that a sweeper makes up for)."""
    if writes_rows(task):
        return (task_row(task, **kwargs),)

    def enqueue() -> None:
        try:
            task.enqueue(**kwargs)
        except Exception:
            if not best_effort:
                raise
            log.exception("could not enqueue %s", task.module_path)

    transaction.on_commit(enqueue)
    return ()
