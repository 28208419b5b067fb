"""Every write of the news module (DESIGN §4.1): posts, the staff inbox, followers."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from openjobcenter.core.audit import audit
from openjobcenter.core.content_i18n import checked_translations
from openjobcenter.core.models import AuditAction
from openjobcenter.news import federation, images
from openjobcenter.news.models import (
    Follower,
    Following,
    InboxItem,
    InboxKind,
    InboxStatus,
    Post,
)
from openjobcenter.news.text import html_to_text, personal_data_kinds
from openjobcenter.tenants.jccache import bump_version

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostInput:
    text: str
    link: str
    image: images.CleanImage | None
    image_alt: str
    published_at: datetime
    expires_at: datetime | None
    # Per-language texts (core/content_i18n.py); None leaves a post's stored ones alone.
    translations: dict[str, dict[str, str]] | None = None


def _inboxes(jobcenter: Jobcenter) -> list[str]:
    return [f.shared_inbox or f.inbox for f in Follower.objects.filter(jobcenter=jobcenter)]


def _federate(post: Post) -> None:
    """Send a published post to the followers (once; a scheduled one when it is due)."""
    if post.federated_at is not None or post.published_at > timezone.now():
        return
    federation.enqueue(post.jobcenter, federation.create_activity(post), _inboxes(post.jobcenter))
    Post.objects.filter(pk=post.pk).update(federated_at=timezone.now())
    post.federated_at = timezone.now()


@transaction.atomic
def post_create(
    *, request: HttpRequest | None, jobcenter: Jobcenter, author: User, data: PostInput
) -> Post:
    """A new post; published at once or at ``published_at``. The start page's cached part
    is renewed (the job centre's version), followers get it when it is published."""
    image_name = images.store(jobcenter, data.image) if data.image else ""
    try:
        post = Post.objects.create(
            jobcenter=jobcenter,
            author=author,
            text=data.text,
            link=data.link,
            image=image_name,
            image_alt=data.image_alt if image_name else "",
            image_type=data.image.content_type if data.image else "",
            image_width=data.image.width if data.image else 0,
            image_height=data.image.height if data.image else 0,
            published_at=data.published_at,
            expires_at=data.expires_at,
            translations=checked_translations(data.translations or {}),
        )
        audit(
            request=request,
            action=AuditAction.CREATE,
            object_type="news_post",
            object_id=post.pk,
            jobcenter=jobcenter,
            actor=author,
        )
        _federate(post)
        bump_version()
    except Exception:
        images.delete(image_name)
        raise
    return post


@transaction.atomic
def post_update(
    *, request: HttpRequest | None, post: Post, actor: User, data: PostInput, drop_image: bool
) -> Post:
    """Changes a post. A new image replaces the old one (removed after the commit);
    followers that already have it get an ``Update``."""
    old_image = post.image
    new_image = images.store(post.jobcenter, data.image) if data.image else ""
    try:
        post.text = data.text
        post.link = data.link
        if new_image and data.image:
            post.image = new_image
            post.image_type = data.image.content_type
            post.image_width, post.image_height = data.image.width, data.image.height
        elif drop_image:
            post.image, post.image_type, post.image_width, post.image_height = "", "", 0, 0
        post.image_alt = data.image_alt if post.image else ""
        post.published_at = data.published_at
        post.expires_at = data.expires_at
        if data.translations is not None:
            post.translations = checked_translations(data.translations)
        post.save()
        audit(
            request=request,
            action=AuditAction.UPDATE,
            object_type="news_post",
            object_id=post.pk,
            jobcenter=post.jobcenter,
            actor=actor,
        )
        if post.federated_at is not None:
            federation.enqueue(
                post.jobcenter, federation.update_activity(post), _inboxes(post.jobcenter)
            )
        _federate(post)
        bump_version()
    except Exception:
        images.delete(new_image)
        raise
    if old_image and old_image != post.image:
        transaction.on_commit(lambda: images.delete(old_image))
    return post


@transaction.atomic
def post_delete(*, request: HttpRequest | None, post: Post, actor: User) -> None:
    """Removes a post; followers that got it are sent a Delete."""
    jobcenter = post.jobcenter
    if post.federated_at is not None:
        federation.enqueue(
            jobcenter,
            federation.delete_activity(jobcenter, federation.note_url(post)),
            _inboxes(jobcenter),
        )
    image = post.image
    pk = post.pk
    post.delete()
    audit(
        request=request,
        action=AuditAction.DELETE,
        object_type="news_post",
        object_id=pk,
        jobcenter=jobcenter,
        actor=actor,
    )
    bump_version()
    if image:
        transaction.on_commit(lambda: images.delete(image))


def posts_publish_due() -> int:
    """Periodic: scheduled posts whose time has come go out to the followers."""
    sent = 0
    due = Post.objects.select_related("jobcenter").filter(
        federated_at__isnull=True, published_at__lte=timezone.now()
    )
    for post in due[:200]:
        with transaction.atomic():
            locked = Post.objects.select_for_update().select_related("jobcenter").get(pk=post.pk)
            _federate(locked)
            sent += 1
    return sent


@transaction.atomic
def inbox_item_set_status(
    *, request: HttpRequest | None, item: InboxItem, actor: User, status: str
) -> InboxItem:
    item.status = InboxStatus(status)
    item.save(update_fields=["status"])
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="news_inbox_item",
        object_id=item.pk,
        jobcenter=item.jobcenter,
        actor=actor,
        detail=f"status={item.status}",
    )
    return item


# --- Incoming activities (the inbox view has verified the signature) ---------------------


