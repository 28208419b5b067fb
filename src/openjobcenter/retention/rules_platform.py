"""The platform's own rules: audit entries, sessions and task results."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Unit, register
from openjobcenter.retention.rules_model import model_rule


def _audit_delete(pks: Sequence[int]) -> int:
    from django.db import models

    from openjobcenter.core.models import AuditEntry

    # The audit log refuses deletion through the application (append-only); its retention
    # rule is the one sanctioned path, hence the base queryset's delete.
    return int(models.QuerySet.delete(AuditEntry.objects.filter(pk__in=pks))[0])


def register_rules() -> None:
    register(
        model_rule(
            model="core.AuditEntry",
            date_field="at",
            key="core.audit",
            label=_("Protokolleinträge (Zugriffe und Änderungen)"),
            basis=_("Zeitpunkt des Eintrags"),
            unit=Unit.YEARS,
            default=2,
            minimum=1,
            maximum=10,
            source=_(
                "Art. 5 Abs. 1 lit. e DSGVO (Speicherbegrenzung); Protokolle dienen der "
                "Datenschutzkontrolle. Frist: Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            delete=_audit_delete,
            order=80,
        )
    )
    register(
        # What ``manage.py clearsessions`` deletes (expired sessions), in batches.
        model_rule(
            model="sessions.Session",
            date_field="expire_date",
            key="core.sessions",
            label=_("Abgelaufene Anmeldungen (Sitzungen)"),
            basis=_("Ablauf der Sitzung"),
            unit=Unit.DAYS,
            default=0,
            minimum=0,
            maximum=7,
            source=_(
                "Art. 5 Abs. 1 lit. c und e DSGVO: abgelaufene Sitzungen werden nicht "
                "mehr gebraucht (wie Djangos clearsessions)."
            ),
            per_jobcenter=False,
            order=90,
        )
    )
    register(
        # Finished rows only: waiting and running tasks are work, not records.
        model_rule(
            model="django_tasks_database.DBTaskResult",
            date_field="finished_at",
            where={"finished_at__isnull": False},
            key="core.task_results",
            label=_("Ergebnisse von Hintergrundaufgaben"),
            basis=_("Ende der Aufgabe"),
            unit=Unit.DAYS,
            default=7,
            minimum=1,
            maximum=30,
            source=_(
                "Art. 5 Abs. 1 lit. e DSGVO; die Zeilen enthalten Aufgabenargumente. "
                "Erfolgreiche werden zusätzlich nach einer Stunde gelöscht "
                "(core.prune_task_results)."
            ),
            per_jobcenter=False,
            order=91,
        )
    )
