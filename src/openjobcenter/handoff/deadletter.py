"""Dead letters: deliveries that failed for good (``max_attempts`` tries, or a failure
another try cannot fix). Team leads and admins see them per job centre with the reason
(an HTTP status or an error class, never personal data) and start them again; every look
and every retry is audited (``views.py``, ``trail.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse

from openjobcenter.handoff import trail
from openjobcenter.handoff.trail import APPLICATION_SOURCE, ITEM_SOURCE
from openjobcenter.home.queue_cache import queue_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

LIMIT = 200


@dataclass(frozen=True)
class DeadLetter:
    source: str  # "application" (applications.HandoffDelivery) or "item" (ItemDelivery)
    pk: int
    subject: str
    reference: str
    backend: str
    attempts: int
    reason: str
    failed_at: datetime
    url: str


class NotFound(Exception):  # noqa: N818 - the view answers 404
    pass


def dead_letters(jobcenter: Jobcenter) -> list[DeadLetter]:
    """The job centre's failed deliveries, newest first."""
    from openjobcenter.applications.models import DeliveryStatus, HandoffDelivery
    from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus

    slug = jobcenter.slug
    rows: list[DeadLetter] = []
    for d in (
        HandoffDelivery.objects.filter(
            application__jobcenter=jobcenter, status=DeliveryStatus.FAILED
        )
        .select_related("application")
        .order_by("-updated_at")[:LIMIT]
    ):
        app = d.application
        rows.append(
            DeadLetter(
                source=APPLICATION_SOURCE,
                pk=d.pk,
                subject="change_notice" if app.kind == "change_notice" else "application",
                reference=f"{app.reference} ({d.phase})",
                backend=d.backend,
                attempts=d.attempts,
                reason=d.last_error[:200],
                failed_at=d.updated_at,
                url=reverse("staff:application", kwargs={"jc": slug, "pk": app.pk}),
            )
        )
    for item in ItemDelivery.objects.filter(
        jobcenter=jobcenter, status=ItemDeliveryStatus.FAILED
    ).order_by("-updated_at")[:LIMIT]:
        rows.append(
            DeadLetter(
                source=ITEM_SOURCE,
                pk=item.pk,
                subject=item.subject,
                reference=_item_reference(item.subject, item.subject_id),
                backend=item.backend,
                attempts=item.attempts,
                reason=item.last_error[:200],
                failed_at=item.updated_at,
                url=_item_url(slug, item.subject, item.subject_id),
            )
        )
    rows.sort(key=lambda r: r.failed_at, reverse=True)
    return rows[:LIMIT]


def _item_reference(subject: str, subject_id: int) -> str:
    if subject == "objection":
        from openjobcenter.postbox.models import Objection

        ref = Objection.objects.filter(pk=subject_id).values_list("reference", flat=True).first()
        return ref or f"W-{subject_id}"
    prefix = {"document": "D", "chat_transcript": "C", "notice_retrieval": "B"}.get(subject, "?")
    return f"{prefix}-{subject_id}"


def _item_url(slug: str, subject: str, subject_id: int) -> str:
    if subject == "document":
        return reverse("staff:document", kwargs={"jc": slug, "pk": subject_id})
    return ""


@transaction.atomic
def retry(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, source: str, pk: int
) -> bool:
    """ "Erneut versuchen": a dead letter of this job centre gets a fresh round of tries,
    started at once; ``False`` (nothing done) when it is no longer failed (a second click,
    a colleague was quicker). ``NotFound`` for another job centre's or an unknown one."""
    from openjobcenter.applications.models import DeliveryStatus, HandoffDelivery
    from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus

    if source == APPLICATION_SOURCE:
        app_delivery = (
            HandoffDelivery.objects.select_for_update()
            .filter(pk=pk, application__jobcenter=jobcenter)
            .first()
        )
        if app_delivery is None:
            raise NotFound
        if app_delivery.status != DeliveryStatus.FAILED:
            return False
        HandoffDelivery.objects.filter(pk=pk).update(
            status=DeliveryStatus.RETRYING, next_attempt_at=None, attempts=0, external_ref=""
        )
        backend, app_id = app_delivery.backend, app_delivery.application_id
        subject, subject_id = trail.application_subject(app_delivery.application.kind), app_id

        def start() -> None:
            from openjobcenter.handoff.tasks import run_handoffs

            run_handoffs.enqueue(application_id=app_id)

    elif source == ITEM_SOURCE:
        item = ItemDelivery.objects.select_for_update().filter(pk=pk, jobcenter=jobcenter).first()
        if item is None:
            raise NotFound
        if item.status != ItemDeliveryStatus.FAILED:
            return False
        ItemDelivery.objects.filter(pk=pk).update(
            status=ItemDeliveryStatus.RETRYING, next_attempt_at=None, attempts=0, external_ref=""
        )
        backend, subject, subject_id = item.backend, item.subject, item.subject_id
        item_id = item.pk

        def start() -> None:
            from openjobcenter.handoff.tasks import run_item

            run_item.enqueue(delivery_id=item_id)

    else:
        raise NotFound
    trail.record_retry(
        request=request,
        actor=actor,
        jobcenter=jobcenter,
        subject=subject,
        subject_id=subject_id,
        backend=backend,
        source=source,
        delivery_id=pk,
        how="dead letter retry",
    )
    queue_changed(jobcenter_id=jobcenter.pk, module="handoff")
    transaction.on_commit(start)
    return True
