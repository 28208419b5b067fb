"""The home's cost does not grow with what is waiting: the same number of SQL queries
for one item of each kind as for many (each provider keeps to a fixed number)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.home.cache import version_bump
from openjobcenter.home.registry import Audience, customer_home, providers
from openjobcenter.tenants.models import Jobcenter
from tests.home import world

pytestmark = pytest.mark.django_db


def queries(client: Client, path: str, *, changed: CustomerProfile | None = None) -> list[str]:
    client.get(path)  # warm: session, caches
    if changed is not None:  # the home computed again, not read from the cache
        version_bump(changed.user_id)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("path", ["", "stand/"])
def test_query_count_is_constant(
    client: Client,
    jc_a: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    staff_a: dict[Role, User],
    path: str,
) -> None:
    staff = staff_a[Role.JOB_ADVISOR]
    world.enable_modules(jc_a)
    few = world.make_busy(
        customer, staff, requests=1, appointments=3, unread=1, applications=2, conversations=1
    )
    many = world.make_busy(
        customer2,
        staff_a[Role.CASEWORKER],
        requests=12,
        appointments=9,
        unread=60,
        applications=6,
        conversations=5,
    )
    url = f"/{jc_a.slug}/mein-bereich/{path}"
    client.force_login(customer.user)
    small = queries(client, url)
    small_cold = queries(client, url, changed=customer)
    client.force_login(customer2.user)
    big = queries(client, url)
    big_cold = queries(client, url, changed=customer2)
    assert len(customer_home(customer2).items) > 3 * len(customer_home(customer).items)
    assert len(small) == len(big), "\n".join(big)
    assert len(small_cold) == len(big_cold), "\n".join(big_cold)
    # Served from the cache, the home makes no query of its own.
    assert len(big) < len(big_cold)
    assert few.requests and many.requests


def test_each_provider_keeps_to_its_queries(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    staff_a: dict[Role, User],
) -> None:
    staff = staff_a[Role.JOB_ADVISOR]
    world.make_busy(
        customer, staff, requests=1, appointments=1, unread=1, applications=2, conversations=1
    )
    world.make_busy(
        customer2,
        staff_a[Role.CASEWORKER],
        requests=8,
        appointments=6,
        unread=30,
        applications=6,
        conversations=4,
    )
    for provider in providers(Audience.CUSTOMER):
        counts = []
        for person in (customer, customer2):
            who = CustomerProfile.objects.select_related("jobcenter", "user").get(pk=person.pk)
            with CaptureQueriesContext(connection) as ctx:
                provider.items(who)
            counts.append(len(ctx.captured_queries))
        assert counts[0] == counts[1], (provider.key, counts)
