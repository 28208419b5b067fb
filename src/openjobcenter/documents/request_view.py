"""A document request as one staff member may see it (need-to-know, ``core.need_to_know``).

A request can ask for documents of several categories at once (a payslip and a doctor's
certificate). Each item is shown by its kind's category: a person who may read that
category sees the item (kind, reason, answer); one who may only know that it exists sees
a count, "1 Unterlage aus einem geschützten Bereich", without kind, reason or answer; of a
category they may not even know about nothing is said. The compose page offers only the
kinds (and open proofs) of categories the person may read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from openjobcenter.core import need_to_know as ntk
from openjobcenter.documents.kinds import get_kind, kind_category, kind_choices

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.utils.functional import Promise

    from openjobcenter.documents.models import DocumentRequest, RequestItem
    from openjobcenter.tenants.models import Jobcenter


@dataclass
class ShownRequest:
    """``r``: the request; ``items``: those the person may read; ``protected``: how many
    others exist (existence only); ``readers``: who reads those."""

    r: DocumentRequest
    items: list[RequestItem] = field(default_factory=list)
    protected: int = 0
    readers: str = ""


def _item_category(item: RequestItem) -> ntk.Category:
    return kind_category(item.kind)


def shown_request(
    doc_request: DocumentRequest, *, roles: Iterable[str], jobcenter: Jobcenter
) -> ShownRequest:
    roles = tuple(roles)
    shown = ShownRequest(doc_request)
    hidden_categories: set[ntk.Category] = set()
    for item in doc_request.items.all():
        category = _item_category(item)
        seen = ntk.visibility(roles=roles, category=category, jobcenter=jobcenter)
        if seen == ntk.Visibility.CONTENT:
            shown.items.append(item)
        elif seen == ntk.Visibility.EXISTENCE:
            shown.protected += 1
            hidden_categories.add(category)
    if hidden_categories:
        readers: list[str] = []
        for category in sorted(hidden_categories):
            for role in ntk.content_roles(category, jobcenter):
                if str(role.label) not in readers:
                    readers.append(str(role.label))
        shown.readers = ", ".join(readers)
    return shown


def shown_requests(
    requests: Iterable[DocumentRequest], *, roles: Iterable[str], jobcenter: Jobcenter
) -> list[ShownRequest]:
    roles = tuple(roles)
    out = [shown_request(r, roles=roles, jobcenter=jobcenter) for r in requests]
    # A request of nothing but categories the person may not even know of is left out.
    return [s for s in out if s.items or s.protected]


def readable_kind_choices(
    *, roles: Iterable[str], jobcenter: Jobcenter
) -> list[tuple[str, str | Promise]]:
    """The kinds the person may ask for: those of categories they may read."""
    readable = ntk.categories_visible(
        roles=roles, jobcenter=jobcenter, at_least=ntk.Visibility.CONTENT
    )
    return [(key, label) for key, label in kind_choices() if get_kind(key).category in readable]
