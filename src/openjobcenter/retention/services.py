"""The job centre's retention values and the deletion run.

The run goes rule by rule and job centre by job centre, in batches: each batch is its
own short transaction (so 100,000 due rows never hold one long transaction) and adds its
count to the run's report row in that same transaction. A crash halfway leaves a report
row ``running``; the next run marks it interrupted and deletes what is still due, so
nothing is deleted twice and nothing is left behind.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core import failpoints
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.retention import registry
from openjobcenter.retention.models import DeletionReport, ReportStatus, RetentionSetting

if TYPE_CHECKING:
    from datetime import datetime

    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

log = logging.getLogger(__name__)
BATCH = 500


def value_for(rule: registry.Rule, jobcenter: Jobcenter | None) -> int:
    """The job centre's value for ``rule``, else the legal default."""
    if jobcenter is None:
        return rule.default
    if rule.load is not None:
        loaded = rule.load(jobcenter)
        if loaded is not None:
            return loaded
    found = (
        RetentionSetting.objects.filter(jobcenter=jobcenter, rule=rule.key)
        .values_list("value", flat=True)
        .first()
    )
    return rule.default if found is None else int(found)


@transaction.atomic
def retention_setting_update(
    *, request: HttpRequest | None, jobcenter: Jobcenter, actor: User, rule_key: str, value: int
) -> None:
    """Set the job centre's value for one rule; outside the rule's bounds nothing is
    stored and a ValidationError says the bounds."""
    try:
        rule = registry.get(rule_key)
    except KeyError:
        raise ValidationError(_("Diese Regel gibt es nicht.")) from None
    if not rule.per_jobcenter:
        raise ValidationError(_("Diese Regel gilt für die ganze Installation."))
    if not rule.minimum <= value <= rule.maximum:
        raise ValidationError(
            _("Erlaubt sind Werte von %(min)s bis %(max)s.")
            % {"min": rule.unit_label(rule.minimum), "max": rule.unit_label(rule.maximum)}
        )
    before = value_for(rule, jobcenter)
    if rule.store is not None:
        rule.store(jobcenter, value)
    else:
        RetentionSetting.objects.update_or_create(
            jobcenter=jobcenter, rule=rule.key, defaults={"value": value, "changed_by": actor}
        )
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="retention_setting",
        object_id=rule.key,
        jobcenter=jobcenter,
        actor=actor,
        detail=f"{before} -> {value} {rule.unit}",
    )


@dataclass
class Planned:
    rule: registry.Rule
    jobcenter: Jobcenter | None
    value: int
    cutoff: datetime
    due: int


def _targets() -> list[tuple[registry.Rule, Jobcenter | None]]:
    from openjobcenter.tenants.models import Jobcenter

    jobcenters = list(Jobcenter.objects.order_by("pk"))
    out: list[tuple[registry.Rule, Jobcenter | None]] = []
    for rule in registry.rules():
        if rule.per_jobcenter:
            out += [(rule, jc) for jc in jobcenters]
        else:
            out.append((rule, None))
    return out


def retention_plan(*, now: datetime | None = None) -> list[Planned]:
    """What a run would delete now (counts only): the dry run."""
    now = now or timezone.now()
    plan = []
    for rule, jobcenter in _targets():
        value = value_for(rule, jobcenter)
        cutoff = rule.cutoff(value, now=now)
        due = rule.due(jobcenter, cutoff).count()
        plan.append(Planned(rule, jobcenter, value, cutoff, due))
    return plan


def retention_run(*, now: datetime | None = None, batch: int = BATCH) -> list[DeletionReport]:
    """Delete everything that is due, rule by rule and job centre by job centre; one
    report row each (counts, never content)."""
    now = now or timezone.now()
    # Reports of a run that died: they stay as they were, marked, and this run goes on.
    DeletionReport.objects.filter(status=ReportStatus.RUNNING).update(
        status=ReportStatus.INTERRUPTED
    )
    run_id = secrets.token_hex(8)
    reports = []
    for rule, jobcenter in _targets():
        reports.append(_run_rule(rule, jobcenter, run_id=run_id, now=now, batch=batch))
    return reports


def _run_rule(
    rule: registry.Rule, jobcenter: Jobcenter | None, *, run_id: str, now: datetime, batch: int
) -> DeletionReport:
    value = value_for(rule, jobcenter)
    cutoff = rule.cutoff(value, now=now)
    report = DeletionReport.objects.create(
        run_id=run_id,
        jobcenter=jobcenter,
        rule=rule.key,
        value=value,
        cutoff=cutoff,
        started_at=timezone.now(),
    )
    seen: set[object] = set()
    try:
        while True:
            # Rows a rule keeps on purpose (e.g. an account that still has records)
            # stay due; skip them rather than asking again forever.
            pks = list(
                rule.due(jobcenter, cutoff)
                .exclude(pk__in=list(seen))
                .order_by("pk")
                .values_list("pk", flat=True)[:batch]
            )
            if not pks:
                break
            with transaction.atomic():
                deleted = rule.delete(pks)
                DeletionReport.objects.filter(pk=report.pk).update(deleted=F("deleted") + deleted)
            # A crash here (a batch committed, the run not finished) must resume cleanly.
            failpoints.hit("retention.batch")
            remaining = set(
                rule.due(jobcenter, cutoff).filter(pk__in=pks).values_list("pk", flat=True)
            )
            seen |= remaining
    except Exception as exc:
        log.exception("retention rule %s failed", rule.key)
        DeletionReport.objects.filter(pk=report.pk).update(
            errors=F("errors") + 1,
            error_kind=type(exc).__name__[:120],
            status=ReportStatus.FAILED,
            finished_at=timezone.now(),
        )
    else:
        DeletionReport.objects.filter(pk=report.pk).update(
            status=ReportStatus.DONE, skipped=len(seen), finished_at=timezone.now()
        )
    report.refresh_from_db()
    return report
