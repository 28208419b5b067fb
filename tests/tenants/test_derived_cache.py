"""A job centre's rarely changed rows kept per process under the job centres' version
(``jccache.derived``, issue 20): the BundID switch that every "Mein Bereich" asks about,
and the access rules that every staff page reads. Every write path of those rows must
set a new version, or a process would go on showing what was switched off."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.bundid.models import BundIDSettings
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.models import AccessRule
from openjobcenter.tenants import jccache
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db

CARD = "Meine BundID"


def _read_counting(calls: list[int]) -> Callable[[Jobcenter], int]:
    def read(jobcenter: Jobcenter) -> int:
        calls.append(jobcenter.pk)
        return len(calls)

    return read


def test_derived_is_read_once_per_version(jc_a: Jobcenter) -> None:
    calls: list[int] = []
    cached = jccache.cached_by_slug(jc_a.slug)
    assert cached is not None
    assert jccache.derived("t", cached, _read_counting(calls)) == 1
    assert jccache.derived("t", jccache.cached_by_slug(jc_a.slug), _read_counting(calls)) == 1  # type: ignore[arg-type]
    jccache.bump_version()
    assert jccache.derived("t", jccache.cached_by_slug(jc_a.slug), _read_counting(calls)) == 2  # type: ignore[arg-type]
    # An instance not read through the cache carries no version: read every time.
    assert jccache.derived("t", jc_a, _read_counting(calls)) == 3
    assert jccache.derived("t", jc_a, _read_counting(calls)) == 4


def test_derived_keeps_a_bounded_number_of_entries(
    jc_a: Jobcenter, jc_b: Jobcenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jccache, "MAX_ENTRIES", 1)
    calls: list[int] = []
    a, b = jccache.cached_by_slug(jc_a.slug), jccache.cached_by_slug(jc_b.slug)
    assert a is not None and b is not None
    jccache.derived("t", a, _read_counting(calls))
    jccache.derived("t", b, _read_counting(calls))  # a's entry goes
    jccache.derived("t", a, _read_counting(calls))
    assert calls == [jc_a.pk, jc_b.pk, jc_a.pk]


def _offer(jobcenter: Jobcenter) -> BundIDSettings:
    return BundIDSettings.objects.create(
        jobcenter=jobcenter, enabled=True, idp_metadata_xml="<EntityDescriptor/>"
    )


def test_mein_bereich_asks_the_bundid_switch_once_per_version(
    client: Client, jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    _offer(jc_a)
    client.force_login(customer.user)
    home = f"/{jc_a.slug}/mein-bereich/"
    assert CARD in client.get(home).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        assert CARD in client.get(home).content.decode()
    assert not [q for q in ctx.captured_queries if "bundid_bundidsettings" in q["sql"]]


@pytest.mark.parametrize("how", ["update", "save", "delete", "queryset_delete"])
def test_switching_the_bundid_off_shows_at_once(
    client: Client, jc_a: Jobcenter, customer: CustomerProfile, how: str
) -> None:
    config = _offer(jc_a)
    client.force_login(customer.user)
    home = f"/{jc_a.slug}/mein-bereich/"
    assert CARD in client.get(home).content.decode()
    if how == "update":
        BundIDSettings.objects.filter(pk=config.pk).update(enabled=False)
    elif how == "save":
        config.enabled = False
        config.save()
    elif how == "delete":
        config.delete()
    else:
        BundIDSettings.objects.filter(pk=config.pk).delete()
    assert CARD not in client.get(home).content.decode()


def test_switching_the_bundid_on_by_bulk_create_shows_at_once(
    client: Client, jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    client.force_login(customer.user)
    home = f"/{jc_a.slug}/mein-bereich/"
    assert CARD not in client.get(home).content.decode()
    BundIDSettings.objects.bulk_create(
        [BundIDSettings(jobcenter=jc_a, enabled=True, idp_metadata_xml="<EntityDescriptor/>")]
    )
    assert CARD in client.get(home).content.decode()


def _seen(jobcenter: Jobcenter) -> ntk.Visibility:
    # As a request sees it: a fresh instance from the per-process job centre cache.
    fresh = jccache.cached_by_slug(jobcenter.slug)
    return ntk.role_visibility(Role.RECEPTION, ntk.Category.BENEFIT_DATA, fresh)


def _rule(jobcenter: Jobcenter, seen: ntk.Visibility) -> AccessRule:
    return AccessRule(
        jobcenter=jobcenter,
        role=Role.RECEPTION,
        category=ntk.Category.BENEFIT_DATA,
        visibility=seen,
        reason="Test",
    )


@pytest.mark.parametrize("how", ["save", "bulk_create"])
def test_a_new_access_rule_counts_at_once(jc_a: Jobcenter, how: str) -> None:
    default = ntk.default_visibility(Role.RECEPTION, ntk.Category.BENEFIT_DATA)
    wider = ntk.Visibility.CONTENT if default != ntk.Visibility.CONTENT else ntk.Visibility.NONE
    assert _seen(jc_a) == default
    assert _seen(jc_a) == default  # kept
    if how == "save":
        _rule(jc_a, wider).save()
    else:
        AccessRule.objects.bulk_create([_rule(jc_a, wider)])
    assert _seen(jc_a) == wider


@pytest.mark.parametrize("how", ["update", "delete", "queryset_delete"])
def test_a_changed_or_removed_access_rule_counts_at_once(jc_a: Jobcenter, how: str) -> None:
    default = ntk.default_visibility(Role.RECEPTION, ntk.Category.BENEFIT_DATA)
    wider = ntk.Visibility.CONTENT if default != ntk.Visibility.CONTENT else ntk.Visibility.NONE
    rule = _rule(jc_a, wider)
    rule.save()
    assert _seen(jc_a) == wider
    if how == "update":
        AccessRule.objects.filter(pk=rule.pk).update(visibility=default)
    elif how == "delete":
        rule.delete()
    else:
        AccessRule.objects.filter(pk=rule.pk).delete()
    assert _seen(jc_a) == default
