"""Requests for documents (Nachforderung, § 60 SGB I) and their reminders; the mails
that only say "please look" (no social data in a mailbox)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openjobcenter.core.audit import audit
from openjobcenter.core.languages import usable_language
from openjobcenter.core.mail import send_after_commit
from openjobcenter.core.models import AuditAction
from openjobcenter.documents.kinds import KINDS
from openjobcenter.documents.models import (
    DocumentRequest,
    DocumentSettings,
    RequestItem,
)
from openjobcenter.documents.services_retention import settings_for
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.tenants.models import Jobcenter

MAX_REASON = 1000


@dataclass(frozen=True)
class RequestItemInput:
    kind: str = "other"
    free_text: str = ""
    reason: str = ""
    # The proof on another module's list it asks for again (``RequestItem.proof_ref``).
    proof_ref: str = ""


@transaction.atomic
def document_request_create(
    *,
    request: HttpRequest | None,
    jobcenter: Jobcenter,
    customer: CustomerProfile,
    items: list[RequestItemInput],
    deadline: date,
    explanation: str,
    submit_key: str = "",
) -> DocumentRequest:
    """Ask a customer for documents; the customer is told by e-mail (no social data).

    The request carries the job centre's duty-to-cooperate notice as it is worded now
    (empty: the shipped default, ``notice.py``). ``submit_key`` is the form's one-time
    key: a second tap returns the first request and sends nothing again."""
    if submit_key:
        first = DocumentRequest.objects.filter(
            jobcenter=jobcenter, customer=customer, submit_key=submit_key[:40]
        ).first()
        if first is not None:
            return first
    if customer.jobcenter_id != jobcenter.pk:
        raise ValidationError("customer belongs to another job centre")
    if not items:
        raise ValidationError({"items": _("Bitte wählen Sie mindestens eine Unterlage.")})
    if deadline < timezone.localdate():
        raise ValidationError({"deadline": _("Die Frist darf nicht in der Vergangenheit liegen.")})
    if any(item.kind not in KINDS for item in items):
        raise ValidationError({"items": _("Unbekannte Art von Unterlage.")})
    try:
        with transaction.atomic():  # a savepoint: a racing second tap loses here
            doc_request = _create_request(
                request=request,
                jobcenter=jobcenter,
                customer=customer,
                deadline=deadline,
                explanation=explanation,
                submit_key=submit_key,
            )
    except IntegrityError:
        return DocumentRequest.objects.get(jobcenter=jobcenter, submit_key=submit_key[:40])
    for position, item in enumerate(items, start=1):
        RequestItem.objects.create(
            request=doc_request,
            position=position,
            kind=item.kind,
            free_text=item.free_text.strip()[:200],
            reason=item.reason.strip()[:300],
            proof_ref=item.proof_ref[:120],
        )
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="document_request",
        object_id=doc_request.pk,
        jobcenter=jobcenter,
        subject=customer.user,
    )
    _mail_customer(
        customer,
        gettext_noop("Ihr Jobcenter bittet Sie um Unterlagen"),
        gettext_noop(
            "Ihr Jobcenter bittet Sie um Unterlagen. Bitte sehen Sie in Ihrem Bereich nach, "
            "was gebraucht wird und bis wann."
        ),
        "customer:documents",
    )
    home_changed(customer.user_id)
    queue_changed(jobcenter_id=customer.jobcenter_id, module="documents")
    return doc_request


def _create_request(
    *,
    request: HttpRequest | None,
    jobcenter: Jobcenter,
    customer: CustomerProfile,
    deadline: date,
    explanation: str,
    submit_key: str,
) -> DocumentRequest:
    conf = settings_for(jobcenter)
    return DocumentRequest.objects.create(
        jobcenter=jobcenter,
        customer=customer,
        created_by=request.user if request is not None and request.user.is_authenticated else None,
        deadline=deadline,
        explanation=explanation.strip()[:MAX_REASON],
        cooperation_notice=conf.cooperation_notice.strip(),
        translations=_notice_translations(conf) if conf.cooperation_notice.strip() else {},
        submit_key=submit_key[:40],
    )


def _notice_translations(conf: DocumentSettings) -> dict[str, dict[str, str]]:
    """The settings' translations of the notice, copied onto a new request."""
    per_language = (conf.translations or {}).get("cooperation_notice") or {}
    return {"cooperation_notice": dict(per_language)} if per_language else {}


def _mail_customer(customer: CustomerProfile, subject: str, text: str, url_name: str) -> None:
    """A mail that says only "please look"; the content stays behind the login."""
    user = customer.user
    with translation.override(usable_language(user.preferred_language)):
        link = settings.SITE_URL + reverse(url_name, kwargs={"jc": customer.jobcenter.slug})
        body = _("Guten Tag,\n\n%(text)s\n\n%(link)s\n\nIhr %(jc)s") % {
            "text": _(text),
            "link": link,
            "jc": customer.jobcenter.name,
        }
        send_after_commit(EmailMessage(_(subject), body, settings.DEFAULT_FROM_EMAIL, [user.email]))


REMIND_DAYS_BEFORE = 3


def document_requests_remind_due() -> int:
    """Remind customers of open requests whose deadline is near; once per request."""
    today = timezone.localdate()
    due = DocumentRequest.objects.filter(
        reminded_at=None,
        deadline__gte=today,
        deadline__lte=today + timedelta(days=REMIND_DAYS_BEFORE),
        items__fulfilled_at=None,
    ).distinct()
    sent = 0
    for doc_request in due.select_related("customer__user", "customer__jobcenter"):
        with transaction.atomic():
            # The conditional update is the guard: a second scheduler finds 0 rows.
            if not DocumentRequest.objects.filter(pk=doc_request.pk, reminded_at=None).update(
                reminded_at=timezone.now()
            ):
                continue
            _mail_customer(
                doc_request.customer,
                gettext_noop("Erinnerung: Ihr Jobcenter wartet auf Unterlagen"),
                gettext_noop(
                    "Die Frist für angeforderte Unterlagen endet bald. Bitte sehen Sie in Ihrem "
                    "Bereich nach."
                ),
                "customer:documents",
            )
            sent += 1
    return sent
