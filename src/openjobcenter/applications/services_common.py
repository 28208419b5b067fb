"""Shared parts of the customer-side application services: the errors shown to the
person (``ApplicationError`` and its kinds), reference numbers, the audit and event
helpers, the row lock of an application (``_lock``) and the receipt e-mail with its
links. Used by ``services.py`` (start, steps, filing, answers) and ``services_submit.py``.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from openjobcenter.applications import engine
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationKind,
    EventKind,
)
from openjobcenter.core.audit import audit, build_entry
from openjobcenter.core.languages import usable_language
from openjobcenter.core.mail import send_after_commit
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User

REFERENCE_PREFIX = {
    ApplicationKind.INITIAL: "EA",
    ApplicationKind.RENEWAL: "WA",
    ApplicationKind.CHANGE_NOTICE: "VM",
}
# No 0/O, 1/I/L: read aloud on the phone without mistakes. 31^8 ≈ 8.5e11 per year and kind.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SCHEMA_ID = "https://openjobcenter.de/schemas/application/1"


def schema_id(version: int) -> str:
    """The JSON Schema a submission of a form definition of ``version`` follows
    (``GET /api/v1/schemas/application/<version>``)."""
    return SCHEMA_ID.rsplit("/", 1)[0] + f"/{version}"


MAX_ANSWER_LENGTH = 2000


class ApplicationError(Exception):
    """A request the rules refuse; ``message`` is shown to the person as it is."""

    def __init__(self, message: str, *, code: str = "invalid", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field


class StepInvalid(ApplicationError):  # noqa: N818 - reads as the situation
    """The answers of a step did not pass the checks; ``errors`` by field key."""

    def __init__(self, errors: dict[str, str], cleaned: dict[str, Any]) -> None:
        super().__init__(_("Bitte prüfen Sie Ihre Angaben."), code="invalid_step")
        self.errors = errors
        self.cleaned = cleaned


class StepConflict(ApplicationError):  # noqa: N818
    """The step was saved meanwhile from another device; nothing was overwritten.

    ``answers`` and ``version`` are the stored (newer) ones; save again with
    ``base_version=version`` to replace them knowingly."""

    def __init__(self, step_key: str, answers: dict[str, Any], version: int) -> None:
        super().__init__(
            _("Dieser Schritt wurde inzwischen auf einem anderen Gerät geändert."),
            code="conflict",
        )
        self.step_key = step_key
        self.answers = answers
        self.version = version


class ApplicationIncomplete(ApplicationError):  # noqa: N818
    def __init__(self, open_steps: list[engine.StepProgress]) -> None:
        super().__init__(
            _("Es fehlen noch Angaben. Bitte füllen Sie zuerst alle offenen Schritte aus."),
            code="incomplete",
        )
        self.open_steps = open_steps


def _audit_entry(
    request: HttpRequest | None, application: Application, action: AuditAction, detail: str
) -> AuditEntry:
    """The entry ``_audit`` writes, unsaved: for a write that takes it along
    (``core.fastsql``'s ``along``)."""
    return build_entry(
        request=request,
        action=action,
        object_type="application",
        object_id=application.pk,
        jobcenter=application.jobcenter,
        subject=application.customer.user,
        detail=detail,
    )


def _audit(
    request: HttpRequest | None, application: Application, action: AuditAction, detail: str
) -> None:
    audit(
        request=request,
        action=action,
        object_type="application",
        object_id=application.pk,
        jobcenter=application.jobcenter,
        subject=application.customer.user,
        detail=detail,
    )


def _event(
    application: Application,
    kind: EventKind,
    *,
    actor: User | None,
    message: str = "",
    data: dict[str, Any] | None = None,
    status_from: str = "",
    status_to: str = "",
) -> ApplicationEvent:
    # Every event of an application (started, filed, submitted, a status change, a
    # question or its answer) can change what the customer's home shows.
    home_changed(application.customer.user_id)
    # Filed, submitted, status changed: the staff work queue counts these too.
    queue_changed(jobcenter_id=application.jobcenter_id, module="applications")
    return ApplicationEvent.objects.create(
        application=application,
        kind=kind,
        actor=actor,
        message=message,
        data=data or {},
        status_from=status_from,
        status_to=status_to,
    )


def _event_row(
    application: Application,
    kind: EventKind,
    *,
    actor: User | None,
    data: dict[str, Any] | None = None,
    status_from: str = "",
    status_to: str = "",
) -> ApplicationEvent:
    """``_event``'s row, unsaved, for a write that takes it along (``core.fastsql``)."""
    home_changed(application.customer.user_id)
    queue_changed(jobcenter_id=application.jobcenter_id, module="applications")
    return ApplicationEvent(
        application=application,
        kind=kind,
        actor=actor,
        message="",
        data=data or {},
        status_from=status_from,
        status_to=status_to,
    )


def _actor(request: HttpRequest | None) -> User | None:
    if request is not None and request.user.is_authenticated:
        return request.user
    return None


def new_reference(kind: str) -> str:
    prefix = REFERENCE_PREFIX.get(ApplicationKind(kind), "AN")
    code = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"{prefix}-{timezone.localdate().year}-{code}"


def _lock(application: Application) -> Application:
    # of=("self",): lock the application row only. A plain FOR UPDATE would lock the
    # joined job-centre and user rows too, and all customers of a job centre would queue
    # behind each other.
    return (
        Application.objects.select_for_update(of=("self",))
        .select_related("jobcenter", "customer__user")
        .get(pk=application.pk)
    )


def customer_url(application: Application, name: str = "customer:application") -> str:
    try:
        path = reverse(name, kwargs={"jc": application.jobcenter.slug, "pk": application.pk})
    except NoReverseMatch:
        path = reverse("customer:home", kwargs={"jc": application.jobcenter.slug})
    return str(settings.SITE_URL).rstrip("/") + path


def _send_receipt_mail(application: Application, *, filed: bool) -> None:
    """In the customer's language; only reference and date, no social data."""
    send_after_commit(_receipt_message(application, filed=filed))


def _receipt_message(application: Application, *, filed: bool) -> EmailMessage:
    """The receipt e-mail ``_send_receipt_mail`` sends."""
    user = application.customer.user
    when = application.filed_at if filed else application.submitted_at
    with translation.override(usable_language(user.preferred_language)):
        local = timezone.localtime(when)
        if filed:
            subject = _("Eingangsbestätigung: Ihr Antrag %(ref)s") % {"ref": application.reference}
            intro = _(
                "Ihr Antrag ist am %(date)s um %(time)s Uhr bei uns eingegangen. Das ist Ihr "
                "Antragsdatum. Die übrigen Angaben können Sie in den nächsten Tagen ergänzen."
            )
        else:
            subject = _("Ihr Antrag %(ref)s ist abgeschickt") % {"ref": application.reference}
            intro = _(
                "Ihr vollständiger Antrag ist am %(date)s um %(time)s Uhr bei uns eingegangen."
            )
        body = "\n\n".join(
            [
                _("Guten Tag,"),
                intro % {"date": date_format(local, "d.m.Y"), "time": date_format(local, "H:i")},
                _("Aktenzeichen: %(ref)s") % {"ref": application.reference},
                _("Die Bestätigung als PDF und den Stand Ihres Antrags finden Sie hier:")
                + "\n"
                + customer_url(application, "customer:application_receipt_pdf")
                + "\n"
                + customer_url(application),
                _("Ihr %(jc)s") % {"jc": application.jobcenter.name},
            ]
        )
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
