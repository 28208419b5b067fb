"""Audit entries of people reading their own data, written in bulk (issue 19).

Every read of personal data is audited. For reads of another person's data (staff opening
a case) the entry is written at once, in the request (``core.audit.audit``). A customer
reading *their own* data (``/api/v1/me``, their profile, their application) is audited as
well, but such reads are the most frequent requests of the platform and an ``INSERT`` with
its commit per request cost about a third of ``/api/v1/me``'s CPU (bench/http_baseline.py).
These entries are therefore appended to a Redis list (one ``RPUSH``, no database round
trip) and written into the audit table in bulk by ``flush`` (``manage.py run_scheduler``
calls it every few seconds, ``audit.flush_own_reads``).

Nothing is lost when a process dies: the list lives in Redis, not in the web process; the
flush reads a batch, writes it in one transaction and only then removes it from the list
(a flush dying between the two writes the batch again on its next run: at least once). One
flush runs at a time (a lock in the cache). Without Redis (the embedded default) and
whenever Redis cannot be reached the entry is written synchronously, as before.

Where the read is one statement of the platform's own SQL (``/api/v1/me``), the entry
needs neither: it is written along with that statement (``own_read_entry``).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from openjobcenter.core.cache import redis_client
from openjobcenter.core.models import AuditEntry

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

__all__ = ["BATCH", "buffer_entry", "flush", "own_read_entry", "pending", "uses_buffer"]

logger = logging.getLogger(__name__)

LIST_KEY = "audit:own_reads"
LOCK_KEY = "audit:own_reads:flush"
# Entries per INSERT (one transaction each); a flush drains at most MAX_BATCHES of them.
BATCH = 500
MAX_BATCHES = 200
LOCK_S = 120

# The columns an entry carries through Redis (``at`` as ISO text).
_FIELDS = (
    "jobcenter_id",
    "actor_id",
    "actor_label",
    "subject_id",
    "subject_label",
    "acting_for_id",
    "action",
    "object_type",
    "object_id",
    "detail",
    "ip_address",
    "request_id",
)


def uses_buffer() -> bool:
    """Whether own reads go through Redis (the cache is Redis) or are written at once."""
    backend = str(settings.CACHES["default"]["BACKEND"])
    return backend.endswith("RedisCache")


def _client() -> Any:
    # The cache's own client and connection pool (one per process, core/cache.py).
    return redis_client()


def _key(name: str) -> str:
    return cache.make_key(name)


def buffer_entry(entry: AuditEntry) -> bool:
    """Append an unsaved entry to the Redis list; False when it must be written now."""
    if not uses_buffer():
        return False
    if entry.at is None:
        entry.at = timezone.now()
    record = {name: getattr(entry, name) for name in _FIELDS}
    record["at"] = entry.at.isoformat()
    try:
        _client().rpush(_key(LIST_KEY), json.dumps(record, separators=(",", ":")))
    except Exception:  # Redis unreachable: the caller writes the entry synchronously
        logger.warning("audit buffer unavailable, writing synchronously", exc_info=True)
        return False
    return True


def pending() -> int:
    """Entries waiting in the list (0 without Redis)."""
    if not uses_buffer():
        return 0
    return int(_client().llen(_key(LIST_KEY)))


def _entries(raw: list[bytes]) -> list[AuditEntry]:
    records = [json.loads(item) for item in raw]
    # An account or job centre deleted since the read: the entry keeps its text labels
    # (as the table's SET NULL would have left it) instead of failing the whole batch.
    user_ids = {
        r[k] for r in records for k in ("actor_id", "subject_id", "acting_for_id") if r.get(k)
    }
    jc_ids = {r["jobcenter_id"] for r in records if r.get("jobcenter_id")}
    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

    users = set(User.objects.filter(pk__in=user_ids).values_list("pk", flat=True))
    jobcenters = set(Jobcenter.objects.filter(pk__in=jc_ids).values_list("pk", flat=True))
    out = []
    for r in records:
        at = parse_datetime(r.pop("at"))
        entry = AuditEntry(**r)
        if at is not None:
            entry.at = at
        if entry.actor_id not in users:
            entry.actor_id = None
        if entry.subject_id not in users:
            entry.subject_id = None
        if entry.acting_for_id not in users:
            entry.acting_for_id = None
        if entry.jobcenter_id not in jobcenters:
            entry.jobcenter_id = None
        out.append(entry)
    return out


def _insert(entries: list[AuditEntry]) -> None:
    """One multi-row INSERT keeping each entry's own time (``bulk_create`` would stamp
    them all with the flush's time through ``auto_now_add``)."""
    fields = [f for f in AuditEntry._meta.local_concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    params: list[Any] = []
    for entry in entries:
        params.extend(f.get_db_prep_save(getattr(entry, f.attname), connection) for f in fields)
    # Only the model's own table and column names are formatted in; values are parameters.
    sql = f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql + ", ".join([row] * len(entries)), params)


