"""Chat transcripts to the back office, on the job centre's choice (issue 24 §3).

The job centre switches it on in the applications' settings page ("Übergabe",
``HandoffSettings.chat_transcripts``, off by default, audited). The trigger is the moment
a caseworker **closes** a conversation (status "abgeschlossen"): that is when a job centre
files a case note, and the transcript is complete. The delivery is written in the
transaction of the status change (``items.record``, same registry, idempotency key,
retries and dead letters as documents and objections). A conversation is handed off once:
reopened and closed again, it keeps its first delivery (the key is per conversation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.handoff.base import CHAT_TRANSCRIPT

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.handoff.models import HandoffSettings
    from openjobcenter.messaging.models import Conversation
    from openjobcenter.tenants.models import Jobcenter


def transcripts_on(jobcenter_id: int) -> bool:
    from openjobcenter.handoff.models import HandoffSettings

    return HandoffSettings.objects.filter(jobcenter_id=jobcenter_id, chat_transcripts=True).exists()


@transaction.atomic
def settings_save(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, chat_transcripts: bool
) -> HandoffSettings:
    from openjobcenter.handoff.models import HandoffSettings

    saved, _created = HandoffSettings.objects.update_or_create(
        jobcenter=jobcenter, defaults={"chat_transcripts": chat_transcripts}
    )
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="handoff_settings",
        object_id=saved.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=f"chat_transcripts={chat_transcripts}",
    )
    return saved


def conversation_closed(conversation: Conversation) -> int:
    """In the transaction that closed ``conversation``: its transcript's deliveries, when
    the job centre chose it (``items.backends_for`` asks). Returns how many backends."""
    from openjobcenter.handoff import items

    return items.record(
        subject=CHAT_TRANSCRIPT,
        subject_id=conversation.pk,
        jobcenter_id=conversation.jobcenter_id,
    )
