"""A chat photo that the documents pipeline refuses after its message was stored: the
conversation gets a notice saying why (in each reader's language), the customer is
notified without content, and nothing else is touched."""

from __future__ import annotations

import io
from typing import Any

import pypdf
import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents.models import Document
from openjobcenter.messaging import services
from openjobcenter.messaging.models import Conversation, Message
from tests.conftest import make_customer
from tests.documents.conftest import photo
from tests.messaging.conftest import WS, session_of

GERMAN = (
    "Die Datei „mietvertrag.jpg“ können wir nicht verwenden: Das Foto ist unscharf – "
    "bitte noch einmal. Bitte schicken Sie sie neu."
)


def with_documents(conversation: Conversation) -> None:
    jobcenter = conversation.jobcenter
    jobcenter.enabled_modules = [*jobcenter.enabled_modules, "documents"]
    jobcenter.save()


def blurred_photo() -> SimpleUploadedFile:
    # 2 MP, made once per process (a 12 MP one took about 4 s of CPU); still refused as blurred.
    buffer = io.BytesIO(photo(3, blur_sigma=7.0))
    return SimpleUploadedFile("mietvertrag.jpg", buffer.getvalue(), content_type="image/jpeg")


def refused_chat_document(customer: CustomerProfile, code: str = "blurred") -> Document:
    return Document.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        state="refused",
        refusal_code=code,
        source="chat",
    )


def attach(
    conversation: Conversation, document: Document, name: str = "mietvertrag.jpg"
) -> Message:
    message = services.message_send(
        conversation=conversation, author=conversation.customer.user, body="Hier mein Vertrag"
    )
    Message.objects.filter(pk=message.pk).update(document_id=document.pk, attachment_name=name)
    message.refresh_from_db()
    return message


