"""Customer-side reads of applications (DESIGN §4.2): only one's own, else 404."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationKind,
    ApplicationSettings,
    ApplicationStatus,
    ApplicationStep,
    EventKind,
)
from openjobcenter.tenants.models import Jobcenter

# What the customer sees of the history (staff notes, assignments and hand-offs stay inside).
CUSTOMER_EVENT_KINDS = (
    EventKind.FILED,
    EventKind.SUBMITTED,
    EventKind.STATUS_CHANGED,
    EventKind.QUESTION,
    EventKind.ANSWER,
)


def applications_of_customer(customer: CustomerProfile) -> QuerySet[Application]:
    return Application.objects.filter(customer=customer, jobcenter=customer.jobcenter).order_by(
        "-created_at", "-pk"
    )


def get_application_for_customer(
    customer: CustomerProfile, pk_or_reference: int | str
) -> Application:
    """The customer's own application by id or reference, or 404 (also for someone else's)."""
    qs = applications_of_customer(customer).select_related("jobcenter", "customer__user")
    try:
        if isinstance(pk_or_reference, int) or str(pk_or_reference).isdigit():
            return qs.get(pk=int(pk_or_reference))
        return qs.get(reference=str(pk_or_reference).upper())
    except (Application.DoesNotExist, ValueError, OverflowError):
        raise Http404 from None


def open_draft(customer: CustomerProfile, kind: str) -> Application | None:
    """The customer's unfinished application of this kind (one at a time)."""
    return (
        applications_of_customer(customer).filter(kind=kind, status=ApplicationStatus.DRAFT).first()
    )


def latest_submitted(customer: CustomerProfile) -> Application | None:
    """The newest submitted first application or renewal (source of a prefill)."""
    return (
        applications_of_customer(customer)
        .exclude(status=ApplicationStatus.DRAFT)
        .exclude(status=ApplicationStatus.WITHDRAWN)
        .filter(kind__in=(ApplicationKind.INITIAL, ApplicationKind.RENEWAL))
        .order_by("-submitted_at", "-pk")
        .first()
    )


def steps_of(application: Application) -> dict[str, ApplicationStep]:
    return {s.step_key: s for s in application.steps.all()}


def customer_events(application: Application) -> QuerySet[ApplicationEvent]:
    return application.events.filter(internal=False, kind__in=CUSTOMER_EVENT_KINDS).order_by(
        "at", "pk"
    )


def get_question_for_customer(application: Application, pk: int | str) -> ApplicationEvent:
    try:
        return application.events.get(pk=int(pk), kind=EventKind.QUESTION, internal=False)
    except (ApplicationEvent.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def settings_for(jobcenter: Jobcenter) -> ApplicationSettings:
    """The job centre's local adaptations (unsaved defaults when none are stored yet)."""
    found = ApplicationSettings.objects.filter(jobcenter=jobcenter).first()
    return found or ApplicationSettings(jobcenter=jobcenter)


def kinds_offered(jobcenter: Jobcenter) -> list[str]:
    conf = settings_for(jobcenter)
    kinds = [ApplicationKind.INITIAL.value]
    if conf.renewal_enabled:
        kinds.append(ApplicationKind.RENEWAL.value)
    if conf.change_notice_enabled:
        kinds.append(ApplicationKind.CHANGE_NOTICE.value)
    return kinds
