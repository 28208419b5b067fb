"""Every write of the postbox (DESIGN §4.1): consent, deposit, retrieval, sent by post,
objection and a question in the chat. Audited; side effects after the commit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents import storage
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed
from openjobcenter.postbox import pdfcheck, selectors
from openjobcenter.postbox.models import (
    Channel,
    ConsentChange,
    ConsentChoice,
    Notice,
    NoticeConsent,
    NoticeKind,
    Objection,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.applications.models import Application
    from openjobcenter.messaging.models import Conversation
    from openjobcenter.postbox.models import BackOfficeToken

QUEUE_MODULE = "postbox"
STORAGE_AREA = "notices"
MAX_TEXT = 5000
# Objections per notice: enough to correct oneself, not a way to flood the back office.
MAX_OBJECTIONS = 5


class PostboxError(ValueError):
    """A refused write, with the message the person reads and the field it concerns."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- Consent ----------------------------------------------------------------------------


@transaction.atomic
def consent_set(
    *, request: HttpRequest | None, customer: CustomerProfile, electronic: bool
) -> NoticeConsent:
    """Give or withdraw consent to electronic notices (only the customer does this).

    Takes effect for the next notice: a notice records its channel when deposited."""
    now = timezone.now()
    row = NoticeConsent.objects.select_for_update().filter(customer=customer).first()
    if row is not None and row.electronic == electronic:
        return row
    if row is None:
        if not electronic:  # the default: nothing to record
            return NoticeConsent(customer=customer, electronic=False, changed_at=now)
        row = NoticeConsent.objects.create(customer=customer, electronic=True, changed_at=now)
    else:
        row.electronic, row.changed_at = electronic, now
        row.save(update_fields=["electronic", "changed_at"])
    ConsentChange.objects.create(
        customer=customer, choice=ConsentChoice.ELECTRONIC_NOTICES, given=electronic, at=now
    )
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="postbox_consent",
        object_id=customer.pk,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        actor=customer.user,
        detail="electronic notices given" if electronic else "electronic notices withdrawn",
    )
    return row


# --- Deposit ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeInput:
    kind: str
    dated: date
    data: bytes
    application: Application | None = None


def _check_input(customer: CustomerProfile, data: NoticeInput) -> pdfcheck.CheckedPdf:
    if data.kind not in NoticeKind.values:
        raise PostboxError(_("Bitte wählen Sie die Art des Schreibens."), field="kind")
    today = timezone.localdate()
    if data.dated > today:
        raise PostboxError(_("Das Datum des Schreibens liegt in der Zukunft."), field="dated")
    if data.application is not None and data.application.customer_id != customer.pk:
        raise PostboxError(_("Dieser Antrag gehört nicht zu dieser Person."), field="application")
    try:
        return pdfcheck.check_notice_pdf(data.data)
    except pdfcheck.NoticeFileError as exc:
        raise PostboxError(str(exc), field="file") from None


def notice_deposit(
    *,
    request: HttpRequest | None,
    actor: User | None,
    customer: CustomerProfile,
    data: NoticeInput,
    via: BackOfficeToken | None = None,
) -> Notice:
    """Put a notice into the customer's postbox, or mark it for post without consent.
    ``actor``: the staff member; ``None`` with ``via``, the back-office system's token.

    Refusals (not a PDF, too large, encrypted, active content, a wrong application)
    store nothing. The file is sealed like documents (AES-GCM per job centre)."""
    checked = _check_input(customer, data)
    jobcenter = customer.jobcenter
    name, key_id = storage.put(jobcenter, STORAGE_AREA, ".pdf", checked.data)
    try:
        return _deposit_row(request, actor, customer, data, checked, name, key_id, via)
    except BaseException:
        storage.delete(name)  # the row is gone with the rollback: no orphan file
        raise


@transaction.atomic
def _deposit_row(
    request: HttpRequest | None,
    actor: User | None,
    customer: CustomerProfile,
    data: NoticeInput,
    checked: pdfcheck.CheckedPdf,
    name: str,
    key_id: str,
    via: BackOfficeToken | None,
) -> Notice:
    from openjobcenter.notifications.services import notify

    now = timezone.now()
    electronic = selectors.consents_electronic(customer)
    notice = Notice.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        application=data.application,
        kind=data.kind,
        dated=data.dated,
        channel=Channel.ELECTRONIC if electronic else Channel.POST,
        file_name=name,
        key_id=key_id,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        pages=checked.pages,
        pdfa=checked.pdfa,
        created_by=actor,
        deposited_via=via,
        created_at=now,
        notified_at=now if electronic else None,
    )
    if electronic:
        url = reverse(
            "customer:postbox_notice", kwargs={"jc": customer.jobcenter.slug, "pk": notice.pk}
        )
        for user in selectors.notice_addressees(notice):
            # The outbox row is written in this transaction (DESIGN §7).
            notify(user=user, event="postbox.new_notice", url=url, ref=f"notice:{notice.pk}")
            home_changed(user.pk)
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="notice",
        object_id=notice.pk,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        actor=actor,
        detail=f"kind={notice.kind} channel={notice.channel} pdfa={notice.pdfa or '-'}"
        + (f" via=backoffice-token:{via.pk} ({via.name})" if via is not None else ""),
    )
    queue_changed(jobcenter_id=customer.jobcenter_id, module=QUEUE_MODULE)
    return notice


# --- Retrieval and post -----------------------------------------------------------------


def notice_file(notice: Notice) -> bytes:
    return storage.get(notice.jobcenter, notice.file_name)


