"""The messaging module's part of the customer's home: conversations with unread
messages, and who wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openjobcenter.home.registry import HomeItem, HomeProvider, Urgency
from openjobcenter.messaging import selectors
from openjobcenter.messaging.models import AuthorSide, Message

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile


class UnreadMessagesProvider(HomeProvider):
    """One item per conversation with unread messages (one query: the unread count and
    the last author's name come as annotations). Reading the conversation moves the
    read cursor, and the item is gone."""

    key = "messaging.unread"
    module = "messaging"

    def items(self, customer: CustomerProfile) -> list[HomeItem]:
        last_staff = (
            Message.objects.filter(conversation=OuterRef("pk"))
            .exclude(side=AuthorSide.CUSTOMER)
            .order_by("-pk")
        )
        rows = (
            selectors.conversations_of_customer(customer)
            .annotate(
                last_first=Subquery(last_staff.values("author__first_name")[:1]),
                last_last=Subquery(last_staff.values("author__last_name")[:1]),
            )
            # ``unread`` is the selector's annotation (the stubs' plugin cannot see it).
            .filter(**{"unread__gt": 0})[:20]  # noqa: PIE804
        )
        out = []
        for conv in rows:
            name = f"{conv.last_first or ''} {conv.last_last or ''}".strip()
            unread: int = conv.unread  # type: ignore[attr-defined]
            out.append(
                HomeItem(
                    kind="message",
                    title=ngettext("%(count)d neue Nachricht", "%(count)d neue Nachrichten", unread)
                    % {"count": unread},
                    detail=conv.subject,
                    source=(_("von %(name)s") % {"name": name})
                    if name
                    else _("von Ihrem Jobcenter"),
                    url=reverse(
                        "customer:conversation",
                        kwargs={"jc": customer.jobcenter.slug, "pk": conv.pk},
                    ),
                    action=_("Lesen und antworten"),
                    urgency=Urgency.OPEN,
                    due=conv.last_message_at,
                    count=unread,
                )
            )
        return out
