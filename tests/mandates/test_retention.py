"""The retention rule of mandates: ended ones go after the period, active ones stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.models import AuditEntry
from openjobcenter.mandates.models import Mandate
from openjobcenter.retention import registry
from openjobcenter.tenants.models import Jobcenter
from tests.mandates.conftest import grant

pytestmark = pytest.mark.django_db


def test_ended_mandates_go_after_the_period(
    mandates_on: Jobcenter, customer: CustomerProfile
) -> None:
    rule = registry.get("mandates.ended")
    assert rule.source and rule.minimum <= rule.default <= rule.maximum
    cutoff = rule.cutoff(rule.default)
    revoked_long_ago, _c = grant(customer, ["read"])
    Mandate.objects.filter(pk=revoked_long_ago.pk).update(revoked_at=cutoff - timedelta(days=1))
    expired_long_ago, _c = grant(customer, ["read"])
    Mandate.objects.filter(pk=expired_long_ago.pk).update(
        valid_until=(cutoff - timedelta(days=2)).date()
    )
    revoked_lately, _c = grant(customer, ["read"])
    Mandate.objects.filter(pk=revoked_lately.pk).update(revoked_at=timezone.now())
    active, _c = grant(customer, ["read"])
    due = list(rule.due(mandates_on, cutoff).values_list("pk", flat=True))
    assert sorted(due) == sorted([revoked_long_ago.pk, expired_long_ago.pk])
    assert rule.delete(due) == 2
    assert set(Mandate.objects.values_list("pk", flat=True)) == {revoked_lately.pk, active.pk}
    assert AuditEntry.objects.filter(object_type="mandate", detail="retention").count() == 2
