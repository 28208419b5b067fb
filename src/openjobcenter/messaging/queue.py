"""The messaging module's part of the staff work queue: conversations waiting for an
answer (the customer wrote last and no one in the job centre has read it), the team's by
topic and the person's own. Two queries: the topics and one grouped aggregate."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from openjobcenter.core.access import Perm, has_perm
from openjobcenter.core.need_to_know import Category
from openjobcenter.home.staff_queue import (
    QUEUE_CAP,
    QueueItem,
    Scope,
    StaffContext,
    StaffProvider,
    capped_count,
)
from openjobcenter.messaging.models import (
    Conversation,
    ConversationStatus,
    Topic,
    conversation_category,
)
from openjobcenter.tenants.models import Jobcenter


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
        # Capped counts and the oldest per team category and for the person, in one query
        # of scalar subqueries on the partial index ``conversation_waiting`` (each stops
        # after ``QUEUE_CAP + 1`` rows), instead of grouping every waiting conversation of
        # the job centre: a chat message bumps this module's cached queue, so this runs
        # often, and a large job centre has thousands waiting.
        by_category: dict[Category, list[int]] = {}
        for pk, cat in categories.items():
            by_category.setdefault(cat, []).append(pk)
        special = by_category.get(Category.BENEFIT_CHAT, []) + by_category.get(
            Category.PLACEMENT_CHAT, []
        )
        team_qs = waiting.exclude(advisor=ctx.user)
        parts: dict[str, QuerySet[Conversation]] = {
            "own": waiting.filter(advisor=ctx.user),
            str(Category.GENERAL): team_qs.exclude(topic_id__in=special) if special else team_qs,
        }
        for category in (Category.BENEFIT_CHAT, Category.PLACEMENT_CHAT):
            if by_category.get(category):
                parts[str(category)] = team_qs.filter(topic_id__in=by_category[category])
        exprs: dict[str, Any] = {}
        for name, qs in parts.items():
            exprs[f"{name}_n"] = capped_count(qs)
            exprs[f"{name}_at"] = Subquery(
                qs.order_by("last_message_at").values("last_message_at")[:1]
            )
        found = Jobcenter.objects.filter(pk=ctx.jobcenter.pk).annotate(**exprs).values(*exprs).get()
        team: dict[Category, list[tuple[int, datetime | None]]] = {}
        for category in (Category.BENEFIT_CHAT, Category.PLACEMENT_CHAT, Category.GENERAL):
            if found.get(f"{category}_n"):
                team[category] = [(found[f"{category}_n"], found[f"{category}_at"])]
        own_n, own_at = found["own_n"], found["own_at"]
        url = reverse("staff:messages", kwargs={"jc": ctx.jobcenter.slug})
        out = [
            QueueItem(
                kind=f"messaging.team.{category}",
                title=_title(category),
                count=min(sum(n for n, _at in team.get(category, [])), QUEUE_CAP),
                capped=sum(n for n, _at in team.get(category, [])) > QUEUE_CAP,
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
                    count=min(own_n, QUEUE_CAP),
                    capped=own_n > QUEUE_CAP,
                    oldest=own_at,
                    category=Category.GENERAL,
                    url=f"{url}?meine=1",
                    module=self.module,
                )
            )
        return out
