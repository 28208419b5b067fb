"""Customer pages: list with unread counts, new conversation, conversation page without
JavaScript, escaping and safe links, PDF, attachments, ownership."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging import services
from openjobcenter.messaging.models import Conversation, Message, Topic
from openjobcenter.tenants.models import Jobcenter
from tests.messaging.conftest import without_documents

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def url(conversation: Conversation, suffix: str = "") -> str:
    return f"/{conversation.jobcenter.slug}/mein-bereich/nachrichten/{conversation.pk}/{suffix}"


def test_list_shows_unread_counts(
    client: Client, conversation: Conversation, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    for text in ("eins", "zwei"):
        services.message_send(conversation=conversation, author=staff_a[Role.CASEWORKER], body=text)
    client.force_login(customer.user)
    page = client.get("/fulda/mein-bereich/nachrichten/").content.decode()
    assert "Frage zum Bescheid" in page
    assert "2 neue Nachrichten" in page
    client.get(url(conversation))  # reading clears them
    assert "neue Nachricht" not in client.get("/fulda/mein-bereich/nachrichten/").content.decode()


def test_new_conversation_on_a_topic_and_with_own_advisor(
    client: Client,
    chat_jc: Jobcenter,
    customer: CustomerProfile,
    topic: Topic,
    staff_a: dict[Role, User],
) -> None:
    client.force_login(customer.user)
    page = client.get("/fulda/mein-bereich/nachrichten/neu/").content.decode()
    assert "Arbeitsvermittlung" in page and "persönliche Ansprechperson" not in page
    response = client.post(
        "/fulda/mein-bereich/nachrichten/neu/",
        {
            "to": str(topic.pk),
            "subject": "Bescheid",
            "body": "Ist mein Antrag da?",
            "client_id": "n1",
        },
    )
    conversation = Conversation.objects.get(subject="Bescheid")
    assert response.status_code == 302 and response["Location"] == url(conversation)
    assert conversation.topic == topic and conversation.advisor is None

    customer.advisor = staff_a[Role.JOB_ADVISOR]
    customer.save(update_fields=["advisor"])
    client.post(
        "/fulda/mein-bereich/nachrichten/neu/",
        {"to": "advisor", "subject": "Zusage", "body": "Ich habe eine Stelle!", "client_id": "n2"},
    )
    assert Conversation.objects.get(subject="Zusage").advisor == staff_a[Role.JOB_ADVISOR]


def test_new_conversation_errors_are_shown(
    client: Client, chat_jc: Jobcenter, customer: CustomerProfile, topic: Topic
) -> None:
    client.force_login(customer.user)
    response = client.post(
        "/fulda/mein-bereich/nachrichten/neu/", {"to": str(topic.pk), "subject": "", "body": ""}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in page
    assert not Conversation.objects.exists()


def test_post_without_javascript_and_html_is_escaped(
    client: Client, conversation: Conversation, customer: CustomerProfile
) -> None:
    client.force_login(customer.user)
    body = "<script>alert(1)</script> siehe https://example.org/a?b=1. und javascript:alert(2)"
    response = client.post(url(conversation), {"body": body, "client_id": "p1"})
    assert response.status_code == 302
    page = client.get(url(conversation)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert (
        '<a href="https://example.org/a?b=1" rel="noopener noreferrer nofollow" target="_blank">'
        in page
    )
    assert 'href="javascript' not in page
    client.post(url(conversation), {"body": body, "client_id": "p1"})  # double submit
    assert Message.objects.filter(conversation=conversation, client_id="p1").count() == 1


def test_too_long_message_is_refused_with_a_message(
    client: Client, conversation: Conversation, customer: CustomerProfile
) -> None:
    client.force_login(customer.user)
    response = client.post(url(conversation), {"body": "x" * 5001, "client_id": "l1"})
    assert response.status_code == 422
    assert "zu lang" in response.content.decode()


def test_attachment_is_checked_and_downloadable_without_documents_module(
    client: Client,
    conversation: Conversation,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    settings: object,
    tmp_path: object,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    without_documents(conversation.jobcenter)
    client.force_login(customer.user)
    bad = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 50)
    response = client.post(url(conversation), {"body": "", "file": bad, "client_id": "f1"})
    assert response.status_code == 422
    assert "nicht annehmen" in response.content.decode()
    good = SimpleUploadedFile("foto.png", PNG, content_type="image/png")
    assert (
        client.post(
            url(conversation), {"body": "Foto", "file": good, "client_id": "f2"}
        ).status_code
        == 302
    )
    message = Message.objects.get(client_id="f2")
    assert message.attachment_type == "image/png"
    download = client.get(url(conversation, f"anhang/{message.pk}/"))
    assert download.status_code == 200
    assert download.content == PNG
    assert "foto.png" in download["Content-Disposition"]
    # Sealed at rest: the stored bytes are not the picture, the name is not the file's.
    stored = (Path(str(tmp_path)) / message.attachment.name).read_bytes()
    assert PNG not in stored
    assert not stored.startswith(b"\x89PNG")
    assert "foto" not in message.attachment.name
    other = Client()
    other.force_login(customer2.user)
    assert other.get(url(conversation, f"anhang/{message.pk}/")).status_code == 404


def test_pdf_download(
    client: Client, conversation: Conversation, customer: CustomerProfile
) -> None:
    services.message_send(
        conversation=conversation, author=customer.user, body="<b>fett</b> & mehr"
    )
    client.force_login(customer.user)
    response = client.get(url(conversation, "pdf/"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    import pikepdf
    import pypdf

    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert pdf.open_metadata().get("pdfaid:part") == "3"  # PDF/A-3
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages
    )
    assert "<b>fett</b> & mehr" in text  # shown as written, not interpreted
    assert "Frage zum Bescheid" in text


@pytest.mark.parametrize("suffix", ["", "pdf/", "warten/?wait=0"])
def test_other_customers_get_404(
    client: Client,
    conversation: Conversation,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    staff_b: dict[Role, User],
    suffix: str,
) -> None:
    for user in (customer2.user, customer_b.user):
        client.force_login(user)
        assert client.get(url(conversation, suffix)).status_code == 404
    client.force_login(customer2.user)
    assert (
        client.post(url(conversation), {"body": "eingeschmuggelt", "client_id": "x"}).status_code
        == 404
    )
    assert not Message.objects.filter(body="eingeschmuggelt").exists()


def test_module_switched_off_is_404(
    client: Client, conversation: Conversation, customer: CustomerProfile
) -> None:
    jobcenter = conversation.jobcenter
    jobcenter.enabled_modules = [m for m in jobcenter.enabled_modules if m != "messaging"]
    jobcenter.save()
    client.force_login(customer.user)
    assert client.get("/fulda/mein-bereich/nachrichten/").status_code == 404


def test_long_polling_returns_new_messages(
    client: Client, conversation: Conversation, customer: CustomerProfile
) -> None:
    client.force_login(customer.user)
    cursor = conversation.last_message_id
    empty = client.get(url(conversation, f"warten/?after={cursor}&wait=0")).json()
    assert empty["messages"] == []
    services.message_send(conversation=conversation, author=customer.user, body="neu")
    page = client.get(url(conversation, f"warten/?after={cursor}&wait=0")).json()
    assert [m["body"] for m in page["messages"]] == ["neu"]
    assert re.match(r"\d{4}-", page["messages"][0]["created_at"])
    assert client.get(url(conversation, "warten/?after=x")).status_code == 400


def test_attachment_goes_through_the_documents_pipeline_when_switched_on(
    client: Client,
    conversation: Conversation,
    customer: CustomerProfile,
    settings: object,
    tmp_path: object,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from openjobcenter.documents.models import Document

    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    jobcenter = conversation.jobcenter
    jobcenter.enabled_modules = [*jobcenter.enabled_modules, "documents"]
    jobcenter.save()
    client.force_login(customer.user)

    from tests.documents.conftest import photo as page_photo

    # A photographed page (a blank one would be refused as unreadable): the documents
    # tests' phone photo (2 MP, made once per process; a 12 MP one took about 4 s of CPU).
    buffer = io.BytesIO(page_photo(1))
    photo = SimpleUploadedFile("mietvertrag.jpg", buffer.getvalue(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # the pipeline runs
        response = client.post(
            url(conversation), {"body": "Mein Mietvertrag", "file": photo, "client_id": "d1"}
        )
    assert response.status_code == 302, response.content[-500:]
    message = Message.objects.get(client_id="d1")
    assert message.document_id is not None and not message.attachment
    document = Document.objects.get(pk=message.document_id)
    assert document.customer == customer and document.source == "chat"
    link = client.get(url(conversation, f"anhang/{message.pk}/"))
    assert link.status_code == 200
    assert link["Content-Type"] == "application/pdf"
    assert link.content.startswith(b"%PDF")
    bad = SimpleUploadedFile("x.exe", b"MZ" + b"\0" * 100)
    refused = client.post(url(conversation), {"body": "", "file": bad, "client_id": "d2"})
    assert refused.status_code == 422
    assert not Message.objects.filter(client_id="d2").exists()
    assert (
        Document.objects.filter(customer=customer, source="chat").count() == 1
    )  # nothing half-stored


def test_default_topics_read_in_the_customers_language_own_names_as_written(
    client: Client, chat_jc: Jobcenter, customer: CustomerProfile, topic: Topic
) -> None:
    Topic.objects.create(jobcenter=chat_jc, name="Bildung und Teilhabe", position=9)
    customer.user.preferred_language = "uk"
    customer.user.save(update_fields=["preferred_language"])
    client.force_login(customer.user)
    page = client.get("/fulda/mein-bereich/nachrichten/neu/").content.decode()
    assert "Працевлаштування" in page and "Arbeitsvermittlung" not in page
    assert "Bildung und Teilhabe" in page  # the job centre's own topic, as written


def test_default_topics_are_stored_in_german_whoever_creates_them(jc_a: Jobcenter) -> None:
    from django.utils import translation

    from openjobcenter.messaging import services

    with translation.override("en"):
        services.topics_ensure_defaults(jobcenter=jc_a)
    names = set(Topic.objects.filter(jobcenter=jc_a).values_list("name", flat=True))
    assert "Arbeitsvermittlung" in names
