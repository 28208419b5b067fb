"""API authentication: a personal bearer token, or the browser session (with CSRF).

The order matters. A bearer token travels in a header that a foreign site cannot make a
browser send, so a request carrying a valid token needs no CSRF check; it is tried first.
The session cookie is sent by the browser on its own, so a request that the *session*
authenticates must carry the CSRF token. The check runs only once the session is known to
belong to someone: ninja's ``SessionAuth(csrf=True)`` checks before looking at the session
and answers 403 "CSRF check Failed" for a request with no session at all, which used to end
the chain before the token was ever looked at (token clients could only read).

Every operation of the API is authenticated by default (``NinjaAPI(auth=session_or_token)``
in ``api.urls``); the operations anyone may call are listed in ``api.public``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from openjobcenter.accounts.models import ApiToken, User
from openjobcenter.accounts.services import api_token_touch
from openjobcenter.core.access import staff_second_factor_in_session
from openjobcenter.core.audit import own_read_insert

TOUCH_EVERY = timedelta(minutes=1)
CSRF_FAILED = "CSRF check Failed"


def _token_select(qn: Any) -> str:
    columns = ", ".join(f"u.{qn(f.column)}" for f in User._meta.concrete_fields)
    # Only the models' own table and column names are formatted in; the hash is a parameter.
    return (
        f"SELECT {columns}, t.{qn('id')} AS ojc_token_id, "  # noqa: S608
        # Whether "last used" is older than TOUCH_EVERY (the parameter: that moment), so
        # the time itself is not read and converted on every call.
        f"CASE WHEN t.{qn('last_used_at')} IS NULL OR t.{qn('last_used_at')} < %s "
        f"THEN 1 ELSE 0 END AS ojc_token_stale "
        f"FROM {qn(ApiToken._meta.db_table)} t "
        f"JOIN {qn(User._meta.db_table)} u ON u.{qn('id')} = t.{qn('user_id')} "
        f"WHERE t.{qn('key_hash')} = %s AND t.{qn('revoked_at')} IS NULL"
    )


@functools.cache
def _token_sql(vendor: str) -> str:
    """The live token with its user, in one statement without the ORM's compiler (about a
    sixth of ``/api/v1/me``'s CPU went into compiling this look-up, issue 19). Every
    request reads the database: a revoked token or a deactivated person stops at once,
    with nothing cached to invalidate."""
    return _token_select(connection.ops.quote_name)


@dataclass(frozen=True)
class OwnRead:
    """A read of the token holder's own data that the token's statement makes as well, with
    the read's audit entry, where the database allows it (PostgreSQL's ``WITH``): one
    statement and one round trip authenticate, read and audit instead of two (``/me``,
    issue 19). ``select`` gives the read's columns and the joins after ``FROM``, written
    against the token's row as ``OWN_ROW`` (the user table's columns); an operation with
    an own read finds its rows in ``own_rows(request)``, or None where the read was not
    made (SQLite, or the browser session authenticated the call)."""

    object_type: str
    select: Callable[[Callable[[str], str]], tuple[str, str]]


OWN_ROW = "ojc_tok"
_OWN_ROWS = "_ojc_own_rows"


@functools.cache
def _token_read_sql(vendor: str, read: OwnRead, audit_sql: str) -> str:
    qn = connection.ops.quote_name
    user = ", ".join(f"{OWN_ROW}.{qn(f.column)}" for f in User._meta.concrete_fields)
    columns, joins = read.select(qn)
    # The audit entry's INSERT names only the models' own columns, its shared values
    # quoted once by psycopg (core.audit); the read is the operation's own SQL text; every
    # other value is a parameter.
    return (
        f"WITH {OWN_ROW} AS ({_token_select(qn)}), ojc_own_audit AS ({audit_sql}) "  # noqa: S608
        f"SELECT {user}, {OWN_ROW}.ojc_token_id, {OWN_ROW}.ojc_token_stale, {columns} "
        f"FROM {OWN_ROW} {joins}"
    )


def own_rows(request: HttpRequest) -> list[tuple[Any, ...]] | None:
    """The rows of the operation's ``OwnRead`` (its columns only), if the token's statement
    read them for this request; the audit entry of that read is written then."""
    return getattr(request, _OWN_ROWS, None)


@functools.cache
def _user_columns(vendor: str) -> tuple[list[str], list[tuple[int, list[Any], Any]]]:
    """The user's field names in ``_token_sql``'s column order, and each column's value
    converters as the ORM applies them (SQLite's times and booleans; few on PostgreSQL)."""
    names, converters = [], []
    for index, concrete in enumerate(User._meta.concrete_fields):
        field: Any = concrete  # get_db_converters is not in django-stubs
        names.append(field.attname)
        column = field.get_col(User._meta.db_table)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return names, converters


class TokenAuth(HttpBearer):
    def __init__(self, *, own_read: OwnRead | None = None) -> None:
        super().__init__()
        self.own_read = own_read

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith("ojc_") or len(token) > 100:
            return None
        key_hash = ApiToken.hash_key(token)
        db = connections[DEFAULT_DB_ALIAS]  # once: each use of `connection` looks it up
        read = self.own_read if db.vendor == "postgresql" else None
        stale_before = db.ops.adapt_datetimefield_value(timezone.now() - TOUCH_EVERY)
        with db.cursor() as cursor:
            if read is None:
                cursor.execute(_token_sql(db.vendor), [stale_before, key_hash])
                rows = cursor.fetchall()
            else:
                audit_sql, audit_params = own_read_insert(
                    request=request, object_type=read.object_type, source=OWN_ROW
                )
                sql = _token_read_sql(db.vendor, read, audit_sql)
                cursor.execute(sql, [stale_before, key_hash, *audit_params])
                rows = cursor.fetchall()
        if not rows:
            return None
        row = rows[0]
        # The user as the ORM builds a row (converters included), without a RawQuerySet's
        # per-call work of matching columns to fields (issue 19).
        names, converters = _user_columns(db.vendor)
        values = list(row[: len(names)])
        for index, found, column in converters:
            for convert in found:
                values[index] = convert(values[index], column, db)
        user = User.from_db(db.alias, names, values)
        if not user.is_active:
            return None  # and the own read's entry was not written (core.audit)
        token_id, stale = row[len(names)], row[len(names) + 1]
        if read is not None:
            setattr(request, _OWN_ROWS, [r[len(names) + 2 :] for r in rows])
        # "Last used" to the minute is enough; skipping the write saves a commit per call.
        if stale:
            api_token_touch(token=ApiToken(pk=token_id, user_id=user.pk))
        request.user = user
        return user


class CsrfSessionAuth(SessionAuth):
    """The logged-in browser session; CSRF is checked once the session is someone's."""

    def __init__(self) -> None:
        # csrf=False turns off ninja's check-before-anything in _get_key; ours is below.
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None or not self.accepts(request):
            return None
        # Every method, reads included, as before: Django's check_csrf passes safe methods.
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return user

    def accepts(self, request: HttpRequest) -> bool:
        """Further conditions on the session (none for customers' operations)."""
        return True


class StaffSessionAuth(CsrfSessionAuth):
    """A session of a logged-in person who used the second factor in it (the platform's,
    or the provider's after an SSO login: ``core.access.staff_second_factor_in_session``).

    Someone logged in who is staff nowhere (a customer) gets 404, as for any staff page:
    that a staff operation exists is not theirs to learn from a 401.
    """

    def accepts(self, request: HttpRequest) -> bool:
        if not _is_staff_anywhere(request.user):
            raise Http404
        return staff_second_factor_in_session(request)


class NoStaffToken(TokenAuth):
    """Staff operations take no bearer tokens (a token skips the second factor). A
    customer's valid token is answered like a customer's session, 404; staff's token and
    an invalid one stay a 401 (staff are to use the session with the second factor)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = super().authenticate(request, token)
        if user is not None and not _is_staff_anywhere(user):
            raise Http404
        return None


def _is_staff_anywhere(user: Any) -> bool:
    from openjobcenter.accounts.models import StaffMembership

    return bool(StaffMembership.objects.filter(user=user).exists())


session_or_token = [TokenAuth(), CsrfSessionAuth()]
staff_session = [StaffSessionAuth(), NoStaffToken()]


def auth_user(request: HttpRequest) -> User:
    """The user an API authenticator put on the request (call only behind ``auth=``)."""
    return request.auth  # type: ignore[attr-defined,no-any-return]
