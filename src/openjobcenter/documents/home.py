"""The documents module's part of the customer's home: open document requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openjobcenter.documents import selectors
from openjobcenter.home.registry import HomeItem, HomeProvider, urgency_for

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.documents.models import RequestItem


class OpenRequestsProvider(HomeProvider):
    """One item per request with unsent documents; it leaves the home with its last
    item sent (one query: the open items with their request)."""

    key = "documents.requests"
    module = "documents"

    def items(self, customer: CustomerProfile) -> list[HomeItem]:
        by_request: dict[int, list[RequestItem]] = {}
        for item in selectors.open_items_for_customer(customer).order_by(
            "request__deadline", "request_id", "position", "pk"
        ):
            by_request.setdefault(item.request_id, []).append(item)
        upload = reverse("customer:document_upload", kwargs={"jc": customer.jobcenter.slug})
        out = []
        for items in by_request.values():
            first = items[0]
            deadline = first.request.deadline
            out.append(
                HomeItem(
                    kind="document_request",
                    title=_("Ihr Jobcenter bittet um eine Unterlage")
                    if len(items) == 1
                    else ngettext(
                        "Ihr Jobcenter bittet um %(count)d Unterlage",
                        "Ihr Jobcenter bittet um %(count)d Unterlagen",
                        len(items),
                    )
                    % {"count": len(items)},
                    detail=_("%(items)s – bitte bis %(date)s senden")
                    % {
                        "items": ", ".join(item.label for item in items),
                        "date": formats.date_format(deadline, "SHORT_DATE_FORMAT"),
                    },
                    url=f"{upload}?kind={first.kind}&item={first.pk}",
                    action=_("Jetzt senden"),
                    urgency=urgency_for(deadline),
                    due=deadline,
                    count=len(items),
                )
            )
        return out
