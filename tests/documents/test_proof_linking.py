"""Proofs close the loop from every path (issue 17.3): a chat attachment is linked to an
open proof item by the customer ("Wofür ist dieses Dokument?") or by staff ("Als Nachweis
zuordnen"); the lists then say "erhalten am"; a second tap does nothing twice; stale
choices get a clear page; nobody links someone else's document or item. Staff see the
application's proof states and a count on the customer page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.applications.models import Application
from openjobcenter.applications.proof_status import proof_ref, proof_states
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents import services
from openjobcenter.documents.models import Document, DocumentRequest, DocumentState
from openjobcenter.documents.services import RequestItemInput
from openjobcenter.messaging import services as chat
from openjobcenter.messaging.models import Message, Topic
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import enable_module, make_application
from tests.conftest import login_with_mfa
from tests.documents.conftest import photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")


@pytest.fixture
def app(customer: CustomerProfile) -> Application:
    enable_module(customer.jobcenter)
    return make_application(customer)


def enable_chat(jc: Jobcenter) -> None:
    if "messaging" not in jc.enabled_modules:
        jc.enabled_modules = [*jc.enabled_modules, "messaging"]
        jc.save()
    chat.topics_ensure_defaults(jobcenter=jc)


def chat_photo(customer: CustomerProfile, seed: int = 1) -> tuple[Message, Document]:
    """The customer sends a photo in the chat; it goes through the documents pipeline."""
    enable_chat(customer.jobcenter)
    topic = Topic.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    conversation = chat.conversation_start(
        customer=customer,
        author=customer.user,
        data=chat.StartRequest(subject="Unterlagen", body="Hallo", topic=topic),
    )
    request = RequestFactory().post("/")
    request.user = customer.user
    message = chat.message_send(
        conversation=conversation,
        author=customer.user,
        body="Hier ist es",
        attachment=upload(photo(seed)),
        request=request,
    )
    assert message.document_id is not None
    document = Document.objects.get(pk=message.document_id)
    assert document.state == DocumentState.RECEIVED and document.source == "chat"
    return message, document


def link_url(jc: Jobcenter, doc: Document, side: str = "customer") -> str:
    return reverse(f"{side}:document_link", kwargs={"jc": jc.slug, "pk": doc.pk})


def conversation_url(message: Message) -> str:
    return reverse(
        "customer:conversation",
        kwargs={"jc": message.conversation.jobcenter.slug, "pk": message.conversation_id},
    )


def tenancy(app: Application) -> str:
    return "ref:" + proof_ref(app, "tenancy_agreement", None)


def make_request(customer: CustomerProfile, **item: Any) -> DocumentRequest:
    return services.document_request_create(
        request=None,
        jobcenter=customer.jobcenter,
        customer=customer,
        items=[RequestItemInput(**item)],
        deadline=timezone.localdate() + timedelta(days=7),
        explanation="",
    )


def link_audits(doc: Document) -> int:
    return AuditEntry.objects.filter(
        object_type="document", object_id=str(doc.pk), detail__startswith="linked"
    ).count()


def test_customer_links_a_chat_photo_to_the_applications_proof(
    customer_client: Client, customer: CustomerProfile, app: Application
) -> None:
    message, doc = chat_photo(customer)
    page = customer_client.get(conversation_url(message)).content.decode()
    assert "Wofür ist dieses Dokument? (freiwillig)" in page
    assert f'value="{tenancy(app)}"' in page
    assert f"Antrag {app.reference}" in page  # the choices say where they are asked

    response = customer_client.post(
        link_url(customer.jobcenter, doc),
        {"target": tenancy(app), "next": conversation_url(message)},
    )
    assert response.status_code == 302 and response["Location"] == conversation_url(message)
    doc.refresh_from_db()
    assert doc.proof_for == proof_ref(app, "tenancy_agreement", None)
    assert doc.kind == "tenancy_agreement"  # a chat photo was "other" until now
    assert link_audits(doc) == 1
    page = customer_client.get(conversation_url(message)).content.decode()
    assert "Zugeordnet: Mietvertrag" in page
    assert "Wofür ist dieses Dokument?" not in page
    proofs = customer_client.get(
        reverse("customer:application_proofs", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    ).content.decode()
    block = proofs[proofs.index("<h2>Mietvertrag") :]
    block = block[: block.index("</li>")]
    assert "erhalten am" in block and "Eingangsbestätigung" in block
    assert "Jetzt hochladen" not in block

    # A second tap (or a resent form) changes nothing and audits nothing again.
    again = customer_client.post(link_url(customer.jobcenter, doc), {"target": tenancy(app)})
    assert again.status_code == 302
    assert link_audits(doc) == 1


def test_chat_photo_answers_a_request_item_and_ticks_it(
    customer_client: Client, customer: CustomerProfile
) -> None:
    doc_request = make_request(customer, kind="payslip")
    item = doc_request.items.get()
    _message, doc = chat_photo(customer)
    response = customer_client.post(
        link_url(customer.jobcenter, doc), {"target": f"item:{item.pk}"}
    )
    assert response.status_code == 302
    item.refresh_from_db()
    doc.refresh_from_db()
    assert item.fulfilled_at is not None and doc.request_item_id == item.pk
    body = customer_client.get(
        reverse("customer:documents", kwargs={"jc": customer.jobcenter.slug})
    ).content.decode()
    assert "erhalten am" in body


def test_no_choice_is_a_clear_400(customer_client: Client, customer: CustomerProfile) -> None:
    _message, doc = chat_photo(customer)
    response = customer_client.post(link_url(customer.jobcenter, doc), {"target": ""})
    assert response.status_code == 400
    assert "Bitte wählen Sie aus, wofür diese Unterlage ist." in response.content.decode()
    doc.refresh_from_db()
    assert doc.proof_for == "" and doc.request_item_id is None


def test_stale_choices_get_a_page_not_an_error(
    customer_client: Client, customer: CustomerProfile, app: Application
) -> None:
    doc_request = make_request(customer, kind="payslip")
    item = doc_request.items.get()
    _m1, first = chat_photo(customer, 1)
    _m2, second = chat_photo(customer, 2)
    customer_client.post(link_url(customer.jobcenter, first), {"target": f"item:{item.pk}"})
    # The item arrived meanwhile (e.g. from a second tab): a page says so, nothing changes.
    stale = customer_client.post(
        link_url(customer.jobcenter, second), {"target": f"item:{item.pk}"}
    )
    assert stale.status_code == 409
    assert "schon bei uns eingegangen" in stale.content.decode()
    second.refresh_from_db()
    assert second.request_item_id is None and second.proof_for == ""
    # A document that answers something already is not moved to another proof.
    moved = customer_client.post(link_url(customer.jobcenter, first), {"target": tenancy(app)})
    assert moved.status_code == 409
    assert "schon einem anderen Nachweis zugeordnet" in moved.content.decode()
    first.refresh_from_db()
    assert first.proof_for == ""


def test_nobody_links_someone_elses_document_or_item(
    client: Client, customer: CustomerProfile, customer2: CustomerProfile, app: Application
) -> None:
    foreign_request = make_request(customer2, kind="payslip")
    foreign_item = foreign_request.items.get()
    _message, doc = chat_photo(customer)
    _m2, own_doc = chat_photo(customer2, 3)
    client.force_login(customer2.user)
    # The owner's document: 404.
    assert (
        client.post(link_url(customer.jobcenter, doc), {"target": tenancy(app)}).status_code == 404
    )
    client.force_login(customer.user)
    # The other customer's item, and the owner's proof ref on the other's document: 404.
    response = client.post(link_url(customer.jobcenter, doc), {"target": f"item:{foreign_item.pk}"})
    assert response.status_code == 404
    assert (
        client.post(link_url(customer.jobcenter, own_doc), {"target": tenancy(app)}).status_code
        == 404
    )
    client.force_login(customer2.user)
    response = client.post(link_url(customer.jobcenter, own_doc), {"target": tenancy(app)})
    assert response.status_code == 404  # someone else's application list
    for d in (doc, own_doc):
        d.refresh_from_db()
        assert d.proof_for == "" and d.request_item_id is None
    foreign_item.refresh_from_db()
    assert foreign_item.fulfilled_at is None


def test_staff_link_a_chat_document_and_see_the_proof_states(
    customer: CustomerProfile, app: Application, staff_a: Any
) -> None:
    message, doc = chat_photo(customer)
    staff = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    jc = customer.jobcenter.slug
    conv = staff.get(
        reverse("staff:conversation", kwargs={"jc": jc, "pk": message.conversation_id})
    ).content.decode()
    assert "Als Nachweis zuordnen" in conv
    page = staff.get(reverse("staff:document", kwargs={"jc": jc, "pk": doc.pk})).content.decode()
    assert "Als Nachweis zuordnen" in page and f'value="{tenancy(app)}"' in page
    response = staff.post(link_url(customer.jobcenter, doc, "staff"), {"target": tenancy(app)})
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.proof_for == proof_ref(app, "tenancy_agreement", None)
    page = staff.get(reverse("staff:document", kwargs={"jc": jc, "pk": doc.pk})).content.decode()
    assert "Nachweis für" in page and "Mietvertrag" in page

    states = {s.proof.kind_key: s.state for s in proof_states(app)}
    assert states["tenancy_agreement"] == "received" and states["bank_statement"] == "missing"
    body = staff.get(reverse("staff:application", kwargs={"jc": jc, "pk": app.pk})).content.decode()
    entry = body[body.index("<strong>Mietvertrag</strong>") :]
    entry = entry[: entry.index("</li>")]
    assert "erhalten am" in entry
    assert reverse("staff:document", kwargs={"jc": jc, "pk": doc.pk}) in entry
    assert "fehlt noch" in body

    # Checked by staff: "geprüft".
    request = RequestFactory().post("/")
    request.user = staff_a[Role.CASEWORKER]
    services.document_review(
        request=request, document=doc, state=DocumentState.CHECKED, reason="", base_version=0
    )
    assert {s.proof.kind_key: s.state for s in proof_states(app)}["tenancy_agreement"] == "checked"
    body = staff.get(reverse("staff:application", kwargs={"jc": jc, "pk": app.pk})).content.decode()
    assert "geprüft" in body

    # The case view (the staff customer page) says what the document answers.
    page = staff.get(
        reverse("staff:customer", kwargs={"jc": jc, "pk": customer.pk})
    ).content.decode()
    assert f"Nachweis zum Antrag {app.reference}: Mietvertrag" in page


def test_staff_without_documents_right_gets_no_link_button(
    customer: CustomerProfile, app: Application, staff_a: Any
) -> None:
    message, _doc = chat_photo(customer)
    staff = login_with_mfa(Client(), staff_a[Role.RECEPTION])
    conv = staff.get(
        reverse(
            "staff:conversation",
            kwargs={"jc": customer.jobcenter.slug, "pk": message.conversation_id},
        )
    )
    if conv.status_code == 200:
        assert "Als Nachweis zuordnen" not in conv.content.decode()
