"""The retention rule of mandates (``retention.registry``): a mandate that ended (revoked
or expired) and co-signatures go after the period, counted from the end."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Rule, Unit, register

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


def _due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.mandates.models import Mandate

    return Mandate.objects.filter(jobcenter=jobcenter).filter(
        Q(revoked_at__lt=cutoff) | Q(revoked_at__isnull=True, valid_until__lt=cutoff.date())
    )


def delete_mandates(pks: Sequence[int]) -> int:
    from openjobcenter.mandates.models import Mandate
    from openjobcenter.retention.auditing import audit_deleted

    rows = list(Mandate.objects.filter(pk__in=pks).values_list("pk", "jobcenter_id"))
    Mandate.objects.filter(pk__in=[r[0] for r in rows]).delete()
    audit_deleted("mandate", rows, detail="retention")
    return len(rows)


def register_rules() -> None:
    register(
        Rule(
            key="mandates.ended",
            label=_("Beendete Vollmachten und Betreuungen"),
            basis=_("Ende der Vollmacht (Widerruf oder Ablauf)"),
            unit=Unit.YEARS,
            default=3,
            minimum=1,
            maximum=10,
            source=_(
                "Keine Quelle für eine eigene Frist gefunden. Die Vollmacht belegt, dass "
                "Handlungen in der Akte wirksam sind (§ 13 Abs. 1 Satz 3 SGB X; Hessisches LSG, "
                "28.02.2024, L 6 AS 8/24); wer sie so lange wie die Akte braucht, wählt bis zu "
                "zehn Jahre. Frist: Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_due,
            delete=delete_mandates,
            order=47,
        )
    )
