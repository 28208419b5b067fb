"""Hand-off to the job centre's systems: applications (this module), and documents,
objections and chat transcripts (``items.py``), through one registry of backends.

``record_deliveries`` runs inside the submission's transaction (``applications/outbox.py``):
it creates one ``HandoffDelivery`` per backend the job centre has switched on (the
built-in inbox always). These rows are the hand-off's outbox: they commit with the
submission or not at all, so a process that dies right after the commit loses nothing.
The worker runs them right after the summary PDF is stored; every delivery still due is
run by the periodic job ``applications.handoffs`` (see ``apps.py``). Each try of a
delivery is claimed with a conditional update that moves ``next_attempt_at`` a lease
ahead (``lease_s``), so two workers never run the same try and a try whose worker died
runs again after the lease; a failed try is retried with exponential backoff, and after
``max_attempts`` tries the delivery is marked failed and staff see it with a "retry now"
button.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from openjobcenter.core import failpoints, metrics, sealed
from openjobcenter.handoff import backends as _backends  # noqa: F401 (registers)
from openjobcenter.handoff import efile as _efile  # noqa: F401 (registers)
from openjobcenter.handoff import fitconnect as _fitconnect  # noqa: F401 (registers)
from openjobcenter.handoff import trail
from openjobcenter.handoff.base import (
    APPLICATION,
    CHANGE_NOTICE,
    SUBJECTS,
    ConfigField,
    HandoffBackend,
    HandoffInput,
    HandoffResult,
)
from openjobcenter.handoff.registry import all_backends, get_backend, register

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application, HandoffDelivery

__all__ = [
    "SUBJECTS",
    "ConfigField",
    "HandoffBackend",
    "HandoffInput",
    "HandoffResult",
    "all_backends",
    "backoff",
    "enabled_backends",
    "file_handoffs",
    "filing_data",
    "get_backend",
    "lease",
    "new_deliveries",
    "record_deliveries",
    "register",
    "retry_due",
    "run_delivery",
    "run_for_application",
    "schedule_handoffs",
]

log = logging.getLogger(__name__)


def _conf(key: str, default: Any) -> Any:
    return getattr(settings, "APPLICATIONS_HANDOFF", {}).get(key, default)


def max_attempts() -> int:
    return int(_conf("max_attempts", 8))


def lease() -> timedelta:
    """While a try runs, its delivery is not due again (protects against a second
    worker); a try still not ended after this long lost its worker and runs again."""
    return timedelta(seconds=int(_conf("lease_s", 300)))


def backoff(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed try: base · 2^(attempts-1), capped."""
    base = int(_conf("backoff_base_s", 60))
    cap = int(_conf("backoff_max_s", 6 * 3600))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def enabled_backends(jobcenter_id: int, *, version: str | None = None) -> dict[str, dict[str, Any]]:
    """Backend key → configuration, for the backends a job centre has switched on (kept
    per process under the job centres' shared version, ``configcache``; ``version``: the
    one the caller's job centre was read under, ``tenants.jccache.version_of``)."""
    from openjobcenter.handoff import configcache

    return configcache.cached(jobcenter_id, _read_enabled_backends, version=version)


def _read_enabled_backends(jobcenter_id: int) -> dict[str, dict[str, Any]]:
    from openjobcenter.applications.models import HandoffConfig

    result: dict[str, dict[str, Any]] = {b.key: {} for b in all_backends() if b.always_on}
    for cfg in HandoffConfig.objects.filter(jobcenter_id=jobcenter_id, enabled=True):
        try:
            get_backend(cfg.backend)
        except KeyError:
            log.warning("handoff backend %s configured but not registered", cfg.backend)
            continue
        result[cfg.backend] = dict(cfg.config or {})
    return result