def _object_id(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id", ""))
    return str(value or "")


def _targets(note: dict[str, Any]) -> list[str]:
    out: list[str] = []
    for key in ("to", "cc"):
        value = note.get(key)
        values: list[Any] = value if isinstance(value, list) else [value]
        out.extend(str(v) for v in values if v)
    return out


def _post_replied_to(jobcenter: Jobcenter, in_reply_to: str) -> Post | None:
    prefix = federation.site() + f"/{jobcenter.slug}/neuigkeiten/"
    if not in_reply_to.startswith(prefix):
        return None
    rest = in_reply_to[len(prefix) :].strip("/")
    return (
        Post.objects.filter(jobcenter=jobcenter, pk=int(rest)).first() if rest.isdigit() else None
    )


@transaction.atomic
def activity_receive(*, jobcenter: Jobcenter, delivery: federation.Delivery) -> str:
    """Acts on a verified delivery; returns what was done (for the log and the tests)."""
    activity, actor = delivery.activity, delivery.actor
    kind = activity["type"]
    own = federation.actor_url(jobcenter)
    if not federation.remember(activity["id"]):
        return "replay"
    if kind == "Follow" and _object_id(activity.get("object")) == own:
        Follower.objects.update_or_create(
            jobcenter=jobcenter,
            actor_id=actor.actor_id,
            defaults={
                "inbox": actor.inbox,
                "shared_inbox": actor.shared_inbox,
                "follow_id": activity["id"][:500],
            },
        )
        accept = {
            "@context": federation.AS_CONTEXT,
            "id": f"{own}#accepts/{activity['id'][-60:]}",
            "type": "Accept",
            "actor": own,
            "object": {k: activity[k] for k in ("id", "type", "actor")} | {"object": own},
        }
        federation.enqueue(jobcenter, accept, [actor.inbox])
        return "followed"
    if kind == "Undo":
        inner = activity.get("object")
        if isinstance(inner, dict) and inner.get("type") == "Follow":
            Follower.objects.filter(jobcenter=jobcenter, actor_id=actor.actor_id).delete()
            return "unfollowed"
        return "ignored"
    if kind == "Accept":
        follow_id = _object_id(activity.get("object"))
        done = Following.objects.filter(
            jobcenter=jobcenter, actor_id=actor.actor_id, follow_id=follow_id
        ).update(accepted_at=timezone.now())
        return "accepted" if done else "ignored"
    if kind == "Delete":
        target = _object_id(activity.get("object"))
        InboxItem.objects.filter(
            jobcenter=jobcenter, actor_id=actor.actor_id, object_id=target
        ).delete()
        return "deleted"
    if kind == "Create":
        return _note_receive(jobcenter, activity, actor)
    return "ignored"


def _note_receive(jobcenter: Jobcenter, activity: dict[str, Any], actor: Any) -> str:
    note = activity.get("object")
    if not isinstance(note, dict) or note.get("type") != "Note":
        return "ignored"
    if _object_id(note.get("attributedTo")) not in ("", actor.actor_id):
        return "ignored"  # a note in someone else's name
    if urlsplit(_object_id(note)).netloc != urlsplit(actor.actor_id).netloc:
        return "ignored"  # a note of another server, passed off as the actor's own
    own = federation.actor_url(jobcenter)
    reply_to = _post_replied_to(jobcenter, _object_id(note.get("inReplyTo")))
    tags: list[Any] = note["tag"] if isinstance(note.get("tag"), list) else []
    mentioned = own in _targets(note) or any(
        isinstance(t, dict) and t.get("type") == "Mention" and t.get("href") == own for t in tags
    )
    followed = Following.objects.filter(
        jobcenter=jobcenter, actor_id=actor.actor_id, accepted_at__isnull=False
    ).exists()
    if reply_to is not None:
        kind = InboxKind.REPLY
    elif mentioned:
        kind = InboxKind.MENTION
    elif followed:
        kind = InboxKind.POST
    else:
        return "ignored"
    text = html_to_text(str(note.get("content", "")))
    url = note.get("url")
    InboxItem.objects.get_or_create(
        jobcenter=jobcenter,
        object_id=_object_id(note)[:500] or activity["id"][:500],
        defaults={
            "kind": kind,
            "activity_id": activity["id"][:500],
            "actor_id": actor.actor_id,
            "actor_handle": actor.handle[:300],
            "text": text,
            "url": url[:500] if isinstance(url, str) and url.startswith("https://") else "",
            "in_reply_to": reply_to,
            "personal_data": ",".join(personal_data_kinds(text)),
            "received_at": timezone.now(),
        },
    )
    return str(kind)


@transaction.atomic
def remote_follow(*, jobcenter: Jobcenter, actor_id: str) -> Following:
    """This job centre follows a remote actor (a neighbouring job centre, an authority):
    its posts arrive in the staff inbox once it accepted."""
    actor = federation.fetch_actor(jobcenter, actor_id)
    own = federation.actor_url(jobcenter)
    follow_id = f"{own}#follows/{actor.pk}"
    following, _ = Following.objects.update_or_create(
        jobcenter=jobcenter, actor_id=actor_id, defaults={"follow_id": follow_id}
    )
    body = {
        "@context": federation.AS_CONTEXT,
        "id": follow_id,
        "type": "Follow",
        "actor": own,
        "object": actor_id,
    }
    federation.enqueue(jobcenter, body, [actor.inbox])
    audit(
        request=None,
        action=AuditAction.CREATE,
        object_type="news_following",
        object_id=following.pk,
        jobcenter=jobcenter,
        detail=actor_id[:200],
    )
    return following
