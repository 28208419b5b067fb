"""Hand-off of what is not an application: accepted documents, objections, notices'
first retrieval, chat transcripts (DESIGN §7: ``handoff/`` serves every module).

``record`` runs inside the transaction of the event (a received document accepted, an
objection filed): it writes one ``ItemDelivery`` per switched-on backend that takes the
subject and an outbox row ``handoff.item``; both commit with the event or not at all. The
outbox worker runs the deliveries once; the periodic job ``handoff.items`` retries what
failed with the same backoff and lease as applications (``APPLICATIONS_HANDOFF``), and
after ``max_attempts`` tries a delivery is a dead letter for staff (``deadletter.py``).

Every try of an item carries the same idempotency key, derived from the job centre, the
subject and its id, so it is the same for every backend and every try.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from openjobcenter.core import metrics, outbox
from openjobcenter.handoff import trail
from openjobcenter.handoff.base import (
    CHAT_TRANSCRIPT,
    DOCUMENT,
    NOTICE_RETRIEVAL,
    OBJECTION,
    HandoffInput,
    HandoffResult,
)
from openjobcenter.handoff.registry import get_backend

if TYPE_CHECKING:
    from openjobcenter.handoff.models import ItemDelivery

log = logging.getLogger(__name__)

TOPIC = "handoff.item"
_NAMESPACE = uuid.UUID("6f1d0c1e-3b7a-4f55-9a39-0f2c1a5e8b21")


def idempotency_key(jobcenter_id: int, subject: str, subject_id: int) -> str:
    """Stable per item: the same for every backend and every try."""
    return str(uuid.uuid5(_NAMESPACE, f"{jobcenter_id}:{subject}:{subject_id}"))


def backends_for(jobcenter_id: int, subject: str) -> dict[str, dict[str, Any]]:
    """Backend key → configuration, for the switched-on backends that take ``subject``.
    Chat transcripts only where the job centre chose them (``handoff/chat.py``)."""
    from openjobcenter.handoff import enabled_backends
    from openjobcenter.handoff.chat import transcripts_on

    if subject == CHAT_TRANSCRIPT and not transcripts_on(jobcenter_id):
        return {}

    result = {}
    for key, config in enabled_backends(jobcenter_id).items():
        if subject not in get_backend(key).subjects:
            continue
        result[key] = config
    return result


def record(*, subject: str, subject_id: int, jobcenter_id: int) -> int:
    """In the event's transaction: the item's deliveries and its outbox row (idempotent:
    a second call creates nothing). Returns how many backends take it."""
    from openjobcenter.handoff.models import ItemDelivery

    keys = list(backends_for(jobcenter_id, subject))
    if not keys:
        return 0
    key = idempotency_key(jobcenter_id, subject, subject_id)
    ItemDelivery.objects.bulk_create(
        [
            ItemDelivery(
                jobcenter_id=jobcenter_id,
                subject=subject,
                subject_id=subject_id,
                backend=backend,
                idempotency_key=key,
            )
            for backend in keys
        ],
        ignore_conflicts=True,
    )
    outbox.put(
        topic=TOPIC,
        key=f"{subject}:{subject_id}",
        payload={"subject": subject, "subject_id": subject_id},
    )
    return len(keys)


def _deliver(payload: Mapping[str, Any]) -> None:
    run_for_item(str(payload["subject"]), int(payload["subject_id"]))


def register() -> None:
    outbox.register(TOPIC, _deliver)


def _due(now: datetime) -> Q:
    from openjobcenter.handoff.models import ItemDeliveryStatus as S

    return Q(status__in=[S.PENDING, S.RETRYING]) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def run_for_item(subject: str, subject_id: int) -> dict[str, str | None]:
    from openjobcenter.handoff.models import ItemDelivery

    ids = ItemDelivery.objects.filter(
        _due(timezone.now()), subject=subject, subject_id=subject_id
    ).values_list("pk", "backend")
    return {backend: run_item_delivery(pk) for pk, backend in list(ids)}


def retry_due(limit: int = 200) -> int:
    """Periodic: run the item deliveries whose next try is due."""
    from openjobcenter.handoff.models import ItemDelivery

    ids = list(
        ItemDelivery.objects.filter(_due(timezone.now()))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in ids if run_item_delivery(pk) is not None)


def run_item_delivery(delivery_id: int) -> str | None:
    """One try of one item delivery if it is due (claimed with a lease, as applications'
    ``run_delivery``); returns the new status, ``None`` when it was not due."""
    from openjobcenter.handoff import backoff, lease, max_attempts
    from openjobcenter.handoff.models import ItemDelivery
    from openjobcenter.handoff.models import ItemDeliveryStatus as S

    now = timezone.now()
    claimed = ItemDelivery.objects.filter(_due(now), pk=delivery_id).update(
        next_attempt_at=now + lease(), attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    delivery = ItemDelivery.objects.select_related("jobcenter").get(pk=delivery_id)
    try:
        backend = get_backend(delivery.backend)
        config = backends_for(delivery.jobcenter_id, delivery.subject).get(delivery.backend)
        if config is None:
            result = HandoffResult(ok=False, error="backend switched off", retry=False)
        else:
            item = input_for(delivery, config)
            result = (
                backend.deliver(dataclasses.replace(item, external_ref=delivery.external_ref))
                if item is not None
                else HandoffResult(ok=False, error="item no longer exists", retry=False)
            )
    except KeyError:
        result = HandoffResult(ok=False, error="backend not registered", retry=False)
    except Exception as exc:  # a broken backend must not stop the others
        log.exception("handoff %s of %s %s failed", delivery.backend, delivery.subject, delivery.pk)
        result = HandoffResult(ok=False, error=type(exc).__name__[:300])
    now = timezone.now()
    fields: dict[str, Any]
    if result.ok:
        fields = {"status": S.DELIVERED, "delivered_at": now, "next_attempt_at": None}
        fields["last_error"] = ""
    elif not result.retry or delivery.attempts >= max_attempts():
        fields = {"status": S.FAILED, "next_attempt_at": None, "last_error": result.error[:1000]}
    else:
        fields = {
            "status": S.RETRYING,
            "next_attempt_at": now + backoff(delivery.attempts),
            "last_error": result.error[:1000],
        }
    if result.external_ref:
        fields["external_ref"] = result.external_ref[:100]
    with transaction.atomic():
        ItemDelivery.objects.filter(pk=delivery.pk).update(updated_at=now, **fields)
        if fields["status"] == S.FAILED:
            from openjobcenter.home.queue_cache import queue_changed

            queue_changed(jobcenter_id=delivery.jobcenter_id, module="handoff")
        trail.record_try(
            jobcenter=delivery.jobcenter,
            subject=delivery.subject,
            subject_id=delivery.subject_id,
            backend=delivery.backend,
            phase="",
            source=trail.ITEM_SOURCE,
            delivery_id=delivery.pk,
            attempt=delivery.attempts,
            status=str(fields["status"]),
            error=result.error,
        )
    metrics.HANDOFF_ATTEMPTS.labels(delivery.backend, str(fields["status"])).inc()
    return str(fields["status"])


# --- What each subject hands over -----------------------------------------------------


def input_for(delivery: ItemDelivery, config: Mapping[str, Any]) -> HandoffInput | None:
    """The ``HandoffInput`` of one item, ``None`` when the item is gone (deleted)."""
    builder = _BUILDERS[delivery.subject]
    return builder(delivery, config)


def _base(
    delivery: ItemDelivery,
    config: Mapping[str, Any],
    *,
    reference: str,
    kind: str,
    submitted_at: datetime | None,
    data: Mapping[str, Any],
    metadata: Mapping[str, Any],
    attachments: tuple[tuple[str, Callable[[], bytes]], ...],
    staff_url: str,
) -> HandoffInput:
    return HandoffInput(
        application_id=delivery.subject_id,
        reference=reference,
        kind=kind,
        jobcenter_slug=delivery.jobcenter.slug,
        form_key="",
        form_version=0,
        submitted_at=submitted_at.isoformat() if submitted_at else "",
        submission_sha256="",
        submitted_data=data,
        idempotency_key=delivery.idempotency_key,
        staff_url=staff_url,
        config=config,
        attachments=attachments,
        subject=delivery.subject,
        metadata=metadata,
    )


def _document(delivery: ItemDelivery, config: Mapping[str, Any]) -> HandoffInput | None:
    from openjobcenter.documents.models import Document
    from openjobcenter.documents.storage import get as read_document

    doc = (
        Document.objects.filter(pk=delivery.subject_id, jobcenter_id=delivery.jobcenter_id)
        .select_related("customer", "request_item")
        .first()
    )
    if doc is None or not doc.file_key:
        return None
    request_id = doc.request_item.request_id if doc.request_item else None
    application_id = None
    if doc.proof_for.startswith("application:"):
        part = doc.proof_for.split(":")[1]
        application_id = int(part) if part.isdigit() else None
    metadata = {
        "customer_number": doc.customer.customer_number or None,
        "customer_id": doc.customer_id,
        "document_kind": doc.kind,
        "date": timezone.localdate(doc.submitted_at).isoformat() if doc.submitted_at else None,
        "request_id": request_id,
        "application_id": application_id,
        "sha256": doc.sha256,
        "pages": doc.page_count,
        "mime_type": "application/pdf",
    }
    reference = f"D-{doc.pk}"
    return _base(
        delivery,
        config,
        reference=reference,
        kind=doc.kind,
        submitted_at=doc.submitted_at,
        data={"document": {"id": doc.pk, "kind": doc.kind, "state": doc.state}},
        metadata=metadata,
        attachments=(
            (f"{doc.pk}-{doc.kind}.pdf", partial(read_document, delivery.jobcenter, doc.file_key)),
        ),
        staff_url=settings.SITE_URL
        + reverse("staff:document", kwargs={"jc": delivery.jobcenter.slug, "pk": doc.pk}),
    )


def _objection(delivery: ItemDelivery, config: Mapping[str, Any]) -> HandoffInput | None:
    from openjobcenter.postbox.models import Objection
    from openjobcenter.postbox.pdf import objection_receipt

    objection = (
        Objection.objects.filter(pk=delivery.subject_id, jobcenter_id=delivery.jobcenter_id)
        .select_related("customer__user", "notice", "jobcenter")
        .first()
    )
    if objection is None:
        return None
    notice = objection.notice
    metadata = {
        "customer_number": objection.customer.customer_number or None,
        "customer_id": objection.customer_id,
        "document_kind": "objection",
        "date": timezone.localdate(objection.submitted_at).isoformat(),
        "notice": {"id": notice.pk, "kind": notice.kind, "dated": notice.dated.isoformat()},
        "application_id": notice.application_id,
        "mime_type": "application/pdf",
    }
    return _base(
        delivery,
        config,
        reference=objection.reference,
        kind="objection",
        submitted_at=objection.submitted_at,
        data={"reasons": objection.reasons, "request": objection.request_text},
        metadata=metadata,
        attachments=(
            (f"{objection.reference}-eingang.pdf", partial(objection_receipt, objection)),
        ),
        staff_url=settings.SITE_URL
        + reverse(
            "staff:customer", kwargs={"jc": delivery.jobcenter.slug, "pk": objection.customer_id}
        ),
    )


def _notice_retrieval(delivery: ItemDelivery, config: Mapping[str, Any]) -> HandoffInput | None:
    """The customer's first retrieval of a notice: the day, and the Bekanntgabe and
    objection deadline the platform computed from the message (§ 37 Abs. 2a SGB X) and,
    where the message's arrival is disputed, from the retrieval. No file: the notice came
    from the back office."""
    from openjobcenter.postbox.models import Notice
    from openjobcenter.postbox.selectors import notice_dates

    notice = (
        Notice.objects.filter(
            pk=delivery.subject_id, jobcenter_id=delivery.jobcenter_id, retrieved_at__isnull=False
        )
        .select_related("customer")
        .first()
    )
    if notice is None or notice.retrieved_at is None:
        return None
    dates = notice_dates(notice)
    retrieved_on = timezone.localdate(notice.retrieved_at)
    disputed = dates.disputed_deadline

    def _day(value: Any) -> str | None:
        return value.isoformat() if value is not None else None

    data = {
        "notice": {
            "id": notice.pk,
            "kind": notice.kind,
            "dated": notice.dated.isoformat(),
            "sha256": notice.sha256,
            "channel": notice.channel,
        },
        "notified_at": notice.notified_at.isoformat() if notice.notified_at else None,
        "retrieved_at": notice.retrieved_at.isoformat(),
        "bekanntgabe": _day(dates.bekanntgabe),
        "bekanntgabe_rule": dates.rule.source if dates.rule else None,
        "objection_deadline": _day(dates.deadline.ends_on if dates.deadline else None),
        # § 37 Abs. 2a SGB X: where the message's arrival is disputed and not proven, the
        # day of retrieval counts.
        "bekanntgabe_if_disputed": retrieved_on.isoformat(),
        "objection_deadline_if_disputed": _day(disputed.ends_on if disputed else None),
    }
    metadata = {
        "customer_number": notice.customer.customer_number or None,
        "customer_id": notice.customer_id,
        "document_kind": "notice_retrieval",
        "date": retrieved_on.isoformat(),
        "request_id": None,
        "application_id": notice.application_id,
        "notice": data["notice"],
    }
    return _base(
        delivery,
        config,
        reference=f"B-{notice.pk}",
        kind="notice_retrieval",
        submitted_at=notice.retrieved_at,
        data=data,
        metadata=metadata,
        attachments=(),
        staff_url=settings.SITE_URL
        + reverse(
            "staff:customer", kwargs={"jc": delivery.jobcenter.slug, "pk": notice.customer_id}
        ),
    )


def _transcript(delivery: ItemDelivery, config: Mapping[str, Any]) -> HandoffInput | None:
    from openjobcenter.messaging.models import Conversation, Message

    conversation = (
        Conversation.objects.filter(pk=delivery.subject_id, jobcenter_id=delivery.jobcenter_id)
        .select_related("customer")
        .first()
    )
    if conversation is None:
        return None
    # The conversation as staff closed it (the delivery was written in that transaction):
    # a try that runs later (backlog, retry, after a reopening) sends the same messages
    # and the same date, not what was written since.
    closed_at = delivery.created_at
    messages = [
        {
            "at": m.created_at.isoformat(),
            "from_customer": m.author_id == conversation.customer.user_id,
            "body": m.body,
        }
        for m in Message.objects.filter(
            conversation=conversation, created_at__lte=closed_at
        ).order_by("created_at", "pk")
    ]
    metadata = {
        "customer_number": conversation.customer.customer_number or None,
        "customer_id": conversation.customer_id,
        "document_kind": "chat_transcript",
        "date": timezone.localdate(closed_at).isoformat(),
        "request_id": conversation.document_request_id,
        "application_id": None,
        "messages": len(messages),
    }
    return _base(
        delivery,
        config,
        reference=f"C-{conversation.pk}",
        kind="chat_transcript",
        submitted_at=None,
        data={"subject": conversation.subject, "messages": messages},
        metadata=metadata,
        attachments=(),
        staff_url=settings.SITE_URL
        + reverse(
            "staff:customer", kwargs={"jc": delivery.jobcenter.slug, "pk": conversation.customer_id}
        ),
    )


_BUILDERS: dict[str, Callable[[ItemDelivery, Mapping[str, Any]], HandoffInput | None]] = {
    DOCUMENT: _document,
    OBJECTION: _objection,
    CHAT_TRANSCRIPT: _transcript,
    NOTICE_RETRIEVAL: _notice_retrieval,
}
