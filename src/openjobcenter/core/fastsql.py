"""Single-row INSERT and UPDATE by primary key without the ORM's query compiler.

For the hottest writes only (a chat message, its audit entry, the conversation's
cursors): Django compiles every ``save()`` and ``update()`` anew, and for these small
statements the compiling cost more CPU than the database's work; a chat process is
bound by its CPU (``bench/chat.py``). The SQL text is built once per model (and set of
columns) from the model's own metadata, and values are prepared by the fields
themselves (``pre_save``, ``get_db_prep_save``) as the ORM does, so a row written here
is the row ``save()`` would have written. No signals are sent: the platform uses none
(DESIGN: registries instead of signals).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Field, Model

Statement = tuple[str, tuple[Field[Any, Any], ...]]
# Keyed by model, database vendor and columns: the SQL text is the same for every
# connection of one vendor, whichever thread holds it.
_statements: dict[tuple[Any, ...], Statement] = {}


def _cached(key: tuple[Any, ...], build: Callable[[], Statement]) -> Statement:
    found = _statements.get(key)
    if found is None:
        found = _statements[key] = build()
    return found


def _insert_sql(
    model: type[Model],
    connection: BaseDatabaseWrapper,
    returning: bool,
    with_pk: bool = False,
    ignore_conflict: bool = False,
) -> Statement:
    return _cached(
        ("insert", model, connection.vendor, returning, with_pk, ignore_conflict),
        lambda: _build_insert(model, connection, returning, with_pk, ignore_conflict),
    )


def _build_insert(
    model: type[Model],
    connection: BaseDatabaseWrapper,
    returning: bool,
    with_pk: bool,
    ignore_conflict: bool = False,
) -> Statement:
    quote = connection.ops.quote_name
    meta = model._meta
    pk = meta.pk
    fields = tuple(
        f
        for f in meta.local_concrete_fields
        if with_pk or not (f is pk and getattr(f, "db_returning", False))  # the AutoField
    )
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(["%s"] * len(fields))
    # Only the model's own table and column names, quoted, are formatted in; values are
    # parameters.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"  # noqa: S608
    if ignore_conflict:  # PostgreSQL and SQLite (3.24+) alike
        sql += " ON CONFLICT DO NOTHING"
    if returning and pk is not None:
        sql += f" RETURNING {quote(pk.column)}"
    return sql, fields


@dataclass(frozen=True)
class IfNew:
    """An ``along`` row that is written only if it breaks no unique constraint
    (``ON CONFLICT DO NOTHING``): work recorded idempotently, e.g. an outbox row."""

    obj: Model


Along = Model | IfNew


def reserve_keys(objs: Sequence[Model], *, using: str = "default") -> bool:
    """Give each of ``objs`` (unsaved, with a generated integer key) its key from its
    table's sequence, all in one round trip, so rows written ``along`` can name each
    other (a task row the outbox row's id). PostgreSQL only: False elsewhere, and the
    keys stay None."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        return False
    if not objs:
        return True
    calls = ", ".join(["nextval(pg_get_serial_sequence(%s, %s))"] * len(objs))
    params: list[str] = []
    for obj in objs:
        meta = obj._meta
        if meta.pk is None:  # pragma: no cover - every concrete model has one
            raise TypeError(type(obj))
        params += [connection.ops.quote_name(meta.db_table), str(meta.pk.column)]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {calls}", params)
        row = cursor.fetchone()
    for obj, key in zip(objs, row or (), strict=True):
        obj.pk = key
    return True


def key_sql(models: Sequence[type[Model]], *, using: str = "default") -> tuple[str, list[str]]:
    """One ``SELECT`` that takes the next key of each of ``models``' sequences (a model
    named twice gets two): for a caller that sends it in psycopg's pipeline mode with
    other statements and reads it later (``reserve_keys`` is the same with its own round
    trip). PostgreSQL only."""
    connection = connections[using]
    calls = ", ".join(["nextval(pg_get_serial_sequence(%s, %s))"] * len(models))
    params: list[str] = []
    for model in models:
        meta = model._meta
        if meta.pk is None:  # pragma: no cover - every concrete model has one
            raise TypeError(model)
        params += [connection.ops.quote_name(meta.db_table), str(meta.pk.column)]
    return f"SELECT {calls}", params


def writes_along(using: str = "default") -> bool:
    """Whether ``along`` rows go out in the same statement (PostgreSQL)."""
    return connections[using].vendor == "postgresql"


def _along(
    objs: tuple[Along, ...], connection: BaseDatabaseWrapper, using: str
) -> tuple[str, list[Any]]:
    """``WITH`` clauses that insert ``objs`` in the statement that follows (PostgreSQL's
    data-modifying ``WITH``): one statement and one round trip instead of one each. The
    rows' generated keys are not read (they stay None unless the caller reserved them,
    ``reserve_keys``). Elsewhere (SQLite has no such ``WITH``) the rows are written
    first, each on its own, and the prefix is empty."""
    if not objs:
        return "", []
    if connection.vendor != "postgresql":
        for item in objs:
            if isinstance(item, IfNew):
                type(item.obj)._default_manager.using(using).bulk_create(
                    [item.obj], ignore_conflicts=True
                )
            else:
                insert(item, using=using, read_pk=False)
        return "", []
    clauses, params = [], []
    for number, item in enumerate(objs):
        obj = item.obj if isinstance(item, IfNew) else item
        sql, fields = _insert_sql(
            type(obj), connection, False, obj.pk is not None, isinstance(item, IfNew)
        )
        clauses.append(f"along_{number} AS ({sql})")
        params += [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
        obj._state.adding = False
        obj._state.db = using
    return "WITH {} ".format(", ".join(clauses)), params


def insert_from(
    obj: Model,
    *,
    source: str,
    taken: dict[str, str],
    where: str = "",
    using: str = "default",
) -> tuple[str, list[Any]]:
    """The ``INSERT … SELECT … FROM source`` that writes ``obj`` with the columns named in
    ``taken`` (attname → a column of ``source``) from a row only the same statement knows,
    e.g. its ``WITH`` query's (the person an API token belongs to, ``api.auth``); the other
    columns come from ``obj`` as ``insert`` writes them. ``where``: a condition on
    ``source`` (no row, nothing written). Nothing runs: the SQL, for a ``WITH`` clause of
    the caller's statement, and its parameters. ``source``, ``taken`` and ``where`` are SQL
    text: the caller's own names, never input."""
    connection = connections[using]
    sql, fields = insert_from_sql(type(obj), source=source, taken=taken, where=where, using=using)
    return sql, [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]


def insert_from_sql(
    model: type[Model],
    *,
    source: str,
    taken: dict[str, str],
    where: str = "",
    given: dict[str, str] | None = None,
    using: str = "default",
) -> Statement:
    """``insert_from``'s SQL (built once) and the fields whose values are its parameters,
    in order: for a caller that prepares values it writes every time only once.
    ``given``: columns whose value is SQL text of the caller's (attname → e.g. a literal
    it quoted once), no parameter."""
    connection = connections[using]
    fixed = given or {}
    key = (
        "insert_from",
        model,
        connection.vendor,
        source,
        tuple(sorted(taken.items())),
        where,
        tuple(sorted(fixed.items())),
    )
    return _cached(key, lambda: _build_insert_from(model, connection, source, taken, where, fixed))


def _build_insert_from(
    model: type[Model],
    connection: BaseDatabaseWrapper,
    source: str,
    taken: dict[str, str],
    where: str,
    given: dict[str, str],
) -> Statement:
    quote = connection.ops.quote_name
    meta = model._meta
    pk = meta.pk
    columns = [
        f
        for f in meta.local_concrete_fields
        if not (f is pk and getattr(f, "db_returning", False))  # the AutoField
    ]
    unknown = {*taken, *given} - {f.attname for f in columns}
    if unknown:
        raise TypeError(sorted(unknown))
    values, fields = [], []
    for field in columns:
        if field.attname in taken:
            values.append(f"{source}.{quote(taken[field.attname])}")
        elif field.attname in given:
            values.append(given[field.attname])
        else:
            values.append("%s")
            fields.append(field)
    names = ", ".join(quote(f.column) for f in columns)
    condition = f" WHERE {where}" if where else ""
    # Only the model's own quoted names and the caller's own SQL text are formatted in;
    # values are parameters.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({names}) "  # noqa: S608
        f"SELECT {', '.join(values)} FROM {source}{condition}"
    )
    return sql, tuple(fields)


def insert(
    obj: Model,
    *,
    using: str = "default",
    read_pk: bool = True,
    ignore_conflict: bool = False,
    along: tuple[Along, ...] = (),
) -> bool:
    """Write ``obj`` as a new row and set its primary key, like
    ``obj.save(force_insert=True)`` for a model without multi-table inheritance.

    With the primary key set already (taken from its sequence by the caller), the row
    is written with it; with it set or ``read_pk=False`` nothing is read back, so in
    psycopg's pipeline mode the statement goes out with the next ones in one round
    trip (``read_pk=False`` leaves a generated key None).

    ``ignore_conflict``: a row that would break a unique constraint is not written
    (``ON CONFLICT DO NOTHING``, no savepoint needed); returns False then (the key must be
    read back to tell). True when the row was written.

    ``along``: more new rows (e.g. the audit entry) written by the same statement
    (``_along``), whether or not ``obj`` conflicts; their keys are not read."""
    connection = connections[using]
    with_pk = obj.pk is not None
    returning = bool(connection.features.can_return_columns_from_insert) and not with_pk and read_pk
    if ignore_conflict and not returning:
        raise ValueError("ignore_conflict needs the generated key read back")
    sql, fields = _insert_sql(type(obj), connection, returning, with_pk, ignore_conflict)
    prefix, params = _along(along, connection, using)
    params += [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        if with_pk or not read_pk:
            pk = obj.pk
        elif returning:
            row = cursor.fetchone()
            pk = row[0] if row else None
            if row is None and ignore_conflict:
                return False
        else:  # pragma: no cover - every supported database returns columns
            pk = connection.ops.last_insert_id(cursor, obj._meta.db_table, obj._meta.pk.column)
    if obj._meta.pk is not None and getattr(obj._meta.pk, "db_returning", False):
        obj.pk = pk
    obj._state.adding = False
    obj._state.db = using
    return True


def _update_sql(
    model: type[Model], connection: BaseDatabaseWrapper, names: tuple[str, ...]
) -> Statement:
    return _cached(
        ("update", model, connection.vendor, names),
        lambda: _build_update(model, connection, names),
    )


def _build_update(
    model: type[Model], connection: BaseDatabaseWrapper, names: tuple[str, ...]
) -> Statement:
    quote = connection.ops.quote_name
    meta = model._meta
    fields: list[Field[Any, Any]] = []
    for name in names:
        field = meta.get_field(name)
        if not isinstance(field, Field) or not field.concrete:
            raise TypeError(name)
        fields.append(field)
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)
    pk = meta.pk
    if pk is None:  # pragma: no cover - every concrete model has one
        raise TypeError(model)
    # As above: quoted names of the model's own columns; values are parameters.
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(pk.column)} = %s"  # noqa: S608
    return sql, tuple(fields)


def update(
    model: type[Model],
    pk: Any,
    values: dict[str, Any],
    *,
    using: str = "default",
    along: tuple[Along, ...] = (),
) -> int:
    """``model.objects.filter(pk=pk).update(**values)`` for plain values (no
    expressions); the keys are field names or attnames (``assignee_id``). Returns the
    number of rows changed. ``along``: new rows written by the same statement, as in
    ``insert``."""
    connection = connections[using]
    names = tuple(values)
    sql, fields = _update_sql(model, connection, names)
    prefix, params = _along(along, connection, using)
    params += [
        f.get_db_prep_save(values[name], connection) for f, name in zip(fields, names, strict=True)
    ]
    params.append(pk)
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        return int(cursor.rowcount)


def select(
    sql: str,
    params: Sequence[Any],
    *,
    along: tuple[Along, ...] = (),
    using: str = "default",
) -> list[tuple[Any, ...]]:
    """The rows of the query ``sql``, with ``along`` rows written by the same statement
    (``_along``; e.g. the audit entry of the read: one round trip for both, and the entry
    committed with it). Elsewhere the rows are written just before."""
    connection = connections[using]
    prefix, along_params = _along(along, connection, using)
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, [*along_params, *params])
        return list(cursor.fetchall())
