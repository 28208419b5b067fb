"""The messaging module's part of the staff work queue: conversations waiting for an
answer (the customer wrote last and no one in the job centre has read it), the team's by
topic and the person's own. Two queries: the topics and one grouped aggregate."""

from __future__ import annotations

from datetime import datetime

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.home.staff_queue import QueueItem, Scope, StaffContext, StaffProvider
from openjobcenter.messaging.models import (
    Conversation,
    ConversationStatus,
    Topic,
    conversation_category,
)


def topic_category(topic: Topic) -> Category:
    """Which need-to-know category a team topic's conversations belong to (the topic's
    own, ``Topic.category``; the job-centre admin chooses it)."""
    return conversation_category(topic)


def _title(category: Category) -> str:
    titles = {
        Category.BENEFIT_CHAT: _("Ungelesene Nachrichten an das Team: Leistungen"),
        Category.PLACEMENT_CHAT: _("Ungelesene Nachrichten an das Team: Arbeitsvermittlung"),
        Category.GENERAL: _("Ungelesene Nachrichten an das Team: Termine und Allgemeines"),
    }
    return titles[category]


class MessagingQueueProvider(StaffProvider):
    key = "messaging.staff"
    module = "messaging"

    def queue(self, ctx: StaffContext) -> list[QueueItem]:
        if not has_perm(ctx.roles, Perm.MESSAGING_USE):
            return []
        categories = {
            t.pk: topic_category(t)
            for t in Topic.objects.filter(jobcenter=ctx.jobcenter).only("pk", "category")
        }
        waiting = Conversation.objects.filter(
            jobcenter=ctx.jobcenter,
            status=ConversationStatus.OPEN,
            last_message_id__gt=F("staff_read_upto"),
        )
        personal = Q(advisor=ctx.user) | Q(assignee=ctx.user)
        if ctx.scope == Scope.MINE:
            waiting = waiting.filter(personal)
        elif ctx.scope == Scope.TEAM:
            waiting = waiting.filter(advisor__isnull=True, assignee__isnull=True)
        elif not has_perm(ctx.roles, Perm.MESSAGING_MANAGE):
            # Someone else's personal conversations are theirs (as in the team inbox).
            waiting = waiting.filter(Q(advisor__isnull=True) | Q(advisor=ctx.user))
        rows = (
            waiting.annotate(
                own=ExpressionWrapper(Q(advisor=ctx.user), output_field=BooleanField())
            )
            .values("topic_id", "own")
            .annotate(n=Count("pk"), oldest=Min("last_message_at"))
            .order_by()
        )
        team: dict[Category, list[tuple[int, datetime | None]]] = {}
        own_n, own_at = 0, None
        for row in rows:
            if row["own"]:
                own_n += row["n"]
                own_at = min(filter(None, [own_at, row["oldest"]]), default=None)
                continue
            cat = categories.get(row["topic_id"], Category.GENERAL)
            team.setdefault(cat, []).append((row["n"], row["oldest"]))
        url = reverse("staff:messages", kwargs={"jc": ctx.jobcenter.slug})
        out = [
            QueueItem(
                kind=f"messaging.team.{category}",
                title=_title(category),
                count=sum(n for n, _at in team.get(category, [])),
                oldest=min((at for _n, at in team.get(category, []) if at), default=None),
                category=category,
                url=url,
                module=self.module,
            )
            for category in (Category.BENEFIT_CHAT, Category.PLACEMENT_CHAT, Category.GENERAL)
            if ctx.scope != Scope.MINE or team.get(category)
        ]
        if ctx.scope != Scope.TEAM:
            out.append(
                QueueItem(
                    kind="messaging.personal",
                    title=_("Ungelesene Nachrichten an mich persönlich"),
                    count=own_n,
                    oldest=own_at,
                    category=Category.GENERAL,
                    url=f"{url}?meine=1",
                    module=self.module,
                )
            )
        return out