def file_handoffs(application_id: int) -> dict[str, str | None]:
    """Hand off a filing (the ``applications.filed`` outbox row's work): create its
    deliveries and run them once (idempotent; what fails is retried by the sweeper)."""
    from openjobcenter.applications.models import Application, HandoffDelivery

    app = (
        Application.objects.filter(pk=application_id, filed_at__isnull=False)
        .only("pk", "jobcenter_id")
        .first()
    )
    if app is None:
        return {}
    with transaction.atomic():
        record_deliveries(application_id=app.pk, jobcenter_id=app.jobcenter_id, phase="filing")
    ids = HandoffDelivery.objects.filter(
        _due(timezone.now()), application_id=app.pk, phase="filing"
    ).values_list("pk", "backend")
    return {backend: run_delivery(pk) for pk, backend in list(ids)}


def schedule_handoffs(application_id: int) -> None:
    """Create the deliveries of a submitted application and start them (idempotent).

    Called after the submission committed; calling it twice creates nothing new.
    """
    from openjobcenter.applications.models import Application, ApplicationStatus
    from openjobcenter.handoff.tasks import run_handoffs

    app = (
        Application.objects.filter(pk=application_id)
        .exclude(status=ApplicationStatus.DRAFT)
        .only("pk", "jobcenter_id")
        .first()
    )
    if app is None:
        return
    with transaction.atomic():
        record_deliveries(application_id=app.pk, jobcenter_id=app.jobcenter_id)
        transaction.on_commit(lambda: run_handoffs.enqueue(application_id=app.pk))


def record_deliveries(*, application_id: int, jobcenter_id: int, phase: str = "submission") -> None:
    """Create the missing deliveries of a submitted (or, ``phase="filing"``, a filed)
    application, in the caller's transaction (idempotent: the unique (application,
    backend, phase) keeps one each)."""
    from openjobcenter.applications.models import HandoffDelivery

    existing = set(
        HandoffDelivery.objects.filter(application_id=application_id, phase=phase).values_list(
            "backend", flat=True
        )
    )
    HandoffDelivery.objects.bulk_create(
        [
            HandoffDelivery(
                application_id=application_id,
                backend=key,
                phase=phase,
                idempotency_key=secrets.token_hex(16),
            )
            for key in enabled_backends(jobcenter_id)
            if key not in existing
        ],
        ignore_conflicts=True,  # a concurrent caller created it: its row stands
    )


def new_deliveries(
    *,
    application_id: int,
    jobcenter_id: int,
    phase: str = "submission",
    version: str | None = None,
) -> list[HandoffDelivery]:
    """The deliveries ``record_deliveries`` would create, unsaved, for a caller that
    writes them with its change in one statement, each only if new
    (``core.fastsql.IfNew``: the unique (application, backend, phase) keeps one each).
    ``version``: as for ``enabled_backends`` (no database read when the copy is fresh)."""
    from openjobcenter.applications.models import HandoffDelivery

    return [
        HandoffDelivery(
            application_id=application_id,
            backend=key,
            phase=phase,
            idempotency_key=secrets.token_hex(16),
        )
        for key in enabled_backends(jobcenter_id, version=version)
    ]


def _input_for(delivery: HandoffDelivery, config: dict[str, Any]) -> HandoffInput:
    app: Application = delivery.application
    pdf_name = app.pdf_name

    def load_pdf() -> bytes | None:
        fresh = type(app).objects.filter(pk=app.pk).values_list("pdf_name", flat=True).first()
        # Sealed at rest (core/sealed.py); the backends get the plain PDF to hand on.
        return sealed.read(app.jobcenter, fresh or pdf_name)

    if delivery.backend == "mailbox":
        notify = getattr(getattr(app.jobcenter, "application_settings", None), "notify_mailbox", "")
        config = {**config, "notify_mailbox": notify}
    staff_url = settings.SITE_URL + reverse(
        "staff:application", kwargs={"jc": app.jobcenter.slug, "pk": app.pk}
    )
    if delivery.phase == "filing":
        return HandoffInput(
            application_id=app.pk,
            reference=app.reference,
            kind=app.kind,
            jobcenter_slug=app.jobcenter.slug,
            form_key=app.form_key,
            form_version=app.form_version,
            submitted_at="",
            submission_sha256="",
            submitted_data=filing_data(app),
            idempotency_key=delivery.idempotency_key,
            staff_url=settings.SITE_URL
            + reverse("staff:application_filing", kwargs={"jc": app.jobcenter.slug, "pk": app.pk}),
            config=config,
            phase="filing",
            filed_at=app.filed_at.isoformat() if app.filed_at else "",
            subject=_subject(app),
            metadata=_metadata(app),
        )
    return HandoffInput(
        attachments=_attachments(app),
        application_id=app.pk,
        reference=app.reference,
        kind=app.kind,
        jobcenter_slug=app.jobcenter.slug,
        form_key=app.form_key,
        form_version=app.form_version,
        submitted_at=app.submitted_at.isoformat() if app.submitted_at else "",
        submission_sha256=app.submission_sha256,
        submitted_data=app.submitted_data or {},
        idempotency_key=delivery.idempotency_key,
        staff_url=staff_url,
        config=config,
        load_pdf=load_pdf,
        filed_at=app.filed_at.isoformat() if app.filed_at else "",
        subject=_subject(app),
        metadata=_metadata(app),
    )