@transaction.atomic
def notice_retrieve(
    *, request: HttpRequest | None, customer: CustomerProfile, notice: Notice
) -> bytes:
    """The customer downloads the notice: the first retrieval is recorded (it decides
    the Bekanntgabe where arrival of the message is disputed); every one is audited. A
    copy of a notice sent by post is stamped "Kopie"."""
    now = timezone.now()
    # Once sent by post, the postbox holds a copy: opening it is no retrieval.
    first = (
        Notice.objects.filter(pk=notice.pk, retrieved_at__isnull=True, posted_at__isnull=True)
        .exclude(channel=Channel.POST)
        .update(retrieved_at=now)
    )
    if first:
        notice.retrieved_at = now
        home_changed(customer.user_id)
        queue_changed(jobcenter_id=customer.jobcenter_id, module=QUEUE_MODULE)
        # The back office learns of the first retrieval (the day, and the Bekanntgabe it
        # decides where the message's arrival is disputed) through handoff/, recorded in
        # this transaction; the item's key is stable (one first retrieval per notice).
        from openjobcenter.handoff import items as handoff_items

        handoff_items.record(
            subject="notice_retrieval", subject_id=notice.pk, jobcenter_id=customer.jobcenter_id
        )
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="notice",
        object_id=notice.pk,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        actor=customer.user,
        detail="retrieved (first)" if first else "retrieved",
    )
    data = notice_file(notice)
    if notice.posted_at is not None:
        return pdfcheck.stamp_copy(data, _("KOPIE"))
    return data


@transaction.atomic
def notice_mark_posted(*, request: HttpRequest | None, actor: User, notice: Notice) -> bool:
    """Staff sent the notice by post. False when it was already posted or retrieved."""
    now = timezone.now()
    done = Notice.objects.filter(
        pk=notice.pk, posted_at__isnull=True, retrieved_at__isnull=True
    ).update(posted_at=now, posted_by=actor)
    if not done:
        return False
    notice.posted_at, notice.posted_by = now, actor
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="notice",
        object_id=notice.pk,
        jobcenter=notice.jobcenter,
        subject=notice.customer.user,
        actor=actor,
        detail="sent by post",
    )
    home_changed(notice.customer.user_id)
    queue_changed(jobcenter_id=notice.jobcenter_id, module=QUEUE_MODULE)
    return True


# --- Answers: objection and question ----------------------------------------------------


def _clean(text: str, *, field: str, required: bool) -> str:
    text = (text or "").strip()
    if required and not text:
        raise PostboxError(_("Bitte schreiben Sie, warum Sie widersprechen."), field=field)
    if len(text) > MAX_TEXT:
        raise PostboxError(
            _("Bitte fassen Sie sich kürzer (höchstens %(n)d Zeichen).") % {"n": MAX_TEXT},
            field=field,
        )
    return text


@transaction.atomic
def objection_submit(
    *,
    request: HttpRequest | None,
    customer: CustomerProfile,
    notice: Notice,
    reasons: str,
    request_text: str = "",
) -> Objection:
    """File a Widerspruch against a notice (a decision). The receipt is a PDF."""
    if notice.customer_id != customer.pk:
        raise PostboxError(_("Dieses Schreiben gibt es nicht."))
    if not notice.objectable:
        raise PostboxError(_("Gegen dieses Schreiben ist kein Widerspruch vorgesehen."))
    if Objection.objects.filter(notice=notice).count() >= MAX_OBJECTIONS:
        raise PostboxError(
            _(
                "Sie haben gegen dieses Schreiben schon mehrere Widersprüche eingelegt. "
                "Bitte schreiben Sie uns eine Nachricht, wenn Sie etwas ergänzen möchten."
            )
        )
    objection = Objection.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        notice=notice,
        reasons=_clean(reasons, field="reasons", required=True),
        request_text=_clean(request_text, field="request_text", required=False),
        submitted_at=timezone.now(),
        reference=f"W-{secrets.token_hex(4).upper()}",
    )
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="objection",
        object_id=objection.pk,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        actor=customer.user,
        detail=f"notice={notice.pk}",
    )
    queue_changed(jobcenter_id=customer.jobcenter_id, module=QUEUE_MODULE)
    # The Widerspruch and its receipt go to the back office's systems (handoff/items.py),
    # recorded in this transaction.
    from openjobcenter.handoff import items as handoff_items

    handoff_items.record(
        subject="objection", subject_id=objection.pk, jobcenter_id=customer.jobcenter_id
    )
    return objection


def notice_question(
    *, request: HttpRequest | None, customer: CustomerProfile, notice: Notice, body: str
) -> Conversation:
    """A question about a notice in the chat: one conversation per notice (in the topic
    for benefits), started through messaging's own service; later questions go into it."""
    from openjobcenter.messaging import services as messaging
    from openjobcenter.messaging.models import Conversation, Topic, TopicCategory

    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        existing = (
            Conversation.objects.filter(
                pk=locked.question_conversation_id, customer=customer
            ).first()
            if locked.question_conversation_id
            else None
        )
        if existing is not None:
            messaging.message_send(conversation=existing, author=customer.user, body=body)
            return existing
        topics = Topic.objects.filter(jobcenter=customer.jobcenter, is_active=True)
        topic = (
            topics.filter(category=TopicCategory.BENEFIT_CHAT).order_by("position").first()
            or topics.order_by("position").first()
        )
        subject = _("Frage zum Schreiben vom %(date)s (%(kind)s)") % {
            "date": notice.dated.strftime("%d.%m.%Y"),
            "kind": notice.get_kind_display(),
        }
        conversation = messaging.conversation_start(
            customer=customer,
            author=customer.user,
            data=messaging.StartRequest(subject=subject, body=body, topic=topic),
            request=request,
        )
        Notice.objects.filter(pk=notice.pk).update(question_conversation=conversation)
        notice.question_conversation = conversation
        return conversation
