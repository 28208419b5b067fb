"""Which need-to-know category each piece of a case is (``core.need_to_know``).

The categories and who may see them are decided in ``core.need_to_know``; what a
document kind or a chat topic is about is decided where they live
(``documents.kinds``, ``messaging.models.Topic.category``). This module only adapts
those answers to the case view's queries, so both always agree.
"""

from __future__ import annotations

from django.db.models import Q

from openjobcenter.core.need_to_know import Category
from openjobcenter.documents.kinds import kind_category
from openjobcenter.messaging.models import Topic
from openjobcenter.messaging.models import conversation_category as _topic_category


def document_category(kind: str) -> Category:
    return kind_category(kind)


def conversation_category(*, topic: Topic | None) -> Category:
    """A conversation's category is its topic's; a personal one (no topic) is general."""
    return _topic_category(topic)


def conversation_q(category: Category) -> Q:
    """The conversations of ``category``, as a filter (the same rule as above)."""
    if category == Category.GENERAL:
        return Q(topic__isnull=True) | Q(topic__category=Category.GENERAL.value)
    return Q(topic__category=category.value)
