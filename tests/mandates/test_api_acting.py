"""The API acting for a represented customer (issue 25): ``X-Acting-For: <customer id>``
checked against an active mandate and its scope on every call, audited with
``acting_for``, documented in the OpenAPI description, refused where it does not apply."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.accounts.services import api_token_create
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.mandates import services as mandate_services
from openjobcenter.mandates.models import Mandate
from openjobcenter.messaging import services as chat
from openjobcenter.messaging.models import Conversation, Message, Topic
from openjobcenter.postbox.models import NoticeConsent
from openjobcenter.tenants.models import Jobcenter
from tests.mandates.conftest import grant
from tests.postbox.conftest import deposit, make_pdf

pytestmark = pytest.mark.django_db


def _mandate(
    jobcenter: Jobcenter, customer: CustomerProfile, rep: User, scopes: list[str]
) -> Mandate:
    _m, code = grant(customer, scopes)
    return mandate_services.mandate_accept(request=None, user=rep, jobcenter=jobcenter, code=code)


def _conversation(customer: CustomerProfile) -> Conversation:
    chat.topics_ensure_defaults(jobcenter=customer.jobcenter)
    topic = Topic.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    return chat.conversation_start(
        customer=customer,
        author=customer.user,
        data=chat.StartRequest(subject="Frage", body="Hallo", topic=topic),
    )


@pytest.fixture
def rep_api(rep_user: User) -> Client:
    """The representative's own bearer token (no session, no CSRF)."""
    _token, key = api_token_create(user=rep_user, name="App")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def _with_postbox(jobcenter: Jobcenter) -> None:
    jobcenter.enabled_modules = sorted({*jobcenter.enabled_modules, "postbox"})
    jobcenter.save(update_fields=["enabled_modules"])


def test_reading_and_writing_for_the_customer_within_the_scope(
    mandates_on: Jobcenter,
    customer: CustomerProfile,
    rep_user: User,
    rep_api: Client,
    staff_a: dict[Role, User],
) -> None:
    _mandate(mandates_on, customer, rep_user, ["chat"])
    conversation = _conversation(customer)
    acting = {"X-Acting-For": str(customer.pk)}
    # Without the header: the representative's own account (no customer here): 404.
    assert rep_api.get("/api/v1/messaging/fulda/conversations").status_code == 404
    listed = rep_api.get("/api/v1/messaging/fulda/conversations", headers=acting)
    assert listed.status_code == 200, listed.content
    assert [c["id"] for c in listed.json()] == [conversation.pk]
    read = AuditEntry.objects.get(action=AuditAction.READ, object_type="messaging")
    assert read.actor == rep_user and read.acting_for == customer.user
    sent = rep_api.post(
        f"/api/v1/messaging/fulda/conversations/{conversation.pk}/messages",
        {"body": "Über die App, für Herrn Kunde", "client_id": "a1"},
        content_type="application/json",
        headers=acting,
    )
    assert sent.status_code == 201, sent.content
    assert sent.json()["representative"] == "Vera Vertreterin"
    message = Message.objects.get(pk=sent.json()["id"])
    assert message.author == customer.user and message.representative == rep_user
    entry = AuditEntry.objects.get(object_type="chat_message", object_id=str(message.pk))
    assert entry.actor == rep_user and entry.acting_for == customer.user


def test_read_only_scope_refuses_writes_and_other_modules(
    mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User, rep_api: Client
) -> None:
    _mandate(mandates_on, customer, rep_user, ["read"])
    conversation = _conversation(customer)
    acting = {"X-Acting-For": str(customer.pk)}
    history = f"/api/v1/messaging/fulda/conversations/{conversation.pk}/messages"
    assert rep_api.get(history, headers=acting).status_code == 200
    before = Message.objects.count()
    refused = rep_api.post(
        history, {"body": "Nein", "client_id": "x"}, content_type="application/json", headers=acting
    )
    assert refused.status_code == 404
    assert Message.objects.count() == before
    assert rep_api.get("/api/v1/documents/fulda/documents", headers=acting).status_code == 200
    upload = rep_api.post(
        "/api/v1/documents/fulda/upload",
        {"kind": "other", "file": SimpleUploadedFile("a.pdf", make_pdf(), "application/pdf")},
        headers=acting,
    )
    assert upload.status_code == 404
    assert not customer.documents.exists()


