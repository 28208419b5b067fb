"""The staff work queue's item for customers who deleted their online account: from now on
the job centre reaches them by post (the account, and with it the online postbox, chat
and push, is gone). The item waits until someone in the team took note
(``account_deletion_acknowledge``). One aggregate query; a deletion request is rare."""

from __future__ import annotations

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.home.staff_queue import QueueItem, Scope, StaffContext, StaffProvider
from openjobcenter.retention.models import AccountDeletionRequest
from openjobcenter.retention.services_account import QUEUE_MODULE


def open_requests_q(ctx: StaffContext) -> Q:
    """Not yet acknowledged, within the scope (mine: my customers; team: customers with
    no advisor)."""
    where = Q(jobcenter=ctx.jobcenter, acknowledged_at__isnull=True, customer__isnull=False)
    if ctx.scope == Scope.MINE:
        where &= Q(customer__advisor=ctx.user)
    elif ctx.scope == Scope.TEAM:
        where &= Q(customer__advisor__isnull=True)
    return where


class DeletionQueueProvider(StaffProvider):
    key = "retention.staff"
    module = QUEUE_MODULE
    # Not a module a job centre switches off: an account can always be deleted.
    core = True

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        if not has_perm(ctx.roles, Perm.CUSTOMERS_ASSIGN_NUMBER):
            return []
        found = AccountDeletionRequest.objects.filter(open_requests_q(ctx)).aggregate(
            n=Count("pk"), oldest=Min("requested_at")
        )
        return [
            QueueItem(
                kind="retention.account_deletions",
                title=_("Online-Konto gelöscht: künftig per Post schreiben"),
                count=found["n"],
                oldest=found["oldest"],
                category=Category.GENERAL,
                url=reverse("staff:account_deletions", kwargs={"jc": ctx.jobcenter.slug}),
                module=self.module,
            )
        ]
