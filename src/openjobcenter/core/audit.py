"""Writing to the audit log. Every read and write of personal data calls ``audit``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from openjobcenter.core import fastsql
from openjobcenter.core.middleware import current_request_id
from openjobcenter.core.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def build_entry(
    *,
    request: HttpRequest | None,
    action: AuditAction,
    object_type: str,
    object_id: str | int = "",
    jobcenter: Jobcenter | None = None,
    subject: User | None = None,
    actor: User | None = None,
    detail: str = "",
) -> AuditEntry:
    """An unsaved entry. ``actor`` defaults to the request's user."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEntry(
        jobcenter=jobcenter,
        actor=actor,
        actor_label=actor.email if actor is not None else "",
        subject=subject,
        subject_label=subject.email if subject is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail[:500],
        ip_address=client_ip(request),
        request_id=current_request_id(),
    )


def audit(
    *,
    request: HttpRequest | None,
    action: AuditAction,
    object_type: str,
    object_id: str | int = "",
    jobcenter: Jobcenter | None = None,
    subject: User | None = None,
    actor: User | None = None,
    detail: str = "",
    read_id: bool = True,
) -> AuditEntry:
    """Append one entry at once. ``actor`` defaults to the request's user. (Reads of
    one's own data may use ``core.audit_buffer.audit_own_read`` instead.) ``read_id=False``:
    the entry's id is not read back (it stays None), so in psycopg's pipeline mode the
    statement waits to go out with the next ones (``messaging.services_send``)."""
    entry = build_entry(
        request=request,
        action=action,
        object_type=object_type,
        object_id=object_id,
        jobcenter=jobcenter,
        subject=subject,
        actor=actor,
        detail=detail,
    )
    # Append-only, and written on every read of personal data: a plain INSERT, without
    # the ORM's per-call query compiling (``core.fastsql``).
    fastsql.insert(entry, read_pk=read_id)
    return entry