def test_no_mandate_another_customer_revoked_or_malformed(
    mandates_on: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    rep_user: User,
    rep_api: Client,
) -> None:
    mandate = _mandate(mandates_on, customer, rep_user, ["read", "chat"])
    url = "/api/v1/messaging/fulda/conversations"
    assert rep_api.get(url, HTTP_X_ACTING_FOR=str(customer2.pk)).status_code == 404
    # A customer of another job centre, asked through this job centre or through theirs.
    assert rep_api.get(url, HTTP_X_ACTING_FOR=str(customer_b.pk)).status_code == 404
    assert (
        rep_api.get(
            f"/api/v1/messaging/{customer_b.jobcenter.slug}/conversations",
            HTTP_X_ACTING_FOR=str(customer.pk),
        ).status_code
        == 404
    )
    for bad in ("abc", "-1", "1.5", "٣", "9" * 40):
        answer = rep_api.get(url, HTTP_X_ACTING_FOR=bad)
        assert answer.status_code == 422, bad
        assert "X-Acting-For" in answer.json()["detail"]
    # The customer themself with the header naming someone else: 404, not their own.
    own = Client()
    own.force_login(customer.user)
    assert own.get(url, HTTP_X_ACTING_FOR=str(customer2.pk)).status_code == 404
    mandate_services.mandate_revoke(request=None, mandate=mandate, actor=customer.user)
    assert rep_api.get(url, HTTP_X_ACTING_FOR=str(customer.pk)).status_code == 404
    assert not AuditEntry.objects.filter(acting_for=customer.user, object_type="messaging").exists()


def test_the_header_is_refused_where_it_does_not_apply(
    mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User, rep_api: Client
) -> None:
    """Consent is the customer's own choice (§ 37 Abs. 2a SGB X): never through a
    representative, and the header is not silently ignored either."""
    _with_postbox(mandates_on)
    _mandate(mandates_on, customer, rep_user, ["read", "notices"])
    own = Client()
    own.force_login(customer.user)
    for client in (rep_api, own):
        answer = client.put(
            "/api/v1/postbox/fulda/consent",
            {"electronic_notices": True},
            content_type="application/json",
            HTTP_X_ACTING_FOR=str(customer.pk),
        )
        assert answer.status_code == 422
        assert answer.json()["detail"] == "X-Acting-For is not accepted by this operation."
    assert not NoticeConsent.objects.filter(customer=customer, electronic=True).exists()
    assert rep_api.get("/api/v1/me", HTTP_X_ACTING_FOR=str(customer.pk)).status_code == 422


def test_notices_for_the_customer(
    mandates_on: Jobcenter,
    customer: CustomerProfile,
    rep_user: User,
    rep_api: Client,
    staff_a: dict[Role, User],
) -> None:
    _with_postbox(mandates_on)
    _mandate(mandates_on, customer, rep_user, ["notices"])
    notice = deposit(customer, staff_a[Role.CASEWORKER], electronic=True)
    acting = {"X-Acting-For": str(customer.pk)}
    listed = rep_api.get("/api/v1/postbox/fulda/notices", headers=acting)
    assert [n["id"] for n in listed.json()] == [notice.pk]
    pdf = rep_api.get(f"/api/v1/postbox/fulda/notices/{notice.pk}/file", headers=acting)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    objection = rep_api.post(
        f"/api/v1/postbox/fulda/notices/{notice.pk}/objection",
        {"reasons": "Die Miete ist falsch berechnet."},
        content_type="application/json",
        headers=acting,
    )
    assert objection.status_code == 201, objection.content
    assert AuditEntry.objects.filter(acting_for=customer.user, actor=rep_user).count() >= 3


def test_openapi_documents_the_header_where_it_applies() -> None:
    spec = Client().get("/api/v1/openapi.json").json()

    def names(path: str, method: str) -> list[str]:
        return [p["name"] for p in spec["paths"][path][method].get("parameters", [])]

    assert "X-Acting-For" in names("/api/v1/messaging/{jc}/conversations", "get")
    assert "X-Acting-For" in names("/api/v1/documents/{jc}/documents", "get")
    assert "X-Acting-For" in names("/api/v1/postbox/{jc}/notices/{pk}/objection", "post")
    assert "X-Acting-For" in names("/api/v1/appointments/{jc}/appointments", "post")
    assert "X-Acting-For" not in names("/api/v1/postbox/{jc}/consent", "put")
    assert "X-Acting-For" not in names("/api/v1/messaging/{jc}/staff/conversations", "get")
    assert "X-Acting-For" not in names("/api/v1/me", "get")
