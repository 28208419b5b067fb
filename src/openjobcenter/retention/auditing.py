"""One audit entry per deleted record, written in one INSERT per batch (the deletion run
removes hundreds of records per transaction; ``core.audit.audit`` writes one row per call)."""

from __future__ import annotations

from collections.abc import Iterable

from openjobcenter.core.middleware import current_request_id
from openjobcenter.core.models import AuditAction, AuditEntry


def audit_deleted(object_type: str, rows: Iterable[tuple[int, int | None]], *, detail: str) -> None:
    """``rows``: (primary key, job centre id) of each deleted record; no content."""
    request_id = current_request_id()
    AuditEntry.objects.bulk_create(
        AuditEntry(
            jobcenter_id=jobcenter_id,
            action=AuditAction.DELETE,
            object_type=object_type,
            object_id=str(pk),
            detail=detail,
            request_id=request_id,
        )
        for pk, jobcenter_id in rows
    )


def homes_changed(customer_ids: Iterable[int]) -> None:
    """Tell each affected customer's home (and its cached copy) that items are gone."""
    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.home.realtime import home_changed

    wanted = set(customer_ids)
    if not wanted:
        return
    for user_id in CustomerProfile.objects.filter(pk__in=wanted).values_list("user_id", flat=True):
        home_changed(user_id)
