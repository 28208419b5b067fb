"""The platform's own rules: audit entries, sessions and task results."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Rule, Unit, register

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


def _audit_due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.core.models import AuditEntry

    return AuditEntry.objects.filter(jobcenter=jobcenter, at__lt=cutoff)


def _audit_delete(pks: Sequence[int]) -> int:
    from django.db import models

    from openjobcenter.core.models import AuditEntry

    # The audit log refuses deletion through the application (append-only); its retention
    # rule is the one sanctioned path, hence the base queryset's delete.
    return int(models.QuerySet.delete(AuditEntry.objects.filter(pk__in=pks))[0])


def _sessions_due(_jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from django.contrib.sessions.models import Session

    # What ``manage.py clearsessions`` deletes (expired sessions), in batches.
    return Session.objects.filter(expire_date__lt=cutoff)


def _sessions_delete(pks: Sequence[Any]) -> int:
    from django.contrib.sessions.models import Session

    return int(Session.objects.filter(pk__in=pks).delete()[0])


def _tasks_due(_jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from django_tasks_db.models import DBTaskResult

    # Finished rows only: waiting and running tasks are work, not records.
    return DBTaskResult.objects.filter(finished_at__isnull=False, finished_at__lt=cutoff)


def _tasks_delete(pks: Sequence[Any]) -> int:
    from django_tasks_db.models import DBTaskResult

    return int(DBTaskResult.objects.filter(pk__in=pks).delete()[0])


def register_rules() -> None:
    register(
        Rule(
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
            due=_audit_due,
            delete=_audit_delete,
            order=80,
        )
    )
    register(
        Rule(
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
            due=_sessions_due,
            delete=_sessions_delete,
            per_jobcenter=False,
            order=90,
        )
    )
    register(
        Rule(
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
            due=_tasks_due,
            delete=_tasks_delete,
            per_jobcenter=False,
            order=91,
        )
    )
