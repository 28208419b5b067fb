"""Reads of the postbox that cross a permission boundary: 404 for "missing" and "not
yours" alike (DESIGN §4.2). Lists read only the columns they show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.postbox import law
from openjobcenter.postbox.models import (
    Channel,
    ConsentChange,
    ConsentChoice,
    Notice,
    NoticeConsent,
    Objection,
)

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import Role, User
    from openjobcenter.tenants.models import Jobcenter

LIST_FIELDS = (
    "pk",
    "kind",
    "dated",
    "channel",
    "created_at",
    "notified_at",
    "retrieved_at",
    "posted_at",
    "customer_id",
    "jobcenter_id",
)


# --- Consent ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConsentState:
    electronic: bool
    changed_at: datetime | None  # None: never chosen (the default, by post)
    online_since: datetime  # (a): with the terms, from registration
    history: list[ConsentChange]


def consent_state(customer: CustomerProfile, *, history: bool = True) -> ConsentState:
    row = NoticeConsent.objects.filter(customer=customer).first()
    changes = (
        list(
            ConsentChange.objects.filter(
                customer=customer, choice=ConsentChoice.ELECTRONIC_NOTICES
            ).order_by("-at")[:20]
        )
        if history
        else []
    )
    return ConsentState(
        electronic=bool(row and row.electronic),
        changed_at=row.changed_at if row else None,
        online_since=customer.created_at,
        history=changes,
    )


def consents_electronic(customer: CustomerProfile) -> bool:
    return NoticeConsent.objects.filter(customer=customer, electronic=True).exists()


# --- Notices: the customer's --------------------------------------------------------------


def notices_for_customer(customer: CustomerProfile) -> QuerySet[Notice]:
    """What the customer sees: electronic notices, and copies of those sent by post."""
    return (
        Notice.objects.filter(customer=customer)
        .filter(Q(channel=Channel.ELECTRONIC) | Q(posted_at__isnull=False))
        .only(*LIST_FIELDS)
        .order_by("-created_at", "-pk")
    )


def get_notice_for_customer(customer: CustomerProfile, pk: int) -> Notice:
    try:
        return notices_for_customer(customer).defer(None).get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404 from None


def get_objection_for_customer(customer: CustomerProfile, pk: int) -> Objection:
    try:
        return Objection.objects.select_related("notice").get(pk=pk, customer=customer)
    except Objection.DoesNotExist:
        raise Http404 from None


# --- Notices: staff ------------------------------------------------------------------------


def get_customer_for_staff(jobcenter: Jobcenter, pk: int) -> CustomerProfile:
    try:
        return CustomerProfile.objects.select_related("user", "jobcenter").get(
            pk=pk, jobcenter=jobcenter
        )
    except CustomerProfile.DoesNotExist:
        raise Http404 from None


def notices_of_customer_for_staff(
    request: HttpRequest, customer: CustomerProfile, *, limit: int, via: str = ""
) -> list[Notice]:
    """A customer's notices for staff (newest ``limit``); the read is audited."""
    from openjobcenter.core.audit import audit
    from openjobcenter.core.models import AuditAction

    notices = list(Notice.objects.filter(customer=customer).order_by("-created_at", "-pk")[:limit])
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="notice_list",
        object_id=customer.pk,
        jobcenter=customer.jobcenter,
        subject=customer.user,
        detail=f"{via}{len(notices)} notices",
    )
    return notices


def get_notice_for_staff(jobcenter: Jobcenter, pk: int) -> Notice:
    try:
        return Notice.objects.select_related("customer__user").get(pk=pk, jobcenter=jobcenter)
    except Notice.DoesNotExist:
        raise Http404 from None


def for_post_q(jobcenter: Jobcenter, now: datetime | None = None) -> Q:
    """Waiting to be sent by post: no consent (channel post), or electronic and not
    retrieved within ten days of the message."""
    now = now or timezone.now()
    stale = now - timedelta(days=law.RETRIEVAL_WINDOW_DAYS)
    return Q(jobcenter=jobcenter, posted_at__isnull=True, retrieved_at__isnull=True) & (
        Q(channel=Channel.POST) | Q(channel=Channel.ELECTRONIC, notified_at__lt=stale)
    )


def for_post(jobcenter: Jobcenter) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(for_post_q(jobcenter))
        .select_related("customer__user")
        .order_by("created_at", "pk")
    )


# --- Dates shown beside a notice ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeDates:
    """The Bekanntgabe and the objection deadline as the postbox explains them."""

    bekanntgabe: date | None
    rule: law.RetrievalRule | None
    by_post: bool
    retrieved_on: date | None
    deadline: law.Deadline | None

    @property
    def disputed_deadline(self) -> law.Deadline | None:
        """Where arrival of the message is disputed: the deadline from the retrieval."""
        if self.by_post or self.retrieved_on is None:
            return None
        return law.objection_deadline(self.retrieved_on)


def notice_dates(notice: Notice) -> NoticeDates:
    retrieved = timezone.localdate(notice.retrieved_at) if notice.retrieved_at else None
    day: date | None
    if notice.posted_at is not None:
        posted = timezone.localdate(notice.posted_at)
        day = law.posted_bekanntgabe(posted)
        rule = law.rule_on(posted, by_post=True)
        by_post = True
    elif notice.channel == Channel.ELECTRONIC and notice.notified_at is not None:
        notified = timezone.localdate(notice.notified_at)
        day = law.bekanntgabe(notified)
        rule = law.rule_on(notified)
        by_post = False
    else:
        return NoticeDates(None, None, False, retrieved, None)
    deadline = law.objection_deadline(day) if day and notice.objectable else None
    return NoticeDates(day, rule, by_post, None if by_post else retrieved, deadline)


def notice_addressees(notice: Notice) -> list[User]:
    """Whom a notice is made known to: the customer, and everyone who holds a mandate
    for the customer's notices today (§ 13 SGB X: a representative is told; a legal
    guardian with the court's scope "Behördenangelegenheiten" is entered with it).
    The representative retrieves the notice by acting for the customer."""
    from openjobcenter.tenants.modules import is_enabled

    users = [notice.customer.user]
    if is_enabled(notice.customer.jobcenter, "mandates"):
        from openjobcenter.mandates.selectors import notice_representatives

        users += [u for u in notice_representatives(notice.customer) if u not in users]
    return users


def case_context(customer: CustomerProfile, roles: frozenset[Role]) -> dict[str, object]:
    """The case view's read-only part (casefile/): the customer's choices; a link to the
    notices for the roles that deposit them where the module is on."""
    from openjobcenter.core.access import Perm, has_perm
    from openjobcenter.notifications.services import preference_of
    from openjobcenter.tenants.modules import is_enabled

    return {
        "postbox_consent": consent_state(customer, history=False),
        "postbox_alerts": preference_of(customer.user),
        "postbox_link": has_perm(roles, Perm.POSTBOX_DEPOSIT)
        and is_enabled(customer.jobcenter, "postbox"),
    }
