"""The job centre as an ActivityPub actor: documents it serves, activities it sends
(signed, through the outbox with retries) and the checks on every delivery it gets.

Ids are the platform's public addresses (``SITE_URL``): the actor is
``<SITE_URL>/<slug>/ap/actor``, a post's Note is its page ``<SITE_URL>/<slug>/neuigkeiten/<pk>/``
(the page answers ActivityPub JSON to clients that ask for it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from openjobcenter.core import outbox
from openjobcenter.news import remote, signatures
from openjobcenter.news.conf import news_conf
from openjobcenter.news.models import ActorKey, OutgoingActivity, Post, RemoteActor, SeenActivity
from openjobcenter.news.text import note_html

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter

log = logging.getLogger(__name__)

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
SECURITY_CONTEXT = "https://w3id.org/security/v1"
PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
DELIVER = "news.deliver"
# A kept remote key is fetched again after this long (key rotation).
ACTOR_MAX_AGE = timedelta(days=1)


class DeliveryRefusedError(Exception):
    """An incoming delivery that is not taken: ``status`` and a short reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


# --- Addresses ----------------------------------------------------------------------------


def site() -> str:
    return str(settings.SITE_URL).rstrip("/")


def host() -> str:
    return urlsplit(site()).netloc


def _url(name: str, **kwargs: Any) -> str:
    return site() + reverse(name, kwargs=kwargs, urlconf="openjobcenter.config.urls")


def actor_url(jobcenter: Jobcenter) -> str:
    return _url("tenant:news_actor", jc=jobcenter.slug)


def key_id(jobcenter: Jobcenter) -> str:
    return actor_url(jobcenter) + "#main-key"


def note_url(post: Post) -> str:
    return _url("tenant:news_post", jc=post.jobcenter.slug, pk=post.pk)


def handle(jobcenter: Jobcenter) -> str:
    return f"{jobcenter.slug}@{host()}"


# --- Keys ---------------------------------------------------------------------------------


def actor_key(jobcenter: Jobcenter) -> ActorKey:
    """The job centre's key pair, made on first use (the private half sealed at rest)."""
    found = ActorKey.objects.filter(jobcenter=jobcenter).first()
    if found is not None:
        return found
    public, private = signatures.new_key_pair()
    try:
        with transaction.atomic():
            return ActorKey.objects.create(
                jobcenter=jobcenter, public_pem=public, private_pem=private
            )
    except IntegrityError:  # another request made it first
        return ActorKey.objects.get(jobcenter=jobcenter)


# --- Documents ----------------------------------------------------------------------------


def actor_document(jobcenter: Jobcenter) -> dict[str, Any]:
    actor = actor_url(jobcenter)
    return {
        "@context": [AS_CONTEXT, SECURITY_CONTEXT],
        "id": actor,
        "type": "Organization",
        "preferredUsername": jobcenter.slug,
        "name": f"Jobcenter {jobcenter.name}"
        if not jobcenter.name.lower().startswith("jobcenter")
        else jobcenter.name,
        "summary": "",
        "url": _url("tenant:news", jc=jobcenter.slug),
        "inbox": _url("tenant:news_inbox", jc=jobcenter.slug),
        "outbox": _url("tenant:news_outbox", jc=jobcenter.slug),
        "followers": _url("tenant:news_followers", jc=jobcenter.slug),
        "manuallyApprovesFollowers": False,
        "discoverable": True,
        "publicKey": {
            "id": key_id(jobcenter),
            "owner": actor,
            "publicKeyPem": actor_key(jobcenter).public_pem,
        },
    }


def note_document(post: Post) -> dict[str, Any]:
    jobcenter = post.jobcenter
    note: dict[str, Any] = {
        "id": note_url(post),
        "type": "Note",
        "attributedTo": actor_url(jobcenter),
        "content": note_html(post.text, post.link),
        "published": post.published_at.isoformat().replace("+00:00", "Z"),
        "url": note_url(post),
        "to": [PUBLIC],
        "cc": [_url("tenant:news_followers", jc=jobcenter.slug)],
        "attachment": [],
    }
    if post.image:
        note["attachment"].append(
            {
                "type": "Image",
                "mediaType": post.image_type,
                "url": _url("tenant:news_image", jc=jobcenter.slug, pk=post.pk),
                "name": post.image_alt,
                "width": post.image_width,
                "height": post.image_height,
            }
        )
    return note


