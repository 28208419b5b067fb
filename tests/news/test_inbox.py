"""The job centre's ActivityPub inbox, documents and the moderated staff inbox.

Deliveries are signed here with a real key; the sender's actor is known to the platform
through its kept copy (``RemoteActor``, what a first fetch stores). Fetching over the
network is in ``test_federation_instances.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from openjobcenter.accounts.models import Role
from openjobcenter.core.models import AuditEntry, OutboxItem
from openjobcenter.news import remote, signatures
from openjobcenter.news.models import (
    Follower,
    InboxItem,
    OutgoingActivity,
    Post,
    RemoteActor,
    SeenActivity,
)
from openjobcenter.news.text import personal_data_kinds
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db

ERIKA = "https://social.example/users/erika"
INBOX = "/fulda/ap/inbox"
OWN = "http://127.0.0.1:8000/fulda/ap/actor"


@pytest.fixture
def erika_key(news_jc: Jobcenter) -> str:
    public, private = signatures.new_key_pair()
    RemoteActor.objects.create(
        actor_id=ERIKA,
        key_id=ERIKA + "#main-key",
        public_pem=public,
        inbox=ERIKA + "/inbox",
        shared_inbox="https://social.example/inbox",
        handle="erika@social.example",
        fetched_at=timezone.now(),
    )
    return private


def deliver(
    client: Client,
    activity: dict[str, Any],
    *,
    key: str | None,
    key_id: str = ERIKA + "#main-key",
    date: str | None = None,
    body: bytes | None = None,
    digest: str | None = None,
) -> Any:
    raw = json.dumps(activity).encode()
    headers = {
        "host": "testserver",
        "date": date or signatures.http_date(timezone.now()),
        "digest": signatures.digest(raw),
    }
    extra: dict[str, Any] = {
        "HTTP_HOST": "testserver",
        "HTTP_DATE": headers["date"],
        "HTTP_DIGEST": digest or headers["digest"],
    }
    if key is not None:
        extra["HTTP_SIGNATURE"] = signatures.sign(
            private_pem=key, key_id=key_id, method="POST", path=INBOX, headers=headers
        )
    return client.post(
        INBOX,
        data=body if body is not None else raw,
        content_type="application/activity+json",
        **extra,
    )


def note(text: str, **extra: Any) -> dict[str, Any]:
    n = timezone.now().timestamp()
    obj = {
        "id": f"{ERIKA}/statuses/{n}",
        "type": "Note",
        "attributedTo": ERIKA,
        "content": text,
        **extra,
    }
    return {"id": f"{obj['id']}/activity", "type": "Create", "actor": ERIKA, "object": obj}


def test_reply_with_personal_data_reaches_only_the_staff_inbox_flagged(
    client: Client, erika_key: str, news_jc: Jobcenter, lead_client: Callable[[Role], Client]
) -> None:
    post = Post.objects.create(
        jobcenter=news_jc, text="Wir haben geöffnet", published_at=timezone.now()
    )
    reply = note(
        "<p>Meine IBAN ist DE89 3704 0044 0532 0130 00, ruft mich an: 0661 1234567</p>",
        inReplyTo=f"http://127.0.0.1:8000/fulda/neuigkeiten/{post.pk}/",
    )
    assert deliver(client, reply, key=erika_key).status_code == 202
    item = InboxItem.objects.get()
    assert item.kind == "reply"
    assert item.in_reply_to == post
    assert set(item.personal_data.split(",")) >= {"iban", "phone"}
    assert "<p>" not in item.text

    # Never public.
    public = Client()
    assert "DE89" not in public.get("/fulda/neuigkeiten/").content.decode()
    assert "DE89" not in public.get(f"/fulda/neuigkeiten/{post.pk}/").content.decode()

    staff = lead_client(Role.TEAM_LEAD)
    page = staff.get("/fulda/staff/neuigkeiten/eingang/").content.decode()
    assert "DE89 3704" in page
    assert "sicheren Nachrichtenbereich" in page
    assert AuditEntry.objects.filter(object_type="news_inbox", action="read").exists()
    assert lead_client(Role.CASEWORKER).get("/fulda/staff/neuigkeiten/eingang/").status_code == 403


def test_mention_arrives_and_is_moderated(
    client: Client, erika_key: str, news_jc: Jobcenter, lead_client: Callable[[Role], Client]
) -> None:
    mention = note(
        "<p>@fulda Wann habt ihr offen?</p>",
        tag=[{"type": "Mention", "href": OWN, "name": "@fulda"}],
    )
    assert deliver(client, mention, key=erika_key).status_code == 202
    item = InboxItem.objects.get()
    assert item.kind == "mention"
    assert item.personal_data == ""
    staff = lead_client(Role.ADMIN)
    response = staff.post(f"/fulda/staff/neuigkeiten/eingang/{item.pk}/", {"status": "done"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


def test_unrelated_note_is_not_stored(client: Client, erika_key: str) -> None:
    assert deliver(client, note("<p>Irgendwas</p>"), key=erika_key).status_code == 202
    assert not InboxItem.objects.exists()


def test_follow_is_accepted_and_undo_removes_the_follower(
    client: Client, erika_key: str, news_jc: Jobcenter
) -> None:
    follow = {"id": f"{ERIKA}#follow/1", "type": "Follow", "actor": ERIKA, "object": OWN}
    assert deliver(client, follow, key=erika_key).status_code == 202
    follower = Follower.objects.get()
    assert follower.actor_id == ERIKA
    assert follower.shared_inbox == "https://social.example/inbox"
    accept = OutgoingActivity.objects.get()
    assert accept.body["type"] == "Accept"
    assert accept.body["object"]["id"] == follow["id"]
    assert OutboxItem.objects.filter(topic="news.deliver", payload__inbox=ERIKA + "/inbox").exists()

    # A post now goes to the follower's shared inbox.
    Post.objects.all().delete()
    from openjobcenter.news import services

    services.post_create(
        request=None,
        jobcenter=news_jc,
        author=None,  # type: ignore[arg-type]
        data=services.PostInput("Hallo Fediverse", "", None, "", timezone.now(), None),
    )
    assert OutboxItem.objects.filter(payload__inbox="https://social.example/inbox").exists()

    undo = {"id": f"{ERIKA}#undo/1", "type": "Undo", "actor": ERIKA, "object": follow}
    assert deliver(client, undo, key=erika_key).status_code == 202
    assert not Follower.objects.exists()


def _nothing_stored() -> None:
    assert not InboxItem.objects.exists()
    assert not Follower.objects.exists()
    assert not SeenActivity.objects.exists()


def test_unsigned_delivery_is_refused(client: Client, erika_key: str) -> None:
    assert deliver(client, note("<p>@fulda hi</p>", to=[OWN]), key=None).status_code == 401
    _nothing_stored()


def test_wrongly_signed_delivery_is_refused(client: Client, erika_key: str) -> None:
    _public, other = signatures.new_key_pair()
    mention = note("<p>@fulda hi</p>", to=[OWN])
    with override_settings(NEWS={**settings.NEWS, "host_map": {"social.example": "127.0.0.1:9"}}):
        # The kept key does not verify; the refetch fails: refused.
        assert deliver(client, mention, key=other).status_code == 401
    _nothing_stored()


def test_key_of_another_actor_is_refused(client: Client, erika_key: str) -> None:
    mention = note("<p>@fulda hi</p>", to=[OWN])
    response = deliver(
        client, mention, key=erika_key, key_id="https://evil.example/users/x#main-key"
    )
    assert response.status_code == 401
    _nothing_stored()


def test_stale_date_and_wrong_digest_are_refused(client: Client, erika_key: str) -> None:
    mention = note("<p>@fulda hi</p>", to=[OWN])
    old = signatures.http_date(timezone.now() - timedelta(hours=1))
    assert deliver(client, mention, key=erika_key, date=old).status_code == 401
    wrong = signatures.digest(b"something else")
    assert deliver(client, mention, key=erika_key, digest=wrong).status_code == 400
    _nothing_stored()


def test_replayed_delivery_is_refused(client: Client, erika_key: str) -> None:
    mention = note("<p>@fulda hi</p>", to=[OWN])
    assert deliver(client, mention, key=erika_key).status_code == 202
    assert deliver(client, mention, key=erika_key).status_code == 409
    assert InboxItem.objects.count() == 1


def test_oversized_delivery_is_refused(client: Client, erika_key: str) -> None:
    mention = note("<p>" + "x" * (300 * 1024) + "</p>", to=[OWN])
    assert deliver(client, mention, key=erika_key).status_code == 413
    _nothing_stored()


def test_unknown_actor_is_refused_and_nothing_kept(client: Client, news_jc: Jobcenter) -> None:
    _public, private = signatures.new_key_pair()
    stranger = "https://nowhere.example/users/x"
    activity = {"id": stranger + "#1", "type": "Follow", "actor": stranger, "object": OWN}
    # Its server cannot be reached (a closed local port stands in for it).
    with override_settings(NEWS={**settings.NEWS, "host_map": {"nowhere.example": "127.0.0.1:9"}}):
        response = deliver(client, activity, key=private, key_id=stranger + "#main-key")
    assert response.status_code == 401
    assert not RemoteActor.objects.filter(actor_id=stranger).exists()
    _nothing_stored()


def test_webfinger_actor_and_outbox(client: Client, news_jc: Jobcenter) -> None:
    Post.objects.create(jobcenter=news_jc, text="Eins", published_at=timezone.now())
    finger = client.get("/.well-known/webfinger?resource=acct:fulda@127.0.0.1:8000")
    assert finger.status_code == 200
    self_link = next(link for link in finger.json()["links"] if link["rel"] == "self")
    assert self_link["href"] == OWN
    assert client.get("/.well-known/webfinger?resource=acct:fulda@other.host").status_code == 404
    assert (
        client.get("/.well-known/webfinger?resource=acct:kassel@127.0.0.1:8000").status_code == 404
    )

    actor = client.get("/fulda/ap/actor", headers={"Accept": "application/activity+json"})
    doc = actor.json()
    assert doc["inbox"] == "http://127.0.0.1:8000/fulda/ap/inbox"
    assert doc["publicKey"]["owner"] == OWN
    assert doc["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")

    outbox = client.get("/fulda/ap/outbox").json()
    assert outbox["type"] == "OrderedCollection"
    assert outbox["totalItems"] == 1
    page = client.get("/fulda/ap/outbox?page=1").json()
    assert page["orderedItems"][0]["object"]["content"] == "<p>Eins</p>"
    assert client.get("/fulda/ap/outbox?page=x").status_code == 404
    note_doc = client.get(
        f"/fulda/neuigkeiten/{Post.objects.get().pk}/",
        headers={"Accept": "application/activity+json"},
    ).json()
    assert note_doc["type"] == "Note"


def test_personal_data_patterns() -> None:
    assert personal_data_kinds("IBAN DE89370400440532013000") == ["iban"]
    assert personal_data_kinds("schreib an erika@example.org") == ["email"]
    assert personal_data_kinds("Tel. +49 661 123456") == ["phone"]
    assert personal_data_kinds("Kundennummer 123D456789") == ["customer_number"]
    assert personal_data_kinds("@fulda@social.example danke!") == []


def test_outgoing_requests_refuse_private_addresses_and_plain_http() -> None:
    with pytest.raises(remote.RemoteError):
        remote.public_address("127.0.0.1", 443)
    with pytest.raises(remote.RemoteError):
        remote.public_address("10.1.2.3", 443)
    with pytest.raises(remote.RemoteError):
        remote.request("GET", "http://social.example/users/x", headers={})


def test_note_of_another_server_is_not_taken_as_the_actors(
    client: Client, erika_key: str, news_jc: Jobcenter
) -> None:
    forged = note("<p>@fulda Hallo</p>", to=[OWN])
    forged["object"]["id"] = "https://other.example/statuses/1"
    assert deliver(client, forged, key=erika_key).status_code == 202
    assert not InboxItem.objects.exists()
