"""Deleting a customer's account on request (Art. 17 DSGVO).

What can go at once goes at once: application drafts, uploads never submitted, push
subscriptions and notifications not yet sent, the login (the account is closed, every
session with it ends). What the job centre must keep (submitted applications with their
documents, messages, appointments, the audit log) stays until its own retention rule
deletes it; then the daily run deletes the account itself (``rules_accounts``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.retention.models import AccountDeletionRequest
from openjobcenter.retention.rules_accounts import kept_counts

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User

# The work queue's version key for deletion requests (retention/queue.py).
QUEUE_MODULE = "retention"


@transaction.atomic
def account_deletion_request(
    *, request: HttpRequest | None, profile: CustomerProfile, password: str
) -> AccountDeletionRequest:
    """Check the password, delete what can go now, close the account and record the
    request (counts only). A wrong password: ValidationError, nothing changed."""
    from openjobcenter.applications.models import Application, ApplicationStatus
    from openjobcenter.applications.retention import delete_applications
    from openjobcenter.documents.models import Document, DocumentState
    from openjobcenter.documents.retention import delete_documents
    from openjobcenter.feedback.services import panel_delete_for
    from openjobcenter.notifications.models import PendingNotification, PushSubscription

    user = profile.user
    if not user.has_usable_password() or not user.check_password(password):
        raise ValidationError(_("Das Passwort stimmt nicht."), code="password")
    if AccountDeletionRequest.objects.filter(user=user).exists():
        raise ValidationError(_("Die Löschung ist bereits beantragt."), code="twice")
    drafts = Application.objects.filter(customer=profile, status=ApplicationStatus.DRAFT)
    uploads = Document.objects.filter(
        customer=profile, state__in=(DocumentState.DRAFT, DocumentState.REFUSED)
    )
    deleted_now = {
        "application_drafts": delete_applications(list(drafts.values_list("pk", flat=True))),
        "uploads": delete_documents(list(uploads.values_list("pk", flat=True)), detail="account"),
        "push_subscriptions": PushSubscription.objects.filter(user=user).delete()[0],
        "notifications": PendingNotification.objects.filter(
            user=user, sent_at__isnull=True
        ).delete()[0],
        "feedback_panel": panel_delete_for(customer=profile),
    }
    user.is_active = False
    user.save(update_fields=["is_active"])
    created = AccountDeletionRequest.objects.create(
        user=user,
        jobcenter=profile.jobcenter,
        customer=profile,
        deleted_now={k: v for k, v in deleted_now.items() if v},
        kept=kept_counts(profile),
    )
    audit(
        request=request,
        action=AuditAction.DELETE,
        object_type="account_deletion_request",
        object_id=created.pk,
        jobcenter=profile.jobcenter,
        subject=user,
        actor=user,
    )
    # Staff must now write by post: the request waits in their work queue.
    queue_changed(jobcenter_id=profile.jobcenter_id, module=QUEUE_MODULE)
    return created


@transaction.atomic
def account_deletion_acknowledge(
    *, request: HttpRequest | None, actor: User, deletion: AccountDeletionRequest
) -> bool:
    """Staff took note that the customer is reached by post from now on. Idempotent: a
    second acknowledgement changes nothing (False)."""
    locked = AccountDeletionRequest.objects.select_for_update().get(pk=deletion.pk)
    if locked.acknowledged_at is not None:
        return False
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = actor
    locked.save(update_fields=["acknowledged_at", "acknowledged_by"])
    deletion.acknowledged_at, deletion.acknowledged_by = locked.acknowledged_at, actor
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="account_deletion_request",
        object_id=locked.pk,
        jobcenter=locked.jobcenter,
        subject=locked.user,
        actor=actor,
        detail="acknowledged",
    )
    queue_changed(jobcenter_id=locked.jobcenter_id, module=QUEUE_MODULE)
    return True
