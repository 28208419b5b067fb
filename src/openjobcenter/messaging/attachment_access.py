"""Need-to-know for chat attachments (``core.need_to_know``).

A conversation's messages follow its topic's category. An attachment that went through
the documents module is a document of its own kind, and may answer a request item or a
proof of a stricter category (a doctor's certificate sent in a placement chat): it
follows the stricter of the two, so a person who reads the conversation but not health
documents sees that an attachment exists, not its name, and cannot open it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from openjobcenter.core import need_to_know as ntk
from openjobcenter.messaging.models import conversation_category

if TYPE_CHECKING:
    from openjobcenter.messaging.models import Conversation, Message
    from openjobcenter.tenants.models import Jobcenter


def document_categories(
    document_ids: Iterable[int], jobcenter: Jobcenter | int
) -> dict[int, set[str]]:
    """Per document: the categories of its kind and of the request item it answers (one
    query)."""
    ids = [i for i in document_ids if i is not None]
    if not ids:
        return {}
    from openjobcenter.documents.kinds import kind_category
    from openjobcenter.documents.models import Document

    out: dict[int, set[str]] = {}
    jobcenter_id = jobcenter if isinstance(jobcenter, int) else jobcenter.pk
    rows = Document.objects.filter(pk__in=ids, jobcenter_id=jobcenter_id).values_list(
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


# --- the chat WebSocket (``messaging.consumers``) ------------------------------------------
# Events go to every socket of a conversation's group, so they carry the attachment's
# categories (never sent on to clients) and each staff socket decides with the categories
# its person may read, cached when it subscribed: no query per event and socket.

# What a staff socket gets instead of an attachment it may not read: the history API's
# form (``api_common._message``) and the flag the page's script renders
# "Anhang aus einem geschützten Bereich" from.
PROTECTED_ATTACHMENT: dict[str, object] = {"name": "", "size": 0, "url": "", "protected": True}


def readable_categories(*, roles: Iterable[str], jobcenter: Jobcenter) -> frozenset[str]:
    """The categories whose content ``roles`` may read in ``jobcenter``."""
    return frozenset(
        str(c)
        for c in ntk.categories_visible(
            roles=tuple(roles), jobcenter=jobcenter, at_least=ntk.Visibility.CONTENT
        )
    )


def event_categories(message: Message) -> list[str]:
    """The categories an attachment's event carries: its document's (one query, only for
    a message with a document); none for a file kept by the messaging module alone."""
    if message.document_id is None:
        return []
    found = document_categories([message.document_id], message.conversation.jobcenter_id)
    return sorted(found.get(message.document_id, set()))


def protected_for(
    message: dict[str, Any], categories: Iterable[str] | None, readable: frozenset[str]
) -> dict[str, Any]:
    """``message`` as a staff member who reads ``readable`` may get it: with an
    attachment of a category outside it (or of unknown categories: the safe side)
    replaced by ``PROTECTED_ATTACHMENT``."""
    if not message.get("attachment"):
        return message
    if categories is not None and all(c in readable for c in categories):
        return message
    return {**message, "attachment": dict(PROTECTED_ATTACHMENT)}


def protected_page(
    rows: list[Message],
    messages: list[dict[str, Any]],
    readable: frozenset[str],
    *,
    jobcenter_id: int,
) -> list[dict[str, Any]]:
    """A page of ``messages`` (``realtime.message_data`` of ``rows``) for a staff member
    who reads ``readable`` (socket history, long poll): one query for its documents."""
    if not rows:
        return messages
    found = document_categories(
        (m.document_id for m in rows if m.document_id is not None), jobcenter_id
    )
    return [
        protected_for(
            data,
            sorted(found.get(m.document_id, ())) if m.document_id is not None else [],
            readable,
        )
        for m, data in zip(rows, messages, strict=True)
    ]
