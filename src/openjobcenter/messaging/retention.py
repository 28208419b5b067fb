"""The chat's retention rule (``retention.registry``): conversations with their messages
and attachments, counted from the last message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Rule, Unit, register
from openjobcenter.retention.rules_model import delete_audited

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


def _due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.messaging.models import Conversation

    return Conversation.objects.filter(jobcenter=jobcenter).filter(
        Q(last_message_at__lt=cutoff) | Q(last_message_at__isnull=True, created_at__lt=cutoff)
    )


def delete_conversations(pks: Sequence[int]) -> int:
    """Delete conversations with their messages; attachment files after the commit.
    Attachments that went into the documents module stay there (their own rule)."""
    from django.core.files.storage import default_storage

    from openjobcenter.messaging.models import Message

    names = [
        n
        for n in Message.objects.filter(conversation_id__in=pks)
        .exclude(attachment="")
        .values_list("attachment", flat=True)
        if n
    ]
    # One cascade for the whole batch (messages by conversation id), one audit INSERT.
    rows = delete_audited("messaging.Conversation", pks, kind="conversation")

    def remove_files() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(remove_files)
    return len(rows)


def register_rules() -> None:
    register(
        Rule(
            key="messaging.conversations",
            label=_("Nachrichten mit Anhängen"),
            basis=_("Letzte Nachricht des Gesprächs"),
            unit=Unit.YEARS,
            default=3,
            minimum=1,
            maximum=10,
            source=_(
                "§ 84 SGB X; was für die Entscheidung zählt, steht in der Akte (Anträge, "
                "Unterlagen). Frist: Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_due,
            delete=delete_conversations,
            order=30,
        )
    )
