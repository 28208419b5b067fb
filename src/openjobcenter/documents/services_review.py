"""Staff review of a delivered document (DESIGN §4.1): ``document_review`` marks it
checked, accepted or "new copy needed" with one conditional UPDATE on the version the
reviewer saw, so of two concurrent reviewers exactly one wins and the other gets
``ReviewConflict``; a "new copy needed" tells the customer by e-mail (without content).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents.models import (
    DELIVERED_STATES,
    Document,
    DocumentState,
)
from openjobcenter.documents.services_requests import (
    _mail_customer,
)
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed

if TYPE_CHECKING:
    from django.http import HttpRequest


OBJ = "document"
REVIEW_STATES = (DocumentState.CHECKED, DocumentState.ACCEPTED, DocumentState.NEW_COPY_NEEDED)
MAX_REASON = 1000


class ReviewConflict(Exception):  # noqa: N818 - a domain outcome, like StepConflict
    """Someone reviewed the document after the form was rendered; nothing was written.

    ``document`` is the stored (newer) review: the caller shows it, keeps the person's own
    input, and offers to save again with ``base_version=document.review_version``."""

    def __init__(self, document: Document) -> None:
        super().__init__(f"document {document.pk} was reviewed meanwhile")
        self.document = document


@transaction.atomic
def document_review(
    *,
    request: HttpRequest,
    document: Document,
    state: str,
    reason: str = "",
    base_version: int,
) -> Document:
    """Mark checked, accepted or "new copy needed" (with a reason the customer sees).

    ``base_version`` is the ``review_version`` the reviewer saw. The write is one
    conditional UPDATE on that version, so of two reviewers who saw the same version
    exactly one wins (on PostgreSQL the second UPDATE waits for the first's row lock and
    then matches nothing); the other gets ``ReviewConflict`` with the winner's decision.
    """
    if state not in REVIEW_STATES:
        raise ValidationError({"state": _("Bitte wählen Sie ein Ergebnis.")})
    if not document.is_delivered:
        raise ValidationError(_("Dieses Dokument ist noch nicht eingegangen."))
    reason = reason.strip()[:MAX_REASON]
    if state == DocumentState.NEW_COPY_NEEDED and not reason:
        raise ValidationError(
            {"reason": _("Bitte schreiben Sie, warum eine neue Kopie nötig ist.")}
        )
    reason = reason if state == DocumentState.NEW_COPY_NEEDED else ""
    now = timezone.now()
    written = Document.objects.filter(
        pk=document.pk, review_version=base_version, state__in=DELIVERED_STATES
    ).update(
        state=state,
        reason=reason,
        reviewed_by=request.user,
        reviewed_at=now,
        review_version=F("review_version") + 1,
    )
    if not written:
        current = Document.objects.select_related("reviewed_by", "customer__user").get(
            pk=document.pk
        )
        if not current.is_delivered:
            raise ValidationError(_("Dieses Dokument ist noch nicht eingegangen."))
        if (current.state, current.reason) == (state, reason):
            # The same decision is stored already (a double click, or two people who
            # agree): nothing would be overwritten, so there is nothing to warn about.
            return current
        raise ReviewConflict(current)
    document.state, document.reason = state, reason
    document.reviewed_by = request.user  # type: ignore[assignment]
    document.reviewed_at = now
    document.review_version = base_version + 1
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type=OBJ,
        object_id=document.pk,
        jobcenter=document.jobcenter,
        subject=document.customer.user,
        detail=f"state={state} version={document.review_version}",
    )
    if state == DocumentState.ACCEPTED:
        # In this transaction: the accepted document goes to the back office's systems
        # (handoff/items.py; the outbox row commits with the decision).
        from openjobcenter.handoff import items as handoff_items

        handoff_items.record(
            subject="document", subject_id=document.pk, jobcenter_id=document.jobcenter_id
        )
    if state == DocumentState.NEW_COPY_NEEDED:
        _mail_customer(
            document.customer,
            gettext_noop("Bitte senden Sie eine Unterlage noch einmal"),
            gettext_noop(
                "Ihr Jobcenter braucht eine Unterlage noch einmal. Bitte sehen Sie in Ihrem "
                "Bereich nach."
            ),
            "customer:documents",
        )
    home_changed(document.customer.user_id)
    queue_changed(jobcenter_id=document.jobcenter_id, module="documents")
    return document