def test_photo_refused_in_the_background_gets_a_notice_and_a_notification(
    settings: Any,
    tmp_path: Any,
    client: Client,
    conversation: Conversation,
    customer: CustomerProfile,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    settings.NOTIFY_READ_DELAY_S = 0  # timing: test_notify_after_reading.py
    with_documents(conversation)
    client.force_login(customer.user)
    page = f"/fulda/mein-bereich/nachrichten/{conversation.pk}/"
    with django_capture_on_commit_callbacks(execute=True):  # the pipeline runs after commit
        response = client.post(page, {"body": "", "file": blurred_photo(), "client_id": "p1"})
    # Stored first: the check that refuses the photo runs after the message was sent.
    assert response.status_code == 302, response.content[-500:]
    sent = Message.objects.get(client_id="p1")
    assert sent.document_id is not None
    document = Document.objects.get(pk=sent.document_id)
    assert (document.state, document.refusal_code, document.source) == (
        "refused",
        "blurred",
        "chat",
    )

    notice = Message.objects.get(conversation=conversation, side="system")
    assert notice.pk > sent.pk and notice.author is None
    assert notice.notice == {
        "kind": "attachment_refused",
        "reason": "blurred",
        "name": "mietvertrag.jpg",
        "message": sent.pk,
    }
    assert notice.body == GERMAN  # the job centre's wording, kept as proof
    conversation.refresh_from_db()
    assert conversation.last_message_id == notice.pk

    log = client.get(page).content.decode().split("data-chat-log", 1)[1]
    assert "Hinweis" in log and "Das Foto ist unscharf" in log
    assert "Wir sind gerade nicht im Dienst" not in log  # not worded as the auto-reply
    customer.user.preferred_language = "uk"
    customer.user.save(update_fields=["preferred_language"])
    html = client.get(page).content.decode().split("data-chat-log", 1)[1]
    assert "Ми не можемо використати файл «mietvertrag.jpg»" in html

    # Told that something is waiting, never what.
    assert [m.to for m in outbox] == [[customer.user.email]]
    text = outbox[0].subject + outbox[0].body
    for secret in ("mietvertrag", "unscharf", "Frage zum Bescheid"):
        assert secret not in text
    entry = AuditEntry.objects.get(object_type="chat_message", object_id=str(notice.pk))
    assert entry.subject == customer.user and entry.actor is None


def test_notice_is_posted_once_and_only_for_refused_chat_attachments(
    conversation: Conversation, customer: CustomerProfile
) -> None:
    document = refused_chat_document(customer)
    attach(conversation, document)
    services.attachment_processed(document)
    services.attachment_processed(document)  # the hook again (a second worker, a retry)
    assert Message.objects.filter(conversation=conversation, side="system").count() == 1

    received = Document.objects.create(
        jobcenter=customer.jobcenter, customer=customer, state="received", source="chat"
    )
    attach(conversation, received, "ok.pdf")
    services.attachment_processed(received)
    upload = refused_chat_document(customer)
    Document.objects.filter(pk=upload.pk).update(source="upload")
    upload.refresh_from_db()
    services.attachment_processed(upload)
    assert Message.objects.filter(conversation=conversation, side="system").count() == 1


def test_a_document_of_another_customer_never_posts_into_this_conversation(
    conversation: Conversation, customer: CustomerProfile
) -> None:
    other = make_customer(customer.jobcenter, "andere@example.org", "A-2002")
    theirs = refused_chat_document(other)
    attach(conversation, theirs)  # a message pointing at someone else's document
    services.attachment_processed(theirs)
    assert not Message.objects.filter(conversation=conversation, side="system").exists()


def test_conversation_pdf_shows_the_notice(
    client: Client, conversation: Conversation, customer: CustomerProfile
) -> None:
    document = refused_chat_document(customer, "no_page")
    attach(conversation, document, "seite.jpg")
    services.attachment_processed(document)
    client.force_login(customer.user)
    response = client.get(f"/fulda/mein-bereich/nachrichten/{conversation.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "Hinweis" in " ".join(text.split())
    assert "Auf dem Foto ist keine Seite zu erkennen" in " ".join(text.split())


@pytest.mark.django_db(transaction=True)
def test_sockets_get_the_notice_in_their_readers_language(
    conversation: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    caseworker = staff_a[Role.CASEWORKER]
    customer.user.preferred_language = "en"
    customer.user.save(update_fields=["preferred_language"])
    document = refused_chat_document(customer)
    attach(conversation, document)

    phone, pc, staff = (
        session_of(customer.user),
        session_of(customer.user),
        session_of(caseworker, mfa=True),
    )

    async def scenario() -> None:
        kunde, amt = WS(phone), WS(staff)
        assert await kunde.connect() and await amt.connect()
        for ws in (kunde, amt):
            await ws.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
            await ws.receive_until("subscribed")
        await database_sync_to_async(services.attachment_processed)(document)
        mine = (await kunde.receive_until("message"))["message"]
        theirs = (await amt.receive_until("message"))["message"]
        assert mine["side"] == theirs["side"] == "system"
        assert mine["notice"]["kind"] == "attachment_refused"
        assert mine["body"] == (
            "We cannot use the file “mietvertrag.jpg”: The photo is blurred – please take it "
            "again. Please send it again."
        )
        assert theirs["body"] == GERMAN
        # A reconnect's history words it the same way.
        again = WS(pc)
        assert await again.connect()
        await again.send({"type": "subscribe", "conversation": conversation.pk, "cursor": 0})
        history = (await again.receive_until("subscribed"))["messages"]
        assert history[-1]["body"] == mine["body"]
        for ws in (kunde, amt, again):
            await ws.close()

    async_to_sync(scenario)()


def test_staff_see_the_notice_in_the_conversation(
    staff_client: Any,
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
) -> None:
    document = refused_chat_document(customer)
    attach(conversation, document)
    services.attachment_processed(document)
    page = staff_client(staff_a[Role.CASEWORKER]).get(
        f"/fulda/staff/nachrichten/{conversation.pk}/"
    )
    assert page.status_code == 200
    log = page.content.decode().split("data-chat-log", 1)[1]
    assert "Hinweis" in log and GERMAN in log
