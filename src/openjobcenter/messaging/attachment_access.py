"""Need-to-know for chat attachments (``core.need_to_know``).

A conversation's messages follow its topic's category. An attachment that went through
the documents module is a document of its own kind, and may answer a request item or a
proof of a stricter category (a doctor's certificate sent in a placement chat): it
follows the stricter of the two, so a person who reads the conversation but not health
documents sees that an attachment exists, not its name, and cannot open it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from openjobcenter.core import need_to_know as ntk
from openjobcenter.messaging.models import conversation_category

if TYPE_CHECKING:
    from openjobcenter.messaging.models import Conversation, Message
    from openjobcenter.tenants.models import Jobcenter


def document_categories(document_ids: Iterable[int], jobcenter: Jobcenter) -> dict[int, set[str]]:
    """Per document: the categories of its kind and of the request item it answers (one
    query)."""
    ids = [i for i in document_ids if i is not None]
    if not ids:
        return {}
    from openjobcenter.documents.kinds import kind_category
    from openjobcenter.documents.models import Document

    out: dict[int, set[str]] = {}
    rows = Document.objects.filter(pk__in=ids, jobcenter=jobcenter).values_list(
        "pk", "kind", "request_item__kind"
    )
    for pk, kind, item_kind in rows:
        found = {kind_category(kind).value}
        if item_kind:
            found.add(kind_category(item_kind).value)
        out[pk] = found
    return out


def attachment_visibility(
    *,
    roles: Iterable[str],
    jobcenter: Jobcenter,
    conversation: Conversation,
    categories: set[str] | None,
) -> ntk.Visibility:
    """The stricter of the conversation's and the attached document's categories."""
    roles = tuple(roles)
    seen = ntk.visibility(
        roles=roles,
        category=conversation_category(conversation.topic),
        jobcenter=jobcenter,
    )
    for category in categories or ():
        seen = min(
            seen, ntk.visibility(roles=roles, category=ntk.Category(category), jobcenter=jobcenter)
        )
    return seen


def hidden_attachments(
    *, roles: Iterable[str], jobcenter: Jobcenter, conversation: Conversation, rows: list[Message]
) -> dict[int, str]:
    """Message id -> "Inhalt nur für: …" for attachments the person may not open."""
    roles = tuple(roles)
    cats = document_categories(
        (m.document_id for m in rows if m.document_id is not None), jobcenter
    )
    out: dict[int, str] = {}
    for message in rows:
        if message.document_id is None:
            continue
        found = cats.get(message.document_id, set())
        seen = attachment_visibility(
            roles=roles, jobcenter=jobcenter, conversation=conversation, categories=found
        )
        if seen < ntk.Visibility.CONTENT:
            strictest = [
                ntk.Category(c)
                for c in sorted(found)
                if not ntk.may_read(roles=roles, category=ntk.Category(c), jobcenter=jobcenter)
            ]
            category = strictest[0] if strictest else conversation_category(conversation.topic)
            out[message.pk] = ntk.content_note(category, jobcenter)
    return out


def require_attachment_content(
    *, roles: Iterable[str], jobcenter: Jobcenter, conversation: Conversation, message: Message
) -> None:
    """Gate for opening an attachment: 403 (the refusal page) where the stricter category
    may not be read."""
    if message.document_id is None:
        return
    found = document_categories([message.document_id], jobcenter).get(message.document_id)
    roles = tuple(roles)
    for category in sorted(found or ()):
        if not ntk.may_read(roles=roles, category=ntk.Category(category), jobcenter=jobcenter):
            raise ntk.NeedToKnowDenied(ntk.Category(category), jobcenter)