def create_activity(post: Post) -> dict[str, Any]:
    note = note_document(post)
    return {
        "@context": AS_CONTEXT,
        "id": note["id"] + "#create",
        "type": "Create",
        "actor": note["attributedTo"],
        "published": note["published"],
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }


def update_activity(post: Post) -> dict[str, Any]:
    note = note_document(post)
    note["updated"] = post.updated_at.isoformat().replace("+00:00", "Z")
    return {
        "@context": AS_CONTEXT,
        "id": f"{note['id']}#update-{int(post.updated_at.timestamp())}",
        "type": "Update",
        "actor": note["attributedTo"],
        "to": note["to"],
        "cc": note["cc"],
        "object": note,
    }


def delete_activity(jobcenter: Jobcenter, note_id: str) -> dict[str, Any]:
    return {
        "@context": AS_CONTEXT,
        "id": note_id + "#delete",
        "type": "Delete",
        "actor": actor_url(jobcenter),
        "to": [PUBLIC],
        "object": {"id": note_id, "type": "Tombstone"},
    }


# --- Sending ------------------------------------------------------------------------------


def enqueue(jobcenter: Jobcenter, body: Mapping[str, Any], inboxes: list[str]) -> None:
    """Record ``body`` and one outbox row per inbox (inside the caller's transaction)."""
    if not inboxes or not news_conf()["federation"]:
        return
    activity = OutgoingActivity.objects.create(jobcenter=jobcenter, body=dict(body))
    for inbox in sorted(set(inboxes)):
        outbox.put(
            topic=DELIVER,
            key=f"{activity.pk}:{inbox}",
            payload={"activity": activity.pk, "inbox": inbox},
        )


def signed_headers(
    jobcenter: Jobcenter, method: str, url: str, body: bytes | None
) -> dict[str, str]:
    headers = {"host": remote.host_of(url), "date": signatures.http_date(timezone.now())}
    if body is not None:
        headers["digest"] = signatures.digest(body)
    signature = signatures.sign(
        private_pem=actor_key(jobcenter).private_pem,
        key_id=key_id(jobcenter),
        method=method,
        path=remote.path_of(url),
        headers=headers,
    )
    out = {"Date": headers["date"], "Signature": signature, "Accept": remote.ACCEPT}
    if body is not None:
        out["Digest"] = headers["digest"]
        out["Content-Type"] = remote.ACTIVITY_JSON
    return out


class RetryLaterError(Exception):
    """The remote inbox failed in a way worth another try (outbox backoff)."""


def deliver(payload: Mapping[str, Any]) -> None:
    """Outbox handler: POST one activity to one inbox, signed. 4xx (but 429) is final."""
    activity = (
        OutgoingActivity.objects.select_related("jobcenter").filter(pk=payload["activity"]).first()
    )
    if activity is None:
        return
    body = json.dumps(activity.body, separators=(",", ":")).encode()
    inbox = str(payload["inbox"])
    headers = signed_headers(activity.jobcenter, "POST", inbox, body)
    try:
        answer = remote.request("POST", inbox, headers=headers, body=body)
    except remote.RemoteError as exc:
        raise RetryLaterError(str(exc)) from exc
    if answer.status >= 500 or answer.status == 429:
        raise RetryLaterError(f"{inbox}: {answer.status}")
    if answer.status >= 400:
        log.warning("news: %s refused activity %s with %s", inbox, activity.pk, answer.status)


# --- Remote actors ------------------------------------------------------------------------


def _signed_get(jobcenter: Jobcenter, url: str) -> Any:
    answer = remote.request("GET", url, headers=signed_headers(jobcenter, "GET", url, None))
    if answer.status != 200:
        raise remote.RemoteError(f"{url}: {answer.status}")
    return answer.json()


