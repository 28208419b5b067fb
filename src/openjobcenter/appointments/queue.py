"""The appointments module's part of the staff work queue: customers' requests to move
an appointment, and (reception) today's on-site appointments not yet checked in. One
aggregate query."""

from __future__ import annotations

from datetime import time, timedelta

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.appointments.models import Appointment, Channel, Status
from openjobcenter.appointments.slots import local_to_utc
from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.home.staff_queue import QueueItem, Scope, StaffContext, StaffProvider


class AppointmentsQueueProvider(StaffProvider):
    key = "appointments.staff"
    module = "appointments"

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        own = has_perm(ctx.roles, Perm.APPOINTMENTS_OWN)
        everyone = has_perm(ctx.roles, Perm.APPOINTMENTS_CONFIGURE)
        reception = has_perm(ctx.roles, Perm.APPOINTMENTS_RECEPTION)
        if not (own or reception):
            return []
        today = timezone.localdate()
        start = local_to_utc(today, time(0)) or timezone.now()
        end = local_to_utc(today + timedelta(days=1), time(0)) or start + timedelta(days=1)
        change = Q(status=Status.CHANGE_REQUESTED)
        if ctx.scope == Scope.MINE or not everyone:
            change &= Q(staff=ctx.user)
        arriving = (
            Q(channel=Channel.IN_PERSON, starts_at__gte=start, starts_at__lt=end)
            & ~Q(status__in=[Status.CANCELLED, Status.ATTENDED, Status.MISSED])
            & Q(checked_in_at__isnull=True)
        )
        if ctx.scope == Scope.MINE:
            arriving &= Q(staff=ctx.user)
        found = Appointment.objects.filter(
            Q(jobcenter=ctx.jobcenter) & (change | arriving)
        ).aggregate(
            change_n=Count("pk", filter=change),
            change_at=Min("change_requested_at", filter=change),
            arriving_n=Count("pk", filter=arriving),
            arriving_at=Min("starts_at", filter=arriving),
        )
        out = []
        if own:
            out.append(
                QueueItem(
                    kind="appointments.change_requests",
                    title=_("Bitten um einen anderen Termin"),
                    count=found["change_n"],
                    oldest=found["change_at"],
                    category=Category.GENERAL,
                    url=reverse("staff:calendar", kwargs={"jc": ctx.jobcenter.slug})
                    + "?ansicht=woche",
                    module=self.module,
                )
            )
        if reception:
            first = found["arriving_at"]
            out.append(
                QueueItem(
                    kind="appointments.checkins",
                    title=_("Heute vor Ort erwartet, noch nicht angemeldet"),
                    count=found["arriving_n"],
                    # The age of a check-in is how long past its time it is.
                    oldest=first if first and first <= timezone.now() else None,
                    until=first if first and first > timezone.now() else None,
                    category=Category.GENERAL,
                    url=reverse("staff:reception", kwargs={"jc": ctx.jobcenter.slug}),
                    module=self.module,
                )
            )
        return out
