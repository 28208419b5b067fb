"""Retention of the videos module (registered from ``apps.ready``), and the audit log's
names for its records.

* ``videos.day_stats``: the counts per video and day from the player's beacons (no
  personal data: how many started, reached 25/50/75 %, finished), after 2 years; the
  statistics page shows 90 days.

The videos themselves, their captions and transcripts are the job centre's publications
(no personal data); they stay until the admin deletes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Rule, Unit, register
from openjobcenter.retention.rules_model import delete_rows
from openjobcenter.videos.models import VideoDayStat

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter

AUDIT_LABELS = {
    "video": _("Erklärvideo"),
    "video_variant": _("Fassung eines Erklärvideos"),
    "video_attachment": _("Ort eines Erklärvideos"),
    "video_settings": _("Einstellungen der Erklärvideos"),
}


def _day_stats(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    return VideoDayStat.objects.filter(video__jobcenter=jobcenter, day__lt=cutoff.date())


def register_rules() -> None:
    register(
        Rule(
            key="videos.day_stats",
            label=_("Zahlen der Erklärvideos (Aufrufe und Abschlüsse pro Tag)"),
            basis=_("Tag der Aufrufe"),
            unit=Unit.DAYS,
            default=730,
            minimum=90,
            maximum=1825,
            source=_(
                "Keine personenbezogenen Daten (nur Zählungen); Frist für den Vorher-nachher-"
                "Vergleich. Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_day_stats,
            delete=delete_rows("videos.VideoDayStat"),
            order=92,
        )
    )


def register_audit_labels() -> None:
    from openjobcenter.core.models import OBJECT_TYPE_LABELS

    OBJECT_TYPE_LABELS.update(AUDIT_LABELS)