def fetch_actor(jobcenter: Jobcenter, actor_id: str, *, refresh: bool = False) -> RemoteActor:
    """The remote actor's key and inboxes, from the kept copy or fetched (signed GET)."""
    kept = RemoteActor.objects.filter(actor_id=actor_id).first()
    if kept is not None and not refresh and timezone.now() - kept.fetched_at < ACTOR_MAX_AGE:
        return kept
    doc = _signed_get(jobcenter, actor_id)
    if not isinstance(doc, dict) or doc.get("id") != actor_id:
        raise remote.RemoteError("actor document does not name itself")
    key = doc.get("publicKey")
    if isinstance(key, list):
        key = key[0] if key else None
    if not isinstance(key, dict) or key.get("owner") != actor_id or not key.get("publicKeyPem"):
        raise remote.RemoteError("actor without a key of its own")
    endpoints: dict[str, Any] = doc["endpoints"] if isinstance(doc.get("endpoints"), dict) else {}
    username = str(doc.get("preferredUsername") or "")
    values = {
        "key_id": str(key.get("id", "")),
        "public_pem": str(key["publicKeyPem"]),
        "inbox": str(doc.get("inbox", "")),
        "shared_inbox": str(endpoints.get("sharedInbox", "")),
        "handle": f"{username}@{urlsplit(actor_id).netloc}" if username else actor_id,
        "fetched_at": timezone.now(),
    }
    if not str(values["inbox"]).startswith(("https://", "http://")):
        raise remote.RemoteError("actor without an inbox")
    found, _ = RemoteActor.objects.update_or_create(actor_id=actor_id, defaults=values)
    return found


# --- Receiving ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    activity: dict[str, Any]
    actor: RemoteActor


def verify_delivery(
    jobcenter: Jobcenter, *, method: str, path: str, headers: Mapping[str, str], body: bytes
) -> Delivery:
    """Checks an incoming POST (size already capped by the view): signature present and
    over ``(request-target) host date digest``, Date within the window, Digest of the
    body, the key's owner the activity's actor. Nothing is stored before all pass, except
    the actor's public key (fetched from the actor's own server)."""
    conf = settings.NEWS
    raw_signature = headers.get("signature", "")
    if not raw_signature:
        raise DeliveryRefusedError(401, "unsigned")
    try:
        parsed = signatures.parse(raw_signature)
        signatures.check_date(
            headers.get("date", ""), now=timezone.now(), window_s=int(conf["signature_window_s"])
        )
    except signatures.SignatureError as exc:
        raise DeliveryRefusedError(401, str(exc)) from None
    if headers.get("digest", "") != signatures.digest(body):
        raise DeliveryRefusedError(400, "digest does not match the body")
    try:
        activity = json.loads(body)
    except ValueError:
        raise DeliveryRefusedError(400, "not JSON") from None
    if not isinstance(activity, dict) or not all(
        isinstance(activity.get(k), str) for k in ("id", "type", "actor")
    ):
        raise DeliveryRefusedError(400, "not an activity")
    actor_id = activity["actor"]
    if parsed.key_id.split("#", 1)[0] != actor_id:
        raise DeliveryRefusedError(401, "key does not belong to the actor")
    try:
        actor = fetch_actor(jobcenter, actor_id)
    except remote.RemoteError as exc:
        raise DeliveryRefusedError(401, f"unknown actor ({exc})") from None
    for attempt in range(2):
        try:
            signatures.verify(
                parsed=parsed,
                public_pem=actor.public_pem,
                method=method,
                path=path,
                headers=dict(headers),
                required=("(request-target)", "host", "date", "digest"),
            )
            break
        except signatures.SignatureError as exc:
            if attempt:
                raise DeliveryRefusedError(401, str(exc)) from None
            try:  # the key may have been rotated: ask once more
                actor = fetch_actor(jobcenter, actor_id, refresh=True)
            except remote.RemoteError:
                raise DeliveryRefusedError(401, str(exc)) from None
    return Delivery(activity, actor)


def remember(activity_id: str) -> bool:
    """True the first time an activity id is seen (replays within the window are refused;
    older ones fail the Date check)."""
    cutoff = timezone.now() - timedelta(seconds=2 * int(news_conf()["signature_window_s"]))
    SeenActivity.objects.filter(received_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            SeenActivity.objects.create(activity_id=activity_id[:500], received_at=timezone.now())
    except IntegrityError:
        return False
    return True


def register() -> None:
    outbox.register(DELIVER, deliver)
