"""Every write of the feedback module (DESIGN §4.1: keyword-only ``<entity>_<action>``)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core import fastsql
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.feedback import pages, scrub
from openjobcenter.feedback.models import (
    COMMENT_MAX,
    Answer,
    Audience,
    Feedback,
    PanelInvitation,
    PanelMembership,
    TextChange,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.tenants.models import Jobcenter

CONSENT_VERSION = 1


class CommentTooLongError(ValidationError):
    pass


def check_comment(text: str) -> None:
    """Refuse an oversized comment before anything is scrubbed or stored."""
    if len(text) > COMMENT_MAX:
        raise CommentTooLongError(
            _("Ihr Kommentar ist zu lang: höchstens %(max)d Zeichen, Ihrer hat %(n)d.")
            % {"max": COMMENT_MAX, "n": len(text)},
            code="too_long",
        )


def feedback_submit(
    *,
    jobcenter: Jobcenter,
    ref: pages.PageRef,
    answer: str,
    text: str,
    staff: bool,
    panel: bool = False,
    language: str = "",
) -> int:
    """Store one answer with its comment scrubbed (``scrub.scrub``); the raw text goes
    no further than this function. Returns the new row's id. ``ValidationError`` for an
    unknown page, step or answer, or an oversized comment: nothing stored."""
    check_comment(text)
    if answer not in Answer.values:
        raise ValidationError(_("Bitte wählen Sie Ja, Teilweise oder Nein."), code="answer")
    if not pages.valid(ref, staff=staff):
        raise ValidationError(_("Diese Seite kennen wir nicht."), code="page")
    # One INSERT without the ORM's per-call compiling: the widget is on every page.
    row = Feedback(
        jobcenter_id=jobcenter.pk,
        audience=Audience.STAFF if staff else Audience.CUSTOMER,
        page=ref.page,
        form_key=ref.form_key,
        step_key=ref.step_key,
        answer=answer,
        comment=scrub.scrub(text.strip()),
        panel=panel,
        language=language[:10],
    )
    fastsql.insert(row)
    return int(row.pk)


@transaction.atomic
def text_change_mark(
    *,
    request: HttpRequest | None,
    jobcenter: Jobcenter,
    user: User,
    ref: pages.PageRef,
    changed_on: date,
    description: str,
) -> TextChange:
    """Note that a page's (or step's) text changed on ``changed_on``."""
    if not pages.valid(ref, staff=pages.is_staff_page(ref.page)):
        raise ValidationError({"page": _("Diese Seite kennen wir nicht.")})
    change = TextChange.objects.create(
        jobcenter=jobcenter,
        page=ref.page,
        form_key=ref.form_key,
        step_key=ref.step_key,
        changed_on=changed_on,
        description=description,
        created_by=user,
    )
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="feedback_text_change",
        object_id=change.pk,
        jobcenter=jobcenter,
    )
    return change


@transaction.atomic
def panel_join(*, request: HttpRequest | None, customer: CustomerProfile) -> PanelMembership:
    """The customer's explicit consent (the consent text of ``CONSENT_VERSION``); joining
    again after withdrawing gives a fresh consent date. Audited with its date."""
    now = timezone.now()
    membership, _created = PanelMembership.objects.select_for_update().update_or_create(
        customer=customer,
        defaults={
            "jobcenter": customer.jobcenter,
            "consent_version": CONSENT_VERSION,
            "consented_at": now,
            "withdrawn_at": None,
        },
    )
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="feedback_panel_consent",
        object_id=membership.pk,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        detail=f"given v{CONSENT_VERSION} {now.isoformat()}",
    )
    return membership


@transaction.atomic
def panel_leave(*, request: HttpRequest | None, customer: CustomerProfile) -> bool:
    """Withdraw consent at once; True when there was a consent to withdraw."""
    now = timezone.now()
    changed = PanelMembership.objects.filter(customer=customer, withdrawn_at__isnull=True).update(
        withdrawn_at=now
    )
    if changed:
        audit(
            request=request,
            action=AuditAction.UPDATE,
            object_type="feedback_panel_consent",
            object_id=customer.pk,
            jobcenter=customer.jobcenter,
            subject=customer.user,
            detail=f"withdrawn {now.isoformat()}",
        )
    return bool(changed)


def panel_delete_for(*, customer: CustomerProfile) -> int:
    """The account-deletion path: the panel entry goes at once."""
    return int(PanelMembership.objects.filter(customer=customer).delete()[0])


@transaction.atomic
def panel_invite(
    *,
    request: HttpRequest | None,
    jobcenter: Jobcenter,
    user: User,
    page: str,
    path: str,
    message: str,
) -> PanelInvitation:
    """Invite every active panel member to try ``path``. Each is told through the
    notifications with the event's fixed text only (no social data); the message is
    shown on their "Mitmachen" page after they log in."""
    from openjobcenter.notifications.services import notify

    members = list(
        PanelMembership.objects.filter(
            jobcenter=jobcenter, withdrawn_at__isnull=True, customer__user__is_active=True
        ).select_related("customer__user")
    )
    invitation = PanelInvitation.objects.create(
        jobcenter=jobcenter,
        page=page,
        path=path,
        message=message,
        recipients=len(members),
        created_by=user,
    )
    url = reverse("customer:feedback_panel", kwargs={"jc": jobcenter.slug})
    if request is not None:
        url = request.build_absolute_uri(url)
    for member in members:
        notify(user=member.customer.user, event="feedback.panel_invitation", url=url)
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="feedback_panel_invitation",
        object_id=invitation.pk,
        jobcenter=jobcenter,
        detail=f"recipients={len(members)}",
    )
    return invitation
