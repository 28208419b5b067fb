"""The audit trail of hand-offs (issue 24: "audit entries for every hand-off"): one place
that writes the audit entry of every try of every delivery, whatever its subject
(application, change notice, document, objection, notice retrieval, chat transcript), and
of every retry staff start. Both workers (``handoff.run_delivery`` for applications,
``items.run_item_delivery`` for the rest) and both retry paths call it, in the
transaction that records the try's outcome on the delivery, so entry and outcome commit
together.

One scheme for every subject, so an auditor asks one question ("what left the platform
about this application / document, where to, when, with what result"):

- ``object_type`` ``handoff_<subject>``, ``object_id`` the subject's id (the application,
  document, objection, notice or conversation);
- ``action`` ``export`` for a try (personal data is handed to another system, or was
  meant to be), ``update`` for a retry staff started;
- ``detail``: backend, phase, try number, outcome (``delivered``, ``retrying``,
  ``failed``), the delivery (``application:<pk>`` or ``item:<pk>``), and for a try that
  did not deliver its error (an HTTP status or an error class, as ``last_error``).

No names, no content, no customer in ``subject``: only ids. A try whose worker died
leaves no entry; the next try's number shows the gap (tries are counted when claimed).

(The audit module is imported where it is used: this module loads with the ``handoff``
app, before Django's models are ready.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

APPLICATION_SOURCE = "application"
ITEM_SOURCE = "item"


def object_type(subject: str) -> str:
    return f"handoff_{subject}"


def application_subject(kind: str) -> str:
    """An application's subject by its kind (as ``HandoffInput.subject``)."""
    return "change_notice" if kind == "change_notice" else "application"


def record_try(
    *,
    jobcenter: Jobcenter,
    subject: str,
    subject_id: int,
    backend: str,
    phase: str,
    source: str,
    delivery_id: int,
    attempt: int,
    status: str,
    error: str = "",
) -> None:
    """The entry of one try and its outcome (in the caller's transaction)."""
    from openjobcenter.core.audit import audit
    from openjobcenter.core.models import AuditAction

    detail = f"{backend} {phase or '-'} try {attempt}: {status}; delivery {source}:{delivery_id}"
    if status != "delivered" and error:
        detail += f"; {error[:200]}"
    audit(
        request=None,
        action=AuditAction.EXPORT,
        object_type=object_type(subject),
        object_id=subject_id,
        jobcenter=jobcenter,
        detail=detail,
        read_id=False,
    )


def record_retry(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    subject: str,
    subject_id: int,
    backend: str,
    source: str,
    delivery_id: int,
    how: str,
) -> None:
    """The entry of a retry staff started (``how``: ``dead letter`` or ``retry now``)."""
    from openjobcenter.core.audit import audit
    from openjobcenter.core.models import AuditAction

    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type=object_type(subject),
        object_id=subject_id,
        jobcenter=jobcenter,
        actor=actor,
        detail=f"{how} {backend}; delivery {source}:{delivery_id}",
    )
