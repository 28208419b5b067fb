"""The fediverse inbox is deleted by its retention rule; posts are not touched."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from openjobcenter.news.models import InboxItem, Post
from openjobcenter.retention import registry
from openjobcenter.retention.services import retention_run
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db


def _item(jc: Jobcenter, n: int) -> InboxItem:
    return InboxItem.objects.create(
        jobcenter=jc,
        kind="mention",
        activity_id=f"https://social.example/s/{n}/a",
        object_id=f"https://social.example/s/{n}",
        actor_id="https://social.example/users/erika",
        text="Meine Telefonnummer ist 0661 123456",
        received_at=timezone.now(),
    )


def test_old_inbox_items_are_deleted_and_recent_ones_kept(news_jc: Jobcenter) -> None:
    rule = registry.get("news.inbox")
    with time_machine.travel(timezone.now() - timedelta(days=rule.default + 1), tick=False):
        old = _item(news_jc, 1)
    recent = _item(news_jc, 2)
    post = Post.objects.create(jobcenter=news_jc, text="bleibt", published_at=timezone.now())
    retention_run()
    assert not InboxItem.objects.filter(pk=old.pk).exists()
    assert InboxItem.objects.filter(pk=recent.pk).exists()
    assert Post.objects.filter(pk=post.pk).exists()


def test_remote_actors_without_a_follow_are_deleted_after_their_period(
    news_jc: Jobcenter,
) -> None:
    from openjobcenter.news.models import Follower, RemoteActor

    rule = registry.get("news.remote_actors")
    assert rule.per_jobcenter is False
    old = timezone.now() - timedelta(days=rule.default + 1)

    def actor(name: str, fetched_at: datetime) -> RemoteActor:
        url = f"https://social.example/users/{name}"
        return RemoteActor.objects.create(
            actor_id=url,
            key_id=f"{url}#main-key",
            public_pem="-----BEGIN PUBLIC KEY-----",
            inbox=f"{url}/inbox",
            handle=f"{name}@social.example",
            fetched_at=fetched_at,
        )

    gone = actor("erika", old)
    follower = actor("max", old)
    Follower.objects.create(jobcenter=news_jc, actor_id=follower.actor_id, inbox=follower.inbox)
    recent = actor("lea", timezone.now())
    retention_run()
    assert not RemoteActor.objects.filter(pk=gone.pk).exists()
    assert set(RemoteActor.objects.values_list("pk", flat=True)) == {follower.pk, recent.pk}
