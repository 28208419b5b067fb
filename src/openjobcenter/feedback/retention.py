"""Retention rules of the feedback module (registered from ``apps.ready``).

* ``feedback.entries``: answers and their scrubbed comments, after 2 years (an
  assumption: long enough to compare before and after a text change).
* ``feedback.panel``: panel entries whose consent was withdrawn, 30 days after the
  withdrawal (the audit log keeps the dates). The account-deletion path
  (``retention.services_account``) deletes a panel entry at once, and a deleted
  customer profile takes it with it (``on_delete=CASCADE``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Rule, Unit, register

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


def _entries_due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.feedback.models import Feedback

    return Feedback.objects.filter(jobcenter=jobcenter, created_at__lt=cutoff)


def _entries_delete(pks: Sequence[int]) -> int:
    from openjobcenter.feedback.models import Feedback

    return int(Feedback.objects.filter(pk__in=pks).delete()[0])


def _panel_due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.feedback.models import PanelMembership

    return PanelMembership.objects.filter(jobcenter=jobcenter, withdrawn_at__lt=cutoff)


def _panel_delete(pks: Sequence[int]) -> int:
    from openjobcenter.feedback.models import PanelMembership

    return int(PanelMembership.objects.filter(pk__in=pks).delete()[0])


def register_rules() -> None:
    register(
        Rule(
            key="feedback.entries",
            label=_("Rückmeldungen „War diese Seite verständlich?“"),
            basis=_("Tag der Rückmeldung"),
            unit=Unit.DAYS,
            default=730,
            minimum=30,
            maximum=1825,
            source=_(
                "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung); die Kommentare sind "
                "bereinigt. Frist: Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_entries_due,
            delete=_entries_delete,
            order=90,
        )
    )
    register(
        Rule(
            key="feedback.panel",
            label=_("Mitmachen-Panel: widerrufene Einwilligungen"),
            basis=_("Tag des Widerrufs; beim Löschen des Kontos sofort"),
            unit=Unit.DAYS,
            default=30,
            minimum=0,
            maximum=365,
            source=_(
                "Art. 7 Abs. 3 und Art. 17 DSGVO (Widerruf, Löschung). Frist: Annahme, "
                "fachlich zu prüfen."
            ),
            assumption=True,
            due=_panel_due,
            delete=_panel_delete,
            order=91,
        )
    )
