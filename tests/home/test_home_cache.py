"""The cached home (home/cache.py): warm it costs no SQL, it never leaks between
customers, job centres or languages, and it stays right as time passes (an appointment
that ends, a deadline that becomes today) without anything being changed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Status
from openjobcenter.home.cache import cached_customer_home, entry_key
from openjobcenter.home.registry import Urgency, customer_home
from openjobcenter.messaging import services as chat
from openjobcenter.tenants.models import Jobcenter
from tests.home import world

pytestmark = pytest.mark.django_db


def kinds(customer: CustomerProfile) -> list[str]:
    return [item.kind for item in cached_customer_home(customer).items]


def fresh(customer: CustomerProfile) -> CustomerProfile:
    return CustomerProfile.objects.select_related("jobcenter", "user").get(pk=customer.pk)


def test_warm_home_and_badge_cost_no_sql(
    jc_a: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    world.make_busy(customer, staff_a[Role.JOB_ADVISOR])
    who = fresh(customer)
    cold = cached_customer_home(who)
    with CaptureQueriesContext(connection) as ctx:
        warm = cached_customer_home(who)
    assert len(ctx.captured_queries) == 0
    assert [(i.kind, str(i.title), i.url) for i in warm.items] == [
        (i.kind, str(i.title), i.url) for i in cold.items
    ]
    assert warm.total == customer_home(who).total == cold.total
    assert warm.counts() == cold.counts()
    # The navigation badge of another customer page reads the same entry.
    client = Client()
    client.force_login(customer.user)
    profile = reverse("customer:profile", kwargs={"jc": jc_a.slug})
    client.get(profile)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(profile).content.decode()
    assert f"<span data-home-count-value>{cold.total}</span>" in page
    assert not [q for q in ctx.captured_queries if "document" in q["sql"].lower()]


def test_no_leak_between_customers_and_job_centres(
    jc_a: Jobcenter,
    jc_b: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    staff_a: dict[Role, User],
) -> None:
    world.enable_modules(jc_b)
    world.add_request(customer)
    world.add_messages(customer2, staff_a[Role.CASEWORKER], 3)
    for _ in range(2):  # cold, then from the cache
        assert kinds(fresh(customer)) == ["document_request"]
        assert kinds(fresh(customer2)) == ["message"]
        assert kinds(fresh(customer_b)) == []
    keys = {entry_key(fresh(c)) for c in (customer, customer2, customer_b)}
    assert len(keys) == 3
    assert str(jc_b.pk) in entry_key(fresh(customer_b))


def test_each_language_has_its_own_entry(
    customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    world.add_request(customer)
    who = fresh(customer)
    with translation.override("de"):
        german = cached_customer_home(who).items[0]
    with translation.override("en"):
        english = cached_customer_home(who).items[0]
    with translation.override("de"):
        again = cached_customer_home(who).items[0]
    assert german.action == again.action == "Jetzt senden"
    assert english.action == "Send now"


def test_an_appointment_that_ends_leaves_without_a_change(
    customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    world.enable_modules(customer.jobcenter)
    with world.daytime():
        appt = world.add_appointment(
            customer, staff_a[Role.JOB_ADVISOR], hours=0.25, status=Status.CONFIRMED
        )
        who = fresh(customer)
        with time_machine.travel(timezone.now(), tick=False):
            assert "appointment" in kinds(who)
        after_end = appt.ends_at + timedelta(minutes=1)
        assert timezone.localdate(after_end) == timezone.localdate(appt.starts_at)
        with time_machine.travel(after_end, tick=False):
            assert "appointment" not in kinds(who)


def test_urgency_follows_the_date(customer: CustomerProfile) -> None:
    world.enable_modules(customer.jobcenter)
    world.add_request(customer, days=1)
    who = fresh(customer)
    assert cached_customer_home(who).items[0].urgency == Urgency.SOON
    tomorrow = timezone.localtime() + timedelta(days=1)
    with time_machine.travel(tomorrow, tick=False):
        assert cached_customer_home(who).items[0].urgency == Urgency.TODAY
    with time_machine.travel(tomorrow + timedelta(days=1), tick=False):
        assert cached_customer_home(who).items[0].urgency == Urgency.OVERDUE


def test_a_module_switched_off_is_not_served_from_the_cache(customer: CustomerProfile) -> None:
    world.enable_modules(customer.jobcenter)
    world.add_request(customer)
    assert kinds(fresh(customer)) == ["document_request"]
    jc = customer.jobcenter
    jc.enabled_modules = [m for m in jc.enabled_modules if m != "documents"]
    jc.save()
    assert kinds(fresh(customer)) == []


def test_a_cache_outage_costs_freshness_never_a_write_or_a_page(
    settings: Any, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    """Redis down: a service that changes the home still writes (its bump is skipped),
    and the home is computed directly."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nobody listens there
        }
    }
    world.enable_modules(customer.jobcenter)
    request = world.add_request(customer)
    conversation = world.add_messages(customer, staff_a[Role.CASEWORKER], 1)
    chat.message_send(conversation=conversation, author=staff_a[Role.CASEWORKER], body="Hallo")
    assert request.items.count() == 1
    assert sorted(kinds(fresh(customer))) == ["document_request", "message"]
