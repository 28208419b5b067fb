"""Linking a sent document to the proof it answers, from any path (issue 17.3, 18.4).

An upload from a request or from the application's proof list is linked when it is sent
(``document_submit``); a chat attachment afterwards, by the customer ("Wofür ist dieses
Dokument?") or by staff ("Als Nachweis zuordnen"), through ``document_link_proof``. Either
way the link is the same two fields: ``Document.request_item`` and ``Document.proof_for``.
An item made from a list's proof (``RequestItem.proof_ref``) and that proof are one
thing: a received document answering either ticks both (``proofs_on_receipt``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.http import Http404
from django.utils import timezone

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents.models import Document, DocumentState, RequestItem
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed

if TYPE_CHECKING:
    from datetime import datetime

    from django.http import HttpRequest

    from openjobcenter.documents.proof_targets import Target


class LinkStale(Exception):  # noqa: N818 - reads as the situation
    """The link cannot be made any more: ``reason`` is "target_done" (the proof has
    arrived meanwhile) or "document_linked" (the document answers something else)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _links_to(document: Document, target: Target) -> bool:
    if target.item is not None:
        return document.request_item_id == target.item.pk
    return bool(target.ref) and document.proof_for == target.ref


@transaction.atomic
def document_link_proof(*, request: HttpRequest | None, document: Document, target: Target) -> bool:
    """Link ``document`` to ``target`` (one of the same customer's targets, from
    ``proof_targets.find``). Returns False when it already was (a second tap: nothing
    happens twice); raises ``LinkStale`` when the target is done or the document answers
    something else already; then nothing changes."""
    locked = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if target.item is not None and target.item.request.customer_id != locked.customer_id:
        raise Http404  # targets come from the document's own customer (proof_targets.find)
    if _links_to(locked, target):
        return False
    if locked.request_item_id or locked.proof_for:
        raise LinkStale("document_linked")
    if locked.state in (DocumentState.DRAFT, DocumentState.REFUSED, DocumentState.FAILED):
        raise LinkStale("document_unusable")
    if not target.is_open:
        raise LinkStale("target_done")
    if target.item is not None:
        item = RequestItem.objects.select_for_update().get(pk=target.item.pk)
        if item.fulfilled_at is not None:
            raise LinkStale("target_done")
        locked.request_item = item
    if target.ref:
        locked.proof_for = target.ref[:120]
    if locked.kind == "other" and target.kind:
        locked.kind = target.kind
    locked.save(update_fields=["request_item", "proof_for", "kind"])
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="document",
        object_id=locked.pk,
        jobcenter=locked.jobcenter,
        subject=locked.customer.user,
        detail=f"linked {target.value}",
    )
    if locked.is_received:
        proofs_on_receipt(locked, timezone.now())
    # Its kind may have changed (a health document counts apart in the work queue).
    queue_changed(jobcenter_id=locked.jobcenter_id, module="documents")
    transaction.on_commit(lambda: home_changed(locked.customer.user_id))
    document.request_item_id, document.proof_for, document.kind = (
        locked.request_item_id,
        locked.proof_for,
        locked.kind,
    )
    return True


def proofs_on_receipt(document: Document, now: datetime) -> None:
    """A received document ticks what it answers: its request item, and every open item
    of the same customer that asks for the proof it is linked to. An item made from a
    list's proof passes its reference on, so the list shows the document too."""
    if document.request_item_id:
        item = RequestItem.objects.filter(pk=document.request_item_id).first()
        if item is not None and item.proof_ref and not document.proof_for:
            document.proof_for = item.proof_ref
            Document.objects.filter(pk=document.pk).update(proof_for=item.proof_ref)
        RequestItem.objects.filter(pk=document.request_item_id, fulfilled_at=None).update(
            fulfilled_at=now
        )
    if document.proof_for:
        RequestItem.objects.filter(
            proof_ref=document.proof_for,
            request__customer_id=document.customer_id,
            request__jobcenter_id=document.jobcenter_id,
            fulfilled_at=None,
        ).update(fulfilled_at=now)
    # An answered request item is no longer overdue in the staff work queue.
    queue_changed(jobcenter_id=document.jobcenter_id, module="documents")
