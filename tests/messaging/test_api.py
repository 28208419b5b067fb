"""The messaging API: customer endpoints, staff endpoints, errors and ownership."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging.models import Conversation, Message, TextTemplate, Topic
from openjobcenter.tenants.models import Jobcenter
from tests.messaging.conftest import without_documents

Login = Callable[[User], Client]
API = "/api/v1/messaging/fulda"


def test_customer_flow(
    client: Client, conversation: Conversation, customer: CustomerProfile, topic: Topic
) -> None:
    client.force_login(customer.user)
    listed = client.get(f"{API}/conversations").json()
    assert [c["id"] for c in listed] == [conversation.pk]
    created = client.post(
        f"{API}/conversations",
        {"subject": "Neu", "body": "Hallo", "topic_id": topic.pk, "client_id": "api1"},
        content_type="application/json",
    )
    assert created.status_code == 201
    new_id = created.json()["id"]
    sent = client.post(
        f"{API}/conversations/{new_id}/messages",
        {"body": "Noch etwas", "client_id": "api2"},
        content_type="application/json",
    )
    assert sent.status_code == 201
    history = client.get(f"{API}/conversations/{new_id}/messages?after=0").json()
    assert [m["body"] for m in history["messages"]] == ["Hallo", "Noch etwas"]
    after = client.get(
        f"{API}/conversations/{new_id}/messages?after={history['messages'][0]['id']}"
    ).json()
    assert [m["body"] for m in after["messages"]] == ["Noch etwas"]
    stale = client.get(f"{API}/conversations/{new_id}/messages?after=999999999").json()
    assert stale["reset"] is True and len(stale["messages"]) == 2
    read = client.post(f"{API}/conversations/{new_id}/read", {}, content_type="application/json")
    assert read.json()["upto"] == history["last_id"]


def test_bad_input_is_422_with_field(
    client: Client, conversation: Conversation, customer: CustomerProfile
) -> None:
    client.force_login(customer.user)
    url = f"{API}/conversations/{conversation.pk}/messages"
    empty = client.post(url, {"body": "  "}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["detail"][0]["loc"][-1] == "body"
    long = client.post(url, {"body": "x" * 5001}, content_type="application/json")
    assert long.status_code == 422
    extra = client.post(url, {"body": "x", "evil": 1}, content_type="application/json")
    assert extra.status_code == 422
    assert client.post(url, "not json", content_type="application/json").status_code in (400, 422)


def test_flood_is_429(
    client: Client, conversation: Conversation, customer: CustomerProfile, settings: Any
) -> None:
    settings.MESSAGING = {**settings.MESSAGING, "rate_count": 2, "rate_window_s": 3600}
    client.force_login(customer.user)
    url = f"{API}/conversations/{conversation.pk}/messages"
    codes = [
        client.post(url, {"body": f"n{n}"}, content_type="application/json").status_code
        for n in range(4)
    ]
    assert codes[-1] == 429
    response = client.post(url, {"body": "x"}, content_type="application/json")
    assert response.json()["retry_after"] > 0
    assert "Bitte warten Sie" in response.json()["detail"]


def test_attachment_upload(
    client: Client,
    conversation: Conversation,
    customer: CustomerProfile,
    settings: Any,
    tmp_path: Any,
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    without_documents(conversation.jobcenter)
    client.force_login(customer.user)
    url = f"{API}/conversations/{conversation.pk}/attachments"
    pdf = SimpleUploadedFile(
        "brief.pdf", b"%PDF-1.4\n" + b"x" * 100, content_type="application/pdf"
    )
    ok = client.post(url, {"file": pdf, "body": "Anbei", "client_id": "att1"})
    assert ok.status_code == 201, ok.content
    assert ok.json()["attachment"]["name"] == "brief.pdf"
    bad = client.post(url, {"file": SimpleUploadedFile("x.html", b"<html><script>")})
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", "/messages"), ("post", "/messages"), ("post", "/read"), ("post", "/attachments")],
)
def test_customer_ownership(
    client: Client,
    conversation: Conversation,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    method: str,
    suffix: str,
) -> None:
    for user in (customer2.user, customer_b.user):
        client.force_login(user)
        call = getattr(client, method)
        kwargs: dict[str, Any] = (
            {"content_type": "application/json"} if suffix != "/attachments" else {}
        )
        data: Any = {"body": "eingeschmuggelt"} if suffix == "/messages" else {}
        if suffix == "/attachments":
            data = {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")}
        response = (
            call(f"{API}/conversations/{conversation.pk}{suffix}", data, **kwargs)
            if method == "post"
            else call(f"{API}/conversations/{conversation.pk}{suffix}")
        )
        assert response.status_code == 404
    assert not Message.objects.filter(body="eingeschmuggelt").exists()


def test_staff_endpoints(
    staff_client: Login,
    conversation: Conversation,
    staff_a: dict[Role, User],
    chat_jc: Jobcenter,
    customer: CustomerProfile,
) -> None:
    user = staff_a[Role.CASEWORKER]
    client = staff_client(user)
    inbox = client.get(f"{API}/staff/conversations").json()
    assert [c["id"] for c in inbox] == [conversation.pk]
    assert inbox[0]["customer_number"] == "A-1001"
    history = client.get(f"{API}/staff/conversations/{conversation.pk}/messages").json()
    assert len(history["messages"]) == 1
    sent = client.post(
        f"{API}/staff/conversations/{conversation.pk}/messages",
        {"body": "Antwort"},
        content_type="application/json",
    )
    assert sent.status_code == 201 and sent.json()["author"]
    assigned = client.post(
        f"{API}/staff/conversations/{conversation.pk}/assignment",
        {"assignee_id": user.pk},
        content_type="application/json",
    )
    assert assigned.json()["assignee_id"] == user.pk
    status = client.post(
        f"{API}/staff/conversations/{conversation.pk}/status",
        {"status": "closed"},
        content_type="application/json",
    )
    assert status.json()["status"] == "closed"
    template = TextTemplate.objects.create(jobcenter=chat_jc, title="T", body="Hallo {vorname}")
    assert client.get(f"{API}/staff/templates").json()[0]["title"] == "T"
    rendered = client.get(
        f"{API}/staff/conversations/{conversation.pk}/templates/{template.pk}"
    ).json()
    assert rendered["text"] == "Hallo Karl"
    started = client.post(
        f"{API}/staff/conversations",
        {
            "customer_id": customer.pk,
            "subject": "Unterlagen",
            "body": "Uns fehlt noch Ihr Mietvertrag.",
        },
        content_type="application/json",
    )
    assert started.status_code == 201


def test_staff_api_needs_the_second_factor(
    client: Client, conversation: Conversation, staff_a: dict[Role, User]
) -> None:
    client.force_login(staff_a[Role.CASEWORKER])
    assert client.get(f"{API}/staff/conversations").status_code == 401


@pytest.mark.parametrize("suffix", ["/messages", "/templates/1"])
def test_staff_ownership(
    staff_client: Login,
    conversation: Conversation,
    personal: Conversation,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
    suffix: str,
) -> None:
    other = staff_client(staff_b[Role.ADMIN])
    assert other.get(f"{API}/staff/conversations/{conversation.pk}{suffix}").status_code == 404
    assert (
        other.get(
            f"/api/v1/messaging/wiesbaden/staff/conversations/{conversation.pk}{suffix}"
        ).status_code
        == 404
    )
    colleague = staff_client(staff_a[Role.CASEWORKER])
    assert colleague.get(f"{API}/staff/conversations/{personal.pk}{suffix}").status_code == 404


def test_openapi_documents_the_endpoints(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert "/api/v1/messaging/{jc}/conversations/{pk}/messages" in paths
    assert "/api/v1/messaging/{jc}/staff/conversations" in paths
    assert "/api/v1/notifications/push-subscriptions" in paths