def _subject(app: Application) -> str:
    return CHANGE_NOTICE if app.kind == CHANGE_NOTICE else APPLICATION


def _metadata(app: Application) -> dict[str, Any]:
    """The metadata every subject carries (no names): customer number, kind, date."""
    when = app.submitted_at or app.filed_at or app.created_at
    return {
        "customer_number": app.customer_number or None,
        "customer_id": app.customer_id,
        "document_kind": app.kind,
        "date": timezone.localdate(when).isoformat() if when else None,
        "application_id": app.pk,
        "request_id": None,
    }


def filing_data(app: Application) -> dict[str, Any]:
    """What a filing hands over: who filed what when, and only the filing step's answers
    (the rest of a draft is the customer's until they submit it)."""
    from openjobcenter.applications import engine
    from openjobcenter.applications.models import ApplicationStep

    step = engine.get_definition(app.form_key, app.form_version).filing_step
    answers: dict[str, Any] = {}
    if step is not None:
        row = ApplicationStep.objects.filter(application=app, step_key=step.key).first()
        answers = {step.key: dict(row.answers) if row else {}}
    return {
        "form": {"key": app.form_key, "version": app.form_version},
        "kind": app.kind,
        "reference": app.reference,
        "jobcenter": app.jobcenter.slug,
        "customer_number": app.customer_number or None,
        "filed_at": app.filed_at.isoformat() if app.filed_at else None,
        "answers": answers,
    }


def _attachments(app: Application) -> tuple[tuple[str, Callable[[], bytes]], ...]:
    """The customer's processed documents of the kinds this application's proofs name,
    sent since the application was filed (the proofs that belong to it)."""
    from openjobcenter.documents.models import Document, DocumentState
    from openjobcenter.documents.storage import get as read_document

    kinds = {p["kind"] for p in (app.submitted_data or {}).get("proofs", [])}
    since = app.filed_at or app.created_at
    if not kinds:
        return ()
    documents = Document.objects.filter(
        customer_id=app.customer_id,
        jobcenter_id=app.jobcenter_id,
        kind__in=kinds,
        state__in=[DocumentState.RECEIVED, DocumentState.CHECKED, DocumentState.ACCEPTED],
        submitted_at__gte=since,
    ).exclude(file_key="")
    return tuple(
        (f"{doc.pk}-{doc.kind}.pdf", partial(read_document, app.jobcenter, doc.file_key))
        for doc in documents.order_by("submitted_at", "pk")
    )


