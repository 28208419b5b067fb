"""Need-to-know on chat attachments (issue 18.5): an attachment that is a document of a
stricter category than its conversation (a doctor's certificate in a placement chat, or
a general file that answers a request for one) follows the stricter of the two. Who reads
the conversation but not that category sees that an attachment exists, not its name, and
gets the refusal page when opening it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.documents.services import RequestItemInput, document_request_create
from openjobcenter.messaging.models import AuthorSide, Message
from openjobcenter.tenants.models import Jobcenter
from tests.need_to_know_world import (
    EXPECTED,
    HEALTH_DOC,
    JOBCENTERS,
    PLACEMENT_CHAT,
    ROLES,
    C,
    World,
    w,
    world,
)

__all__ = ["w", "world"]  # the fixtures, used by name

NAME = "Attest-Geheimname.pdf"


def _attach(w: World, jc: str, *, via_request: bool) -> Message:
    """A customer's chat message in the placement chat with a health document attached:
    its own kind a sick note, or an identity document (general) answering a request item
    for one."""
    conversation = w.objects[(jc, PLACEMENT_CHAT)]
    item = None
    if via_request:
        item = document_request_create(
            request=None,
            jobcenter=Jobcenter.objects.get(slug=jc),
            customer=w.customers[jc],
            items=[RequestItemInput(kind="sick_note")],
            deadline=timezone.localdate() + timedelta(days=7),
            explanation="",
        ).items.get()
    document = Document.objects.create(
        jobcenter=conversation.jobcenter,
        customer=w.customers[jc],
        kind="identity_document" if via_request else "sick_note",
        request_item=item,
        state=DocumentState.RECEIVED,
        original_names=NAME,
        page_count=1,
        submitted_at=timezone.now(),
    )
    return Message.objects.create(
        conversation=conversation,
        author=w.customers[jc].user,
        side=AuthorSide.CUSTOMER,
        body="Anbei die Bescheinigung.",
        attachment_name=NAME,
        document_id=document.pk,
    )


@pytest.mark.parametrize("via_request", [False, True], ids=["kind", "request_item"])
@pytest.mark.parametrize(("jc", "role"), [(jc, r) for jc in JOBCENTERS for r in ROLES])
def test_attachment_follows_the_stricter_category(
    w: World, jc: str, role: str, via_request: bool
) -> None:
    message = _attach(w, jc, via_request=via_request)
    conversation = message.conversation
    client = w.clients[(jc, role)]
    page = client.get(f"/{jc}/staff/nachrichten/{conversation.pk}/")
    opened = client.get(f"/{jc}/staff/nachrichten/{conversation.pk}/anhang/{message.pk}/")
    if EXPECTED[(jc, role, PLACEMENT_CHAT)] != C:
        assert page.status_code in (403, 404)  # the conversation itself is not theirs
        assert opened.status_code in (403, 404)
        assert NAME not in opened.content.decode()
        return
    page_text = page.content.decode()
    assert page.status_code == 200
    # The log as rendered (the page also names the protected form's words for chat.js).
    start = page_text.index("data-chat-log")
    text = page_text[start : page_text.index("</ol>", start)]
    assert NAME not in page_text or EXPECTED[(jc, role, HEALTH_DOC)] == C
    api = client.get(f"/api/v1/messaging/{jc}/staff/conversations/{conversation.pk}/messages")
    assert api.status_code == 200
    (shown,) = [m for m in api.json()["messages"] if m["id"] == message.pk]
    if EXPECTED[(jc, role, HEALTH_DOC)] == C:
        assert NAME in text
        assert "Anhang aus einem geschützten Bereich" not in text
        assert opened.status_code != 403
        assert shown["attachment"]["name"] == NAME
        return
    assert shown["attachment"] == {"name": "", "size": 0, "url": ""}
    assert NAME not in api.content.decode()
    # Reads placement chats, not health documents: the attachment exists, nameless.
    assert NAME not in text
    assert "Anhang aus einem geschützten Bereich" in text
    assert "Inhalt nur für: Leistungssachbearbeitung" in text
    assert opened.status_code == 403
    assert NAME not in opened.content.decode()
