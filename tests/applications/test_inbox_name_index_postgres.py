"""The inbox's name search stays in its own job centre's part of the trigram index
(migration 0006): in an installation of 50 job centres the common-name search of one
must not walk the others' names (bench/scale.py: 214 ms → 2 ms at 700,000 customers).

PostgreSQL only. The plan is asked for with the other ways switched off, so what is
tested is that the job centre *can* be answered in the index: its column is a bigint
behind ``btree_gist``, which has no ``bigint = integer`` operator, so a job centre given
as an integer literal would stay outside the index condition and be filtered row by row.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection, transaction

from openjobcenter.applications.selectors_staff import _ranked_by_name, submitted_of
from openjobcenter.tenants.models import Jobcenter

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db,
    pytest.mark.skipif(not ON_POSTGRES, reason="needs DATABASE_URL=postgres://..."),
]


def test_name_search_uses_the_job_centres_part_of_the_trigram_index(
    jc_a: Jobcenter,
) -> None:
    qs = _ranked_by_name(submitted_of(jc_a).filter(customer_name__icontains="Müller"), "Müller")
    with transaction.atomic(), connection.cursor() as cursor:
        for switch in ("seqscan", "bitmapscan", "sort", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{switch} = off")
        plan = qs[:51].explain()
    assert "app_jc_customer_name_trgm" in plan, plan
    condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "jobcenter_id" in condition, plan
    assert "~~" in condition, plan  # the LIKE, in the same index
    assert "Filter: " not in plan or "jobcenter_id" not in plan.split("Filter: ", 1)[1], plan
