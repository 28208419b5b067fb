"""The postbox on the homes: "new letter" for the customer, "per Post senden" for staff.

Both keep the registry's contract: a fixed number of queries whatever the number of
notices (the customer's: one query for the unread ones; staff: one aggregate)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.home.registry import HomeItem, HomeProvider, Urgency
from openjobcenter.home.staff_queue import QueueItem, Scope, StaffContext, StaffProvider
from openjobcenter.postbox.models import Channel, Notice
from openjobcenter.postbox.selectors import for_post_q

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile

MODULE = "postbox"


class NewNoticeProvider(HomeProvider):
    """Electronic notices the customer has not retrieved yet (one item for all)."""

    key = "postbox.new"
    module = MODULE

    def items(self, customer: CustomerProfile) -> list[HomeItem]:
        found = Notice.objects.filter(
            customer=customer,
            channel=Channel.ELECTRONIC,
            retrieved_at__isnull=True,
            posted_at__isnull=True,
        ).aggregate(n=Count("pk"), first=Min("notified_at"))
        count = found["n"]
        if not count:
            return []
        return [
            HomeItem(
                kind="postbox_notice",
                title=ngettext(
                    "Ein neues Schreiben liegt für Sie bereit",
                    "%(count)d neue Schreiben liegen für Sie bereit",
                    count,
                )
                % {"count": count},
                detail=_("Bitte lesen Sie es in Ihrem Postfach."),
                url=reverse("customer:postbox", kwargs={"jc": customer.jobcenter.slug}),
                action=_("Postfach öffnen"),
                urgency=Urgency.NEWS,
                count=count,
            )
        ]


class PostQueueProvider(StaffProvider):
    """Notices to send by post: without consent, or not retrieved within ten days."""

    key = "postbox.staff"
    module = MODULE

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        if not has_perm(ctx.roles, Perm.POSTBOX_DEPOSIT):
            return []
        where = for_post_q(ctx.jobcenter)
        # Mine: the notices I deposited; team: those the back office deposited.
        if ctx.scope == Scope.MINE:
            where &= Q(created_by=ctx.user)
        elif ctx.scope == Scope.TEAM:
            where &= Q(created_by__isnull=True)
        found = Notice.objects.filter(where).aggregate(n=Count("pk"), oldest=Min("created_at"))
        return [
            QueueItem(
                kind="postbox.for_post",
                title=_("Schreiben per Post senden"),
                count=found["n"],
                oldest=found["oldest"],
                category=Category.BENEFIT_DATA,
                url=reverse("staff:postbox_outgoing", kwargs={"jc": ctx.jobcenter.slug}),
                module=self.module,
            )
        ]
