"""``/api/v1/me``: the person's account, customer profile and staff roles.

The read is the platform's own SQL (the job centre's row is large: legal texts, branding;
only the columns shown are read). Called with an API token on PostgreSQL, the token's own
statement makes it, with its audit entry (``api.auth.OwnRead``): one statement and one
round trip for the whole call (issue 19). Otherwise (a browser session, SQLite) one
statement of its own reads it, the entry written along (``fastsql.select``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection
from django.http import HttpRequest

from openjobcenter.accounts.models import CustomerProfile, StaffMembership, User
from openjobcenter.api.auth import OWN_ROW, OwnRead, own_rows
from openjobcenter.core import fastsql
from openjobcenter.core.audit_buffer import own_read_entry
from openjobcenter.tenants.models import Jobcenter

OBJECT_TYPE = "me"
_PROFILE_FIELDS = ("customer_number", "street", "postcode", "city", "phone", "contact_channel")


def _parts(qn: Callable[[str], str], person: str) -> tuple[str, str, str]:
    """The read's columns, joins and order after ``FROM`` the person's row
    (``person``: its alias, with the user table's columns): the customer profile's shown
    columns with its job centre's slug, and one row per staff membership (at least one),
    the profile's columns repeated."""
    profile = CustomerProfile._meta.db_table
    member = StaffMembership._meta.db_table
    jc = Jobcenter._meta.db_table
    profile_columns = ", ".join(f"p.{qn(name)}" for name in _PROFILE_FIELDS)
    columns = f"pj.{qn('slug')}, {profile_columns}, mj.{qn('slug')}, m.{qn('role')}"
    # Only the models' own table and column names are formatted in.
    joins = (
        f"LEFT JOIN {qn(profile)} p ON p.{qn('user_id')} = {person}.{qn('id')} "
        f"LEFT JOIN {qn(jc)} pj ON pj.{qn('id')} = p.{qn('jobcenter_id')} "
        f"LEFT JOIN {qn(member)} m ON m.{qn('user_id')} = {person}.{qn('id')} "
        f"LEFT JOIN {qn(jc)} mj ON mj.{qn('id')} = m.{qn('jobcenter_id')}"
    )
    return columns, joins, f"ORDER BY m.{qn('id')}"


def _own_select(qn: Callable[[str], str]) -> tuple[str, str]:
    columns, joins, order = _parts(qn, OWN_ROW)
    return columns, f"{joins} {order}"


# Made by the token's statement (api.urls: the operation's ``TokenAuth(own_read=ME_READ)``).
ME_READ = OwnRead(object_type=OBJECT_TYPE, select=_own_select)


@functools.cache
def _me_sql(vendor: str) -> str:
    """The read as a statement of its own, for one user id. Read anew on every request."""
    qn = connection.ops.quote_name
    columns, joins, order = _parts(qn, "u")
    # The models' own names only; the id is a parameter.
    return (
        f"SELECT {columns} FROM {qn(User._meta.db_table)} u {joins} "  # noqa: S608
        f"WHERE u.{qn('id')} = %s {order}"
    )


def me_answer(request: HttpRequest, user: User) -> dict[str, Any]:
    """``GET /me``'s answer, its read audited: by the token's statement if it made the
    read, else by this one's."""
    rows = own_rows(request)
    if rows is None:
        entry = own_read_entry(request=request, user=user, object_type=OBJECT_TYPE)
        rows = fastsql.select(_me_sql(connection.vendor), [user.pk], along=(entry,))
    return _answer(user, rows)


def me_unaudited(user: User) -> dict[str, Any]:
    """The answer after a change the caller audited itself (``PATCH /me``)."""
    return _answer(user, fastsql.select(_me_sql(connection.vendor), [user.pk]))


def _answer(user: User, rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    roles: dict[str, list[str]] = {}
    for row in rows:
        if row[-1] is not None:
            roles.setdefault(str(row[-2]), []).append(str(row[-1]))
    first = rows[0] if rows else None
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "customer": None
        if first is None or first[0] is None
        else {
            "jobcenter": first[0],
            **dict(zip(_PROFILE_FIELDS, first[1 : 1 + len(_PROFILE_FIELDS)], strict=True)),
        },
        "staff_roles": roles,
    }
