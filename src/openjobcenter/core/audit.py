"""Writing to the audit log. Every read and write of personal data calls ``audit``."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

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


# The columns of an own read's entry that differ between entries.
_VARYING = frozenset({"at", "ip_address", "request_id"})


def own_read_insert(
    *, request: HttpRequest | None, object_type: str, source: str
) -> tuple[str, list[Any]]:
    """The entry of a person reading their own data, for a statement that finds the person
    itself (``api.auth``: the API token's look-up, the read and this entry in one): an
    ``INSERT … SELECT`` (``fastsql.insert_from``) taking actor and subject, with their
    e-mail address as the labels, from ``source``, a row of that statement with the user
    table's columns, and written only if the person is active. Nothing names a customer
    acted for there: the token's statement runs before anything can (``X-Acting-For`` is
    resolved by the operation, after authentication). The SQL and its parameters."""
    db = connections[DEFAULT_DB_ALIAS]
    sql, fields, constant, varying = _own_read_statement(db.vendor, object_type, source)
    params = list(constant)
    values = {
        "at": timezone.now(),
        "ip_address": client_ip(request),
        "request_id": current_request_id(),
    }
    for index in varying:
        field = fields[index]
        params[index] = field.get_db_prep_save(values[field.attname], db)
    return sql, params


@functools.cache
def _own_read_statement(
    vendor: str, object_type: str, source: str
) -> tuple[str, tuple[Any, ...], list[Any], tuple[int, ...]]:
    """``own_read_insert``'s SQL, its fields, the parameters that are the same for every
    such entry (prepared once) and the places of those that are not (time, address,
    request id). On PostgreSQL the same ones are SQL literals in the text, quoted once by
    psycopg: Django's psycopg binds parameters on the client, which quotes each one into
    the text on every call (half of the statement's preparing, issue 19)."""
    from openjobcenter.accounts.models import User

    column = {f.name: str(f.column) for f in User._meta.concrete_fields}
    quote = connection.ops.quote_name
    taken = {
        "actor_id": column["id"],
        "subject_id": column["id"],
        "actor_label": column["email"],
        "subject_label": column["email"],
    }
    where = f"{source}.{quote(column['is_active'])}"
    template = AuditEntry(action=AuditAction.READ, object_type=object_type)
    _sql, every = fastsql.insert_from_sql(AuditEntry, source=source, taken=taken, where=where)
    for field in every:
        per_entry = (field.has_default() and callable(field.default)) or getattr(
            field, "auto_now_add", False
        )
        if per_entry and field.attname not in _VARYING:  # a new column with a value per entry
            raise TypeError(f"{field.name} needs a value per entry in own_read_insert")
    given: dict[str, str] = {}
    if vendor == "postgresql":
        from psycopg import sql as pgsql

        for field in every:
            if field.attname not in _VARYING:
                value = field.get_db_prep_save(field.pre_save(template, True), connection)
                given[field.attname] = pgsql.Literal(value).as_string()
    sql, fields = fastsql.insert_from_sql(
        AuditEntry, source=source, taken=taken, where=where, given=given
    )
    varying = tuple(i for i, f in enumerate(fields) if f.attname in _VARYING)
    constant = [
        None if i in varying else f.get_db_prep_save(f.pre_save(template, True), connection)
        for i, f in enumerate(fields)
    ]
    return sql, fields, constant, varying
