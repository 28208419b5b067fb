"""What goes out to followers, and when: Create at publication (scheduled posts by the
periodic job), Update on a change, Delete on removal; a failing inbox is retried with
backoff through the outbox."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from openjobcenter.accounts.models import Role, User
from openjobcenter.core import outbox
from openjobcenter.core.models import OutboxItem
from openjobcenter.news import services
from openjobcenter.news.models import Follower, OutgoingActivity, Post
from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def follower(news_jc: Jobcenter) -> Follower:
    return Follower.objects.create(
        jobcenter=news_jc,
        actor_id="https://social.example/users/erika",
        inbox="https://social.example/users/erika/inbox",
        shared_inbox="https://social.example/inbox",
    )


def _data(text: str, published_at: object = None) -> services.PostInput:
    return services.PostInput(text, "", None, "", published_at or timezone.now(), None)  # type: ignore[arg-type]


def _types() -> list[str]:
    return [a.body["type"] for a in OutgoingActivity.objects.order_by("pk")]


def test_create_update_delete_reach_the_followers(
    news_jc: Jobcenter, follower: Follower, staff_a: dict[Role, User]
) -> None:
    lead = staff_a[Role.TEAM_LEAD]
    post = services.post_create(request=None, jobcenter=news_jc, author=lead, data=_data("Eins"))
    services.post_update(request=None, post=post, actor=lead, data=_data("Zwei"), drop_image=False)
    services.post_delete(request=None, post=post, actor=lead)
    assert _types() == ["Create", "Update", "Delete"]
    update = OutgoingActivity.objects.get(body__type="Update")
    assert update.body["object"]["content"] == "<p>Zwei</p>"
    inboxes = set(
        OutboxItem.objects.filter(topic="news.deliver").values_list("payload__inbox", flat=True)
    )
    assert inboxes == {"https://social.example/inbox"}


def test_scheduled_post_goes_out_when_due(
    news_jc: Jobcenter, follower: Follower, staff_a: dict[Role, User]
) -> None:
    later = timezone.now() + timedelta(hours=1)
    post = services.post_create(
        request=None, jobcenter=news_jc, author=staff_a[Role.ADMIN], data=_data("Später", later)
    )
    assert services.posts_publish_due() == 0
    assert _types() == []
    with time_machine.travel(later + timedelta(minutes=1), tick=False):
        assert services.posts_publish_due() == 1
        assert services.posts_publish_due() == 0  # once
    assert _types() == ["Create"]
    post.refresh_from_db()
    assert post.federated_at is not None


def test_unreachable_inbox_is_retried_with_backoff(
    news_jc: Jobcenter, follower: Follower, staff_a: dict[Role, User]
) -> None:
    services.post_create(
        request=None, jobcenter=news_jc, author=staff_a[Role.ADMIN], data=_data("Hallo")
    )
    item = OutboxItem.objects.get(topic="news.deliver")
    # The follower's server is down (a closed local port stands in for it).
    with override_settings(NEWS={**settings.NEWS, "host_map": {"social.example": "127.0.0.1:9"}}):
        assert outbox.deliver(item.pk) == "retrying"
    item.refresh_from_db()
    assert item.delivered_at is None
    assert item.next_attempt_at is not None and item.next_attempt_at > timezone.now()
    assert "RetryLaterError" in item.last_error
    assert Post.objects.count() == 1
