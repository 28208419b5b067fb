"""Dead letters on the staff work queue: team leads and admins see how many hand-offs
failed for good and since when, with the link to "Fehlgeschlagene Übergaben" (the list
holds no personal data, so the item is of the general category). Two aggregate queries,
whatever the number of deliveries; the count changes when a delivery fails for good or is
started again (``queue_changed`` with the module ``handoff``)."""

from __future__ import annotations

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.home.staff_queue import QueueItem, StaffContext, StaffProvider

MODULE = "handoff"


class DeadLetterProvider(StaffProvider):
    key = "handoff.dead_letters"
    module = MODULE
    core = True  # no job centre switches the hand-off off

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        from openjobcenter.applications.models import DeliveryStatus, HandoffDelivery
        from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus

        if not has_perm(ctx.roles, Perm.QUEUE_LEAD):
            return []
        found = [
            HandoffDelivery.objects.filter(
                application__jobcenter=ctx.jobcenter, status=DeliveryStatus.FAILED
            ).aggregate(n=Count("pk"), oldest=Min("updated_at")),
            ItemDelivery.objects.filter(
                jobcenter=ctx.jobcenter, status=ItemDeliveryStatus.FAILED
            ).aggregate(n=Count("pk"), oldest=Min("updated_at")),
        ]
        count = sum(f["n"] for f in found)
        oldest = min((f["oldest"] for f in found if f["oldest"] is not None), default=None)
        return [
            QueueItem(
                kind="handoff.dead_letters",
                title=_("Fehlgeschlagene Übergaben an das Fachverfahren"),
                count=count,
                oldest=oldest,
                category=Category.GENERAL,
                url=reverse("staff:handoff_dead_letters", kwargs={"jc": ctx.jobcenter.slug}),
                module=self.module,
                urgent=count > 0,
            )
        ]