def _due(now: datetime) -> Q:
    from openjobcenter.applications.models import DeliveryStatus

    return Q(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def run_delivery(delivery_id: int) -> str | None:
    """Run one try of one delivery if it is due; returns its new status (None: not due)."""
    from openjobcenter.applications.models import (
        ApplicationEvent,
        DeliveryStatus,
        EventKind,
        HandoffDelivery,
    )

    now = timezone.now()
    claimed = HandoffDelivery.objects.filter(_due(now), pk=delivery_id).update(
        next_attempt_at=now + lease(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    failpoints.hit("applications.handoff")
    delivery = HandoffDelivery.objects.select_related("application", "application__jobcenter").get(
        pk=delivery_id
    )
    try:
        backend = get_backend(delivery.backend)
        configs = enabled_backends(delivery.application.jobcenter_id)
        config = configs.get(delivery.backend, {})
        result = backend.deliver(
            dataclasses.replace(_input_for(delivery, config), external_ref=delivery.external_ref)
        )
    except KeyError:
        result = HandoffResult(ok=False, error="backend not registered", retry=False)
    except Exception as exc:  # a broken backend must not stop the others
        log.exception("handoff %s of application %s failed", delivery.backend, delivery.pk)
        result = HandoffResult(ok=False, error=f"{type(exc).__name__}"[:300])
    now = timezone.now()
    fields: dict[str, Any]
    if result.ok:
        fields = {
            "status": DeliveryStatus.DELIVERED,
            "delivered_at": now,
            "next_attempt_at": None,
            "last_error": "",
        }
    elif not result.retry or delivery.attempts >= max_attempts():
        fields = {
            "status": DeliveryStatus.FAILED,
            "next_attempt_at": None,
            "last_error": result.error[:1000],
        }
    else:
        fields = {
            "status": DeliveryStatus.RETRYING,
            "next_attempt_at": now + backoff(delivery.attempts),
            "last_error": result.error[:1000],
        }
    if result.external_ref:
        fields["external_ref"] = result.external_ref[:100]
    with transaction.atomic():
        HandoffDelivery.objects.filter(pk=delivery.pk).update(updated_at=now, **fields)
        if fields["status"] == DeliveryStatus.FAILED:
            from openjobcenter.home.queue_cache import queue_changed

            queue_changed(jobcenter_id=delivery.application.jobcenter_id, module="handoff")
        app = delivery.application
        trail.record_try(
            jobcenter=app.jobcenter,
            subject=trail.application_subject(app.kind),
            subject_id=app.pk,
            backend=delivery.backend,
            phase=delivery.phase,
            source=trail.APPLICATION_SOURCE,
            delivery_id=delivery.pk,
            attempt=delivery.attempts,
            status=str(fields["status"]),
            error=result.error,
        )
        if fields["status"] in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
            ApplicationEvent.objects.create(
                application_id=delivery.application_id,
                kind=EventKind.HANDOFF,
                internal=True,
                data={
                    "backend": delivery.backend,
                    "phase": delivery.phase,
                    "status": str(fields["status"]),
                    "attempts": delivery.attempts,
                    "detail": result.detail[:200] if result.ok else result.error[:200],
                },
            )
    _count_try(delivery, str(fields["status"]), now)
    return str(fields["status"])


def _count_try(delivery: Any, status: str, now: datetime) -> None:
    """Metrics of one try: its outcome, and the lag from the filing or the submission (the
    phase's start) once delivered."""
    metrics.HANDOFF_ATTEMPTS.labels(delivery.backend, status).inc()
    app = delivery.application
    since = app.filed_at if delivery.phase == "filing" else app.submitted_at
    if status == "delivered" and since is not None:
        lag = max(0.0, (now - since).total_seconds())
        metrics.HANDOFF_LAG.labels(delivery.backend).observe(lag)


def run_for_application(application_id: int) -> dict[str, str | None]:
    """Run every due delivery of one application (the task after submission)."""
    from openjobcenter.applications.models import HandoffDelivery

    now = timezone.now()
    ids = HandoffDelivery.objects.filter(_due(now), application_id=application_id).values_list(
        "pk", "backend"
    )
    return {backend: run_delivery(pk) for pk, backend in list(ids)}


def retry_due(limit: int = 200) -> int:
    """Periodic: run the deliveries whose next try is due. Returns how many ran."""
    from openjobcenter.applications.models import HandoffDelivery

    now = timezone.now()
    ids = list(
        HandoffDelivery.objects.filter(_due(now))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if run_delivery(pk) is not None)
