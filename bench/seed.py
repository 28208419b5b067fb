"""Seeding helpers the PostgreSQL benchmarks share: bulk rows with one
``INSERT … SELECT generate_series`` statement (no Python per row), the bench job centre's
staff and its customers (accounts and profiles).

PostgreSQL only (``generate_series``); call after ``django.setup()`` and the migrations.
"""

from __future__ import annotations

import json
from typing import Any


def filler(field: Any) -> str:
    """An SQL literal for a NOT NULL column the seed does not set (Django keeps defaults
    in Python, not in the table)."""
    from django.db import models

    if field.has_default():
        default = field.get_default()
        if isinstance(default, bool):
            return "true" if default else "false"
        if isinstance(default, (int, float)):
            return str(default)
        if isinstance(default, str):
            return "'" + default.replace("'", "''") + "'"
        if isinstance(default, (dict, list)):
            return "'" + json.dumps(default) + "'::jsonb"
    if isinstance(field, (models.DateTimeField, models.DateField)):
        return "now()"
    if isinstance(field, models.BooleanField):
        return "false"
    if isinstance(field, (models.IntegerField, models.FloatField, models.DecimalField)):
        return "0"
    if isinstance(field, models.JSONField):
        return "'{}'::jsonb"
    return "''"


def series(model: Any, count: int, values: dict[str, str]) -> None:
    """Insert ``count`` rows of ``model`` in one statement; ``values`` maps column names to
    SQL expressions over ``i`` (1..count); other NOT NULL columns get their default."""
    from django.db import connection

    columns, exprs = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.column not in values:
            continue
        column = field.column
        if column in values:
            columns.append(f'"{column}"')
            exprs.append(values[column])
        elif not field.null:
            columns.append(f'"{column}"')
            exprs.append(filler(field))
    # The bench's own expressions and Django's table names only: no outside input.
    sql = (
        f'INSERT INTO "{model._meta.db_table}" ({", ".join(columns)}) '  # noqa: S608
        f"SELECT {', '.join(exprs)} FROM generate_series(1, {int(count)}) AS i"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)


def seed_staff(jobcenter: Any, count: int = 12) -> list[Any]:
    """``count`` staff members of ``jobcenter`` (``team<k>@bench.example.org``): the last a
    team lead, the others caseworkers."""
    from openjobcenter.accounts.models import Role, StaffMembership, User

    staff = []
    for k in range(count):
        user = User.objects.create_user(
            email=f"team{k}@bench.example.org", password=None, first_name="Team", last_name=str(k)
        )
        role = Role.TEAM_LEAD if k == count - 1 else Role.CASEWORKER
        StaffMembership.objects.create(user=user, jobcenter=jobcenter, role=role)
        staff.append(user)
    return staff


def seed_customers(jobcenter: Any, count: int, profile: dict[str, str] | None = None) -> int:
    """``count`` customers of ``jobcenter`` (``kunde<i>@bench.example.org``, customer
    number ``K<i>``), ``profile`` adding SQL expressions over ``i`` for further profile
    columns; returns the first customer profile's primary key."""
    from openjobcenter.accounts.models import CustomerProfile, User

    first_user = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    series(
        User,
        count,
        {
            "id": f"{first_user} + i - 1",
            "email": "'kunde' || i || '@bench.example.org'",
            "password": "'!'",
            "first_name": "'Karla'",
            "last_name": "'Kunde' || i",
            "is_active": "true",
            "date_joined": "now()",
        },
    )
    series(
        CustomerProfile,
        count,
        {
            "user_id": f"{first_user} + i - 1",
            "jobcenter_id": str(jobcenter.pk),
            "customer_number": "'K' || i",
            **(profile or {}),
        },
    )
    return int(CustomerProfile.objects.filter(jobcenter=jobcenter).order_by("pk")[0].pk)