def flush(*, batch: int = BATCH, max_batches: int = MAX_BATCHES) -> int:
    """Write the buffered entries into the audit table; returns how many were written.

    A batch is removed from the list only after its transaction committed. Another flush
    running (the lock is taken) makes this one return 0.
    """
    if not uses_buffer():
        return 0
    client = _client()
    key, lock_key = _key(LIST_KEY), _key(LOCK_KEY)
    token = uuid.uuid4().hex
    if not client.set(lock_key, token, nx=True, ex=LOCK_S):
        return 0
    written = 0
    try:
        for _ in range(max_batches):
            raw = client.lrange(key, 0, batch - 1)
            if not raw:
                break
            with transaction.atomic():
                _insert(_entries(raw))
            # New entries are appended at the other end: trimming the head removes
            # exactly the batch just written.
            client.ltrim(key, len(raw), -1)
            written += len(raw)
    finally:
        if client.get(lock_key) == token.encode():
            client.delete(lock_key)
    return written


def flush_quietly() -> None:
    """The scheduler's job: flush, and log (not raise) when Redis or the database fail,
    so the scheduler's other jobs keep running; the entries wait for the next run."""
    try:
        flush()
    except Exception:
        logger.exception("audit buffer flush failed; the entries stay in the list")


def audit_own_read(
    *,
    request: HttpRequest | None,
    user: User,
    object_type: str,
    object_id: str | int = "",
    jobcenter: Jobcenter | None = None,
    detail: str = "",
) -> AuditEntry:
    """Audit ``user`` reading their own data: buffered in Redis (written in bulk by
    ``flush``), or at once without Redis. A read of another person's data must use
    ``core.audit.audit`` (synchronous) — and so is this one written at once when a
    representative reads the customer's data acting for them (the entry's
    ``acting_for``): that is another person's data, whatever page asked."""
    from openjobcenter.core import fastsql

    entry = own_read_entry(
        request=request,
        user=user,
        object_type=object_type,
        object_id=object_id,
        jobcenter=jobcenter,
        detail=detail,
    )
    if entry.acting_for_id is not None or not buffer_entry(entry):
        fastsql.insert(entry)
    return entry


def own_read_entry(
    *,
    request: HttpRequest | None,
    user: User,
    object_type: str,
    object_id: str | int = "",
    jobcenter: Jobcenter | None = None,
    detail: str = "",
) -> AuditEntry:
    """The unsaved entry of ``user`` reading their own data. For a read that is one
    statement of the platform's own SQL (``/api/v1/me``) the caller writes it *along*
    with that statement (``fastsql.select(..., along=(entry,))``: on PostgreSQL the same
    statement and round trip, committed with it; elsewhere just before): written at
    once, durable, without a round trip of its own and without the buffer."""
    from openjobcenter.core.audit import build_entry
    from openjobcenter.core.models import AuditAction

    return build_entry(
        request=request,
        action=AuditAction.READ,
        object_type=object_type,
        object_id=object_id,
        jobcenter=jobcenter,
        subject=user,
        actor=user,
        detail=detail,
    )
