"""Building blocks for the common retention rule: "rows of model M (in job centre J) whose
date field F lies before the cutoff, with an optional extra filter", deleted in the
batches the daily run hands over (``retention.services.retention_run``).

* ``model_rule`` makes such a ``Rule``; without ``delete`` the rows go with what cascades
  from them and the count is the one Django's ``delete()`` reports.
* ``delete_audited`` is the delete for records of a customer: one cascade and one audit
  INSERT per batch, the customers' homes told; it returns the deleted rows so that the
  caller can remove what lives outside the database (files, documents), each at the
  moment that suits it (after the commit, or in the same transaction).

Models are named by label (``"casefile.CaseNote"``) and looked up at call time, because
rules are registered from ``AppConfig.ready``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.apps import apps

from openjobcenter.retention.registry import Rule

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter

    Due = Callable[[Jobcenter | None, datetime], QuerySet[Any]]
    Delete = Callable[[Sequence[Any]], int]


def older_than(
    model: str,
    date_field: str,
    *,
    where: Mapping[str, Any] | None = None,
    per_jobcenter: bool = True,
) -> Due:
    """Rows of ``model`` whose ``date_field`` lies before the cutoff (in the job centre,
    unless the rule is global), narrowed by the ``where`` lookups."""

    def due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
        lookups: dict[str, Any] = {"jobcenter": jobcenter} if per_jobcenter else {}
        lookups.update(where or {})
        lookups[f"{date_field}__lt"] = cutoff
        rows: QuerySet[Any] = apps.get_model(model).objects.filter(**lookups)
        return rows

    return due


def delete_rows(model: str) -> Delete:
    """Delete the rows with what cascades from them; the number Django reports."""

    def delete(pks: Sequence[Any]) -> int:
        return int(apps.get_model(model).objects.filter(pk__in=pks).delete()[0])

    return delete


def model_rule(
    *,
    model: str,
    date_field: str,
    where: Mapping[str, Any] | None = None,
    delete: Delete | None = None,
    **rule: Any,
) -> Rule:
    """A ``Rule`` (the other fields as keywords) for the rows of ``model`` older than the
    cutoff by ``date_field``; ``delete`` defaults to ``delete_rows(model)``."""
    due = older_than(model, date_field, where=where, per_jobcenter=rule.get("per_jobcenter", True))
    return Rule(due=due, delete=delete or delete_rows(model), **rule)


def delete_audited(
    model: str, pks: Sequence[int], *, kind: str, fields: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    """Delete records of a customer with what cascades from them, in one go for the batch;
    one audit entry each (``kind``, no content) and the customers' homes told.

    Returns ``(pk, jobcenter_id, customer_id, *fields)`` of each deleted record."""
    from openjobcenter.retention.auditing import audit_deleted, homes_changed

    manager = apps.get_model(model).objects
    rows = list(
        manager.filter(pk__in=pks).values_list("pk", "jobcenter_id", "customer_id", *fields)
    )
    manager.filter(pk__in=[r[0] for r in rows]).delete()
    audit_deleted(kind, [(r[0], r[1]) for r in rows], detail="retention")
    homes_changed(r[2] for r in rows)
    return rows
