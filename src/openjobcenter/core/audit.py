"""Writing to the audit log. Every read and write of personal data calls ``audit``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from openjobcenter.core import fastsql
from openjobcenter.core.middleware import current_request_id
from openjobcenter.core.models import AuditAction, AuditEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter


# The customer (their user id) a representative acts for in this request (issue 25): every
# entry written meanwhile names them in ``acting_for``, with the representative as actor.
_acting_for: ContextVar[int | None] = ContextVar("audit_acting_for", default=None)


@contextmanager
def acting_for(customer_user_id: int) -> Iterator[None]:
    token = _acting_for.set(customer_user_id)
    try:
        yield
    finally:
        _acting_for.reset(token)


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
    """An unsaved entry. ``actor`` defaults to the request's user. While a representative
    acts for a customer, the entry names the customer in ``acting_for`` and the
    representative (the request's user) as the actor, also where the caller named the
    customer as the one who read their own data."""
    acting = _acting_for.get()
    if acting is None and request is not None:
        # The API's ``X-Acting-For`` marks the request itself (``mandates.acting``).
        acting = getattr(request, "acting_for_user_id", None)
    if (
        acting is not None
        and request is not None
        and request.user.is_authenticated
        and (actor is None or actor.pk == acting)
    ):
        actor = request.user
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    return AuditEntry(
        acting_for_id=acting,
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
