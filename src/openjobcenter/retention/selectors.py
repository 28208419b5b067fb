"""Reads for the retention pages: the rules with the job centre's values, the deletion
reports of one job centre, and what a customer's deletion would keep."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

from openjobcenter.retention import registry
from openjobcenter.retention.models import AccountDeletionRequest, DeletionReport
from openjobcenter.retention.services import value_for

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.tenants.models import Jobcenter


@dataclass(frozen=True)
class RuleRow:
    rule: registry.Rule
    value: int
    changed: bool


def rule_rows(jobcenter: Jobcenter) -> list[RuleRow]:
    rows = []
    for rule in registry.rules():
        value = value_for(rule, jobcenter if rule.per_jobcenter else None)
        rows.append(RuleRow(rule, value, value != rule.default))
    return rows


def reports_for(jobcenter: Jobcenter) -> QuerySet[DeletionReport]:
    """The job centre's own reports (the global rules' ones, sessions and task results,
    are the operator's: ``manage.py retention_run`` and the admin)."""
    return DeletionReport.objects.filter(jobcenter=jobcenter)


def open_deletion_request(profile: CustomerProfile) -> AccountDeletionRequest | None:
    return (
        AccountDeletionRequest.objects.filter(customer=profile, completed_at__isnull=True)
        .select_related("acknowledged_by")
        .order_by("-requested_at")
        .first()
    )
