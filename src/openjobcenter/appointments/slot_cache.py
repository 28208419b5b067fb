"""Free slots as the API serves them, cached in the shared cache per type and window.

The search reads hours, absences and appointments and lays out every slot of the horizon;
the answer only changes when one of those does. Each job centre has a version token in
the shared cache (Redis in production, so every process sees the same one); every service
that changes availability calls ``slots_changed`` (in the transaction and again after
commit), which makes all cached answers of that job centre unreachable at once. A short
TTL bounds what a change made outside the services (admin, data repair) can leave stale,
and booking re-checks the slot against the database anyway (``services.appointment_book``).

Entries are computed for the start of the current minute and filtered by the real notice
period when read, so one entry serves a whole minute without ever offering a slot inside
the notice period.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from openjobcenter.appointments.models import AppointmentType
from openjobcenter.appointments.selectors import free_slots

TTL_S = 60
# A lost or expired version token only costs one miss per job centre.
VERSION_TTL_S = 24 * 3600


def _version_key(jobcenter_id: int) -> str:
    return f"appointments:slots-version:{jobcenter_id}"


def _bump(jobcenter_id: int) -> None:
    cache.set(_version_key(jobcenter_id), secrets.token_hex(8), VERSION_TTL_S)


def slots_changed(jobcenter_id: int) -> None:
    """Forget the cached free slots of a job centre (now, and once more after commit, so a
    reader between the two cannot keep the state from before the commit)."""
    _bump(jobcenter_id)
    transaction.on_commit(lambda: _bump(jobcenter_id))


def _version(jobcenter_id: int) -> str:
    version = cache.get(_version_key(jobcenter_id))
    if version is None:
        version = secrets.token_hex(8)
        # add(): two processes starting together agree on the first token.
        if not cache.add(_version_key(jobcenter_id), version, VERSION_TTL_S):
            version = cache.get(_version_key(jobcenter_id)) or version
    return str(version)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def free_slot_rows(
    *,
    appt_type: AppointmentType,
    staff_ids: list[int],
    start: datetime | None = None,
    end: datetime | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Free slots as plain JSON-ready dicts (``SlotOut``'s fields), from the cache if fresh."""
    if not staff_ids:
        return []
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    key = ":".join(
        (
            "appointments:slots",
            str(appt_type.jobcenter_id),
            _version(appt_type.jobcenter_id),
            str(appt_type.pk),
            ",".join(str(pk) for pk in sorted(staff_ids)),
            start.isoformat() if start else "",
            end.isoformat() if end else "",
            minute.isoformat(),
        )
    )
    entries: list[tuple[float, dict[str, Any]]] | None = cache.get(key)
    if entries is None:
        entries = [
            (
                slot.starts_at.timestamp(),
                {
                    "starts_at": _iso(slot.starts_at),
                    "ends_at": _iso(slot.ends_at),
                    "staff_id": slot.staff_id,
                    "office_id": slot.office_id,
                },
            )
            for slot in free_slots(
                appt_type=appt_type, staff_ids=staff_ids, now=minute, start=start, end=end
            )
        ]
        cache.set(key, entries, TTL_S)
    earliest = (now + timedelta(hours=appt_type.notice_hours)).timestamp()
    return [row for starts, row in entries if starts >= earliest]
