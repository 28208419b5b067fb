"""Staff pages: team inbox, conversation with context and audit, assignment, status,
starting a conversation, templates, configuration, and who sees what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment, AppointmentType
from openjobcenter.core.models import AuditEntry
from openjobcenter.messaging.models import ChatSettings, Conversation, Message, TextTemplate, Topic
from openjobcenter.tenants.models import Jobcenter

Login = Callable[[User], Client]


def test_inbox_lists_unassigned_first(
    staff_client: Login,
    conversation: Conversation,
    staff_a: dict[Role, User],
    customer2: CustomerProfile,
    topic: Topic,
) -> None:
    from openjobcenter.messaging import services

    other = services.conversation_start(
        customer=customer2,
        author=customer2.user,
        data=services.StartRequest(subject="Zweite", body="x", topic=topic),
    )
    services.conversation_assign(
        conversation=other, actor=staff_a[Role.CASEWORKER], assignee=staff_a[Role.CASEWORKER]
    )
    # The benefits topic: its subjects are for the benefits caseworkers (need-to-know).
    client = staff_client(staff_a[Role.CASEWORKER])
    page = client.get("/fulda/staff/nachrichten/").content.decode()
    assert page.index("Frage zum Bescheid") < page.index("Zweite")
    assert "A-1001" in page
    assert "nicht zugewiesen" in page


def test_inbox_names_the_advisor_of_a_personal_conversation(
    staff_client: Login, personal: Conversation, staff_a: dict[Role, User]
) -> None:
    """A conversation addressed to a job advisor is theirs, not "nicht zugewiesen"."""
    advisor = staff_a[Role.JOB_ADVISOR]
    page = staff_client(advisor).get("/fulda/staff/nachrichten/").content.decode()
    row = page[page.index("Bewerbung") :].split("</tr>", 1)[0]
    assert advisor.get_full_name() in row
    assert "nicht zugewiesen" not in row


def test_conversation_page_shows_context_and_is_audited(
    staff_client: Login,
    conversation: Conversation,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    appt_type: AppointmentType,
) -> None:
    advisor = staff_a[Role.JOB_ADVISOR]
    start = timezone.now() + timedelta(days=2)
    Appointment.objects.create(
        jobcenter=customer.jobcenter,
        type=appt_type,
        customer=customer,
        staff=advisor,
        channel="phone",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )
    user = staff_a[Role.CASEWORKER]
    page = staff_client(user).get(f"/fulda/staff/nachrichten/{conversation.pk}/").content.decode()
    assert "Hallo, ich habe eine Frage." in page
    assert "A-1001" in page and appt_type.name in page
    assert AuditEntry.objects.filter(
        actor=user, action="read", object_type="conversation", object_id=str(conversation.pk)
    ).exists()


def test_reply_assign_and_status(
    staff_client: Login, conversation: Conversation, staff_a: dict[Role, User]
) -> None:
    user = staff_a[Role.CASEWORKER]
    client = staff_client(user)
    base = f"/fulda/staff/nachrichten/{conversation.pk}/"
    assert client.post(base, {"body": "Wir kümmern uns.", "client_id": "r1"}).status_code == 302
    assert Message.objects.filter(
        conversation=conversation, body="Wir kümmern uns.", author=user
    ).exists()
    assert client.post(base + "zuweisen/", {"self": "1"}).status_code == 302
    assert client.post(base + "status/", {"status": "closed"}).status_code == 302
    conversation.refresh_from_db()
    assert conversation.assignee == user and conversation.status == "closed"


def test_templates_fill_the_reply(
    staff_client: Login, conversation: Conversation, staff_a: dict[Role, User], chat_jc: Jobcenter
) -> None:
    template = TextTemplate.objects.create(
        jobcenter=chat_jc,
        title="Mietvertrag",
        body="Guten Tag {vorname}, uns fehlt Ihr Mietvertrag.",
    )
    page = (
        staff_client(staff_a[Role.CASEWORKER])
        .get(f"/fulda/staff/nachrichten/{conversation.pk}/?vorlage={template.pk}")
        .content.decode()
    )
    assert "Guten Tag Karl, uns fehlt Ihr Mietvertrag." in page


def test_start_conversation_tied_to_an_appointment(
    staff_client: Login,
    chat_jc: Jobcenter,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    appt_type: AppointmentType,
) -> None:
    advisor = staff_a[Role.JOB_ADVISOR]
    start = timezone.now() + timedelta(days=1)
    appointment = Appointment.objects.create(
        jobcenter=chat_jc,
        type=appt_type,
        customer=customer,
        staff=advisor,
        channel="in_person",
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
    )
    client = staff_client(advisor)
    response = client.post(
        "/fulda/staff/nachrichten/neu/",
        {
            "customer_number": "A-1001",
            "subject": "Ihr Termin morgen",
            "appointment": str(appointment.pk),
            "personal": "on",
            "body": "Ihr Termin morgen muss leider ausfallen.",
            "client_id": "st1",
        },
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get(subject="Ihr Termin morgen")
    assert conversation.appointment == appointment
    assert conversation.advisor == advisor and conversation.started_by_staff
    unknown = client.post(
        "/fulda/staff/nachrichten/neu/",
        {"customer_number": "B-2001", "subject": "x", "body": "y", "client_id": "st2"},
    )
    assert "finden wir niemanden" in unknown.content.decode()  # another job centre's customer


def test_personal_conversations_only_for_advisor_and_team_lead(
    staff_client: Login, personal: Conversation, staff_a: dict[Role, User]
) -> None:
    url = f"/fulda/staff/nachrichten/{personal.pk}/"
    assert staff_client(staff_a[Role.JOB_ADVISOR]).get(url).status_code == 200
    assert staff_client(staff_a[Role.TEAM_LEAD]).get(url).status_code == 200
    assert staff_client(staff_a[Role.CASEWORKER]).get(url).status_code == 404
    inbox = staff_client(staff_a[Role.CASEWORKER]).get("/fulda/staff/nachrichten/").content.decode()
    assert "Bewerbung" not in inbox


@pytest.mark.parametrize("suffix", ["", "zuweisen/", "status/", "warten/?wait=0", "anhang/1/"])
def test_other_job_centre_staff_and_customers_get_404(
    staff_client: Login,
    client: Client,
    conversation: Conversation,
    staff_b: dict[Role, User],
    customer: CustomerProfile,
    suffix: str,
) -> None:
    url = f"/fulda/staff/nachrichten/{conversation.pk}/{suffix}"
    other = staff_client(staff_b[Role.ADMIN])
    method = other.post if suffix in ("zuweisen/", "status/") else other.get
    assert (
        method(url, {"status": "closed", "self": "1"} if method == other.post else {}).status_code
        == 404
    )
    conversation.refresh_from_db()
    assert conversation.status == "open"
    client.force_login(customer.user)
    assert client.get(f"/fulda/staff/nachrichten/{conversation.pk}/").status_code == 404


def test_configuration_needs_manage_permission(
    staff_client: Login, chat_jc: Jobcenter, staff_a: dict[Role, User]
) -> None:
    assert (
        staff_client(staff_a[Role.CASEWORKER])
        .get("/fulda/staff/nachrichten/einstellungen/")
        .status_code
        == 403
    )
    client = staff_client(staff_a[Role.ADMIN])
    url = "/fulda/staff/nachrichten/einstellungen/"
    assert client.get(url).status_code == 200
    client.post(
        url,
        {
            "action": "topic",
            "topic-name": "Kinderzuschlag",
            "topic-position": "5",
            "topic-is_active": "on",
        },
    )
    assert Topic.objects.filter(jobcenter=chat_jc, name="Kinderzuschlag").exists()
    client.post(url, {"action": "template", "tpl-title": "Gruß", "tpl-body": "Hallo {vorname}"})
    assert TextTemplate.objects.filter(jobcenter=chat_jc, title="Gruß").exists()
    client.post(
        url,
        {
            "action": "settings",
            "settings-office_days": ["0", "2"],
            "settings-office_start": "09:00",
            "settings-office_end": "12:00",
            "settings-auto_reply_enabled": "on",
            "settings-expected_response": "Wir antworten innerhalb von 2 Werktagen.",
        },
    )
    chat = ChatSettings.objects.get(jobcenter=chat_jc)
    assert chat.office_days == [0, 2] and chat.expected_response.startswith("Wir antworten")
    bad = client.post(
        url,
        {"action": "settings", "settings-office_start": "12:00", "settings-office_end": "09:00"},
    )
    assert bad.status_code == 422


def test_start_conversation_about_a_document_request(
    staff_client: Login,
    chat_jc: Jobcenter,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    customer2: CustomerProfile,
) -> None:
    from datetime import date

    from openjobcenter.documents.models import DocumentRequest

    mine = DocumentRequest.objects.create(
        jobcenter=chat_jc, customer=customer, deadline=date(2026, 12, 31)
    )
    other = DocumentRequest.objects.create(
        jobcenter=chat_jc, customer=customer2, deadline=date(2026, 12, 31)
    )
    client = staff_client(staff_a[Role.CASEWORKER])
    page = client.get("/fulda/staff/nachrichten/neu/?kunde=A-1001").content.decode()
    assert f'value="{mine.pk}"' in page and f'value="{other.pk}"' not in page
    response = client.post(
        "/fulda/staff/nachrichten/neu/",
        {
            "customer_number": "A-1001",
            "subject": "Unterlagen",
            "document_request": str(mine.pk),
            "body": "Uns fehlt noch Ihr Mietvertrag.",
            "client_id": "dr1",
        },
    )
    assert response.status_code == 302
    conversation = Conversation.objects.get(subject="Unterlagen")
    assert conversation.document_request == mine
    assert (
        "Nachforderung"
        in client.get(f"/fulda/staff/nachrichten/{conversation.pk}/").content.decode()
    )
    refused = client.post(
        "/fulda/staff/nachrichten/neu/",
        {
            "customer_number": "A-1001",
            "subject": "Fremd",
            "document_request": str(other.pk),
            "body": "x",
            "client_id": "dr2",
        },
    )
    assert refused.status_code == 200  # not a choice for this customer: form error
    assert not Conversation.objects.filter(subject="Fremd").exists()


def test_pipeline_attachment_opens_for_every_staff_role_that_reads_the_chat(
    staff_client: Login,
    client: Client,
    conversation: Conversation,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
    settings: object,
    tmp_path: object,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Reception staff may not open the documents module's pages, but they read the
    team inbox: a photo the customer sent in the chat opens for them as its PDF."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from openjobcenter.documents.models import Document

    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    jobcenter = conversation.jobcenter
    jobcenter.enabled_modules = [*jobcenter.enabled_modules, "documents"]
    jobcenter.save()
    from tests.documents.conftest import photo as page_photo

    # A photographed page (a blank one would be refused as unreadable): the documents
    # tests' phone photo (2 MP, made once per process; a 12 MP one took about 4 s of CPU).
    buffer = io.BytesIO(page_photo(1))
    client.force_login(customer.user)
    photo = SimpleUploadedFile("vertrag.jpg", buffer.getvalue(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # the pipeline runs
        sent = client.post(
            f"/fulda/mein-bereich/nachrichten/{conversation.pk}/",
            {"body": "Mein Mietvertrag", "file": photo, "client_id": "r1"},
        )
    assert sent.status_code == 302
    message = Message.objects.get(client_id="r1")
    assert message.document_id is not None
    url = f"/fulda/staff/nachrichten/{conversation.pk}/anhang/{message.pk}/"
    before = AuditEntry.objects.filter(object_type="chat_attachment").count()
    # The conversation is in the benefits topic: those who may read it (need-to-know).
    for role in (Role.TEAM_LEAD, Role.CASEWORKER):
        response = staff_client(staff_a[role]).get(url)
        assert response.status_code == 200, role
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(object_type="chat_attachment").count() == before + 2
    # Another job centre's staff, and a document id that is not this conversation's.
    assert staff_client(staff_b[Role.ADMIN]).get(url).status_code == 404
    other = Document.objects.create(
        jobcenter=customer2.jobcenter, customer=customer2, state="received", file_key="x"
    )
    Message.objects.filter(pk=message.pk).update(document_id=other.pk)
    assert staff_client(staff_a[Role.CASEWORKER]).get(url).status_code == 404


def test_attachment_still_in_processing_says_so(
    staff_client: Login,
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
) -> None:
    from openjobcenter.documents.models import Document

    document = Document.objects.create(
        jobcenter=customer.jobcenter, customer=customer, state="processing", source="chat"
    )
    message = Message.objects.filter(conversation=conversation).first()
    assert message is not None
    Message.objects.filter(pk=message.pk).update(document_id=document.pk)
    client = staff_client(staff_a[Role.CASEWORKER])
    response = client.get(
        f"/fulda/staff/nachrichten/{conversation.pk}/anhang/{message.pk}/", follow=True
    )
    assert response.status_code == 200
    assert "Die Datei wird noch aufbereitet" in response.content.decode()


def test_attachment_refused_by_the_pipeline_says_why(
    staff_client: Login,
    client: Client,
    conversation: Conversation,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
) -> None:
    """The pipeline checks a chat photo after the message is stored; a refused one
    explains itself to both sides instead of answering "not found"."""
    from openjobcenter.documents.models import Document

    document = Document.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        state="refused",
        refusal_code="blurred",
        source="chat",
    )
    message = Message.objects.filter(conversation=conversation).first()
    assert message is not None
    Message.objects.filter(pk=message.pk).update(document_id=document.pk)
    client.force_login(customer.user)
    mine = client.get(
        f"/fulda/mein-bereich/nachrichten/{conversation.pk}/anhang/{message.pk}/", follow=True
    ).content.decode()
    assert "Diese Datei können wir nicht verwenden: Das Foto ist unscharf" in mine
    assert "Bitte schicken Sie sie neu." in mine
    theirs = (
        staff_client(staff_a[Role.CASEWORKER])
        .get(f"/fulda/staff/nachrichten/{conversation.pk}/anhang/{message.pk}/", follow=True)
        .content.decode()
    )
    assert "Diese Datei wurde nicht angenommen: Das Foto ist unscharf" in theirs


def test_starting_a_conversation_asks_for_the_person_first(
    staff_client: Login, chat_jc: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    client = staff_client(staff_a[Role.CASEWORKER])
    first = client.get("/fulda/staff/nachrichten/neu/").content.decode()
    assert 'name="kunde"' in first and 'name="subject"' not in first  # one step at a time
    unknown = client.get("/fulda/staff/nachrichten/neu/?kunde=B-2001").content.decode()
    assert "Zu dieser Kundennummer finden wir niemanden." in unknown
    assert 'aria-invalid="true"' in unknown and 'name="subject"' not in unknown
    chosen = client.get("/fulda/staff/nachrichten/neu/?kunde=A-1001").content.decode()
    assert "An: <bdi>Karl Kunde</bdi> (Kundennummer A-1001)" in chosen
    assert 'type="hidden" name="customer_number" value="A-1001"' in chosen
    assert 'name="kunde"' not in chosen  # no second number field


def test_customer_page_links_to_writing_to_them(
    staff_client: Login, chat_jc: Jobcenter, customer: CustomerProfile, staff_a: dict[Role, User]
) -> None:
    client = staff_client(staff_a[Role.CASEWORKER])
    page = client.get(f"/fulda/staff/kunden/{customer.pk}/").content.decode()
    assert 'href="/fulda/staff/nachrichten/neu/?kunde=A-1001">Nachricht schreiben' in page
    chat_jc.enabled_modules = [m for m in chat_jc.enabled_modules if m != "messaging"]
    chat_jc.save()
    page = client.get(f"/fulda/staff/kunden/{customer.pk}/").content.decode()
    assert "Nachricht schreiben" not in page
