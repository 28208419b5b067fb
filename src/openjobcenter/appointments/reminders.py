"""Reminders 24 hours and 2 hours before an appointment.

``send_due_reminders`` is idempotent (a unique row per appointment, kind and start
time), so the scheduler may run it as often as it likes and several nodes may run it at
once. A moved appointment is reminded again for its new time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from openjobcenter.appointments import notify
from openjobcenter.appointments.models import (
    ACTIVE_STATUSES,
    Appointment,
    ReminderKind,
    ReminderSent,
)

LEADS = {ReminderKind.BEFORE_24H: timedelta(hours=24), ReminderKind.BEFORE_2H: timedelta(hours=2)}


def send_due_reminders(now: datetime | None = None) -> int:
    """Send every reminder that is due and not yet sent; returns how many went out."""
    now = now or timezone.now()
    sent = 0
    for kind, lead in LEADS.items():
        # Due: the reminder time has come and the appointment has not started yet.
        due = Appointment.objects.filter(
            status__in=ACTIVE_STATUSES, starts_at__gt=now, starts_at__lte=now + lead
        ).exclude(
            Exists(
                ReminderSent.objects.filter(
                    appointment=OuterRef("pk"), kind=kind, starts_at=OuterRef("starts_at")
                )
            )
        )
        if kind == ReminderKind.BEFORE_24H:
            # Not worth a "tomorrow" reminder when the 2-hour one is already due.
            due = due.filter(starts_at__gt=now + LEADS[ReminderKind.BEFORE_2H])
        for appointment in due.only("pk", "starts_at"):
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        appointment=appointment, kind=kind, starts_at=appointment.starts_at
                    )
                    transaction.on_commit(partial(notify.reminder, appointment.pk))
            except IntegrityError:
                continue  # another node sent it a moment ago
            sent += 1
    return sent
