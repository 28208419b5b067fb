"""Reads of the news module that cross a permission boundary (tenant-scoped, 404 for
"missing" and "not yours" alike)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Min, Q
from django.http import Http404
from django.utils import timezone

from openjobcenter.news.models import InboxItem, InboxStatus, Post, PostQuerySet

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter


def visible_posts(jobcenter: Jobcenter, now: datetime | None = None) -> PostQuerySet:
    return Post.objects.filter(jobcenter=jobcenter).visible(now).select_related("jobcenter")


def next_change(jobcenter: Jobcenter, now: datetime) -> datetime | None:
    """When the set of visible posts changes next by itself: a scheduled post is published
    or a visible one expires (the start page's cached part is valid until then)."""
    found = Post.objects.filter(jobcenter=jobcenter).aggregate(
        publish=Min("published_at", filter=Q(published_at__gt=now)),
        expire=Min("expires_at", filter=Q(expires_at__gt=now)),
    )
    times = [t for t in (found["publish"], found["expire"]) if t is not None]
    return min(times) if times else None


def get_visible_post(jobcenter: Jobcenter, pk: int) -> Post:
    post = visible_posts(jobcenter).filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def staff_posts(jobcenter: Jobcenter) -> PostQuerySet:
    return Post.objects.filter(jobcenter=jobcenter).select_related("author", "jobcenter")


def get_post_for_staff(jobcenter: Jobcenter, pk: int) -> Post:
    post = staff_posts(jobcenter).filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def inbox_items(jobcenter: Jobcenter, status: str) -> list[InboxItem]:
    if status not in InboxStatus.values:
        status = InboxStatus.NEW
    return list(
        InboxItem.objects.filter(jobcenter=jobcenter, status=status).select_related("in_reply_to")[
            :100
        ]
    )


def get_inbox_item_for(jobcenter: Jobcenter, pk: int) -> InboxItem:
    item = InboxItem.objects.filter(jobcenter=jobcenter, pk=pk).select_related("jobcenter").first()
    if item is None:
        raise Http404
    return item


def now() -> datetime:
    return timezone.now()
