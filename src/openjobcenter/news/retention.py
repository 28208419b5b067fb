"""The news module's retention rule (``retention.registry``): the fediverse inbox, which
holds what strangers wrote (often with personal data)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Rule, Unit, register

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


def _due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.news.models import InboxItem

    return InboxItem.objects.filter(jobcenter=jobcenter, received_at__lt=cutoff)


def _delete(pks: Sequence[int]) -> int:
    from openjobcenter.news.models import InboxItem

    return int(InboxItem.objects.filter(pk__in=pks).delete()[0])


def register_rules() -> None:
    register(
        Rule(
            key="news.inbox",
            label=_("Antworten und Erwähnungen aus dem Fediverse"),
            basis=_("Eingang der Antwort"),
            unit=Unit.DAYS,
            default=90,
            minimum=7,
            maximum=730,
            source=_(
                "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung); die Einträge dienen nur der "
                "Moderation. Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_due,
            delete=_delete,
            order=90,
        )
    )
