"""Every back-office write on applications (DESIGN §4.1): assign, status, question,
local settings, hand-off configuration and "retry now".

Keyword-only, atomic, audited in the same transaction; e-mails to the customer leave
after commit and carry no social data (only that something changed, and a link).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjobcenter import handoff
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationSettings,
    ApplicationStatus,
    DeliveryStatus,
    EventKind,
    HandoffConfig,
    HandoffDelivery,
)
from openjobcenter.applications.selectors_staff import processing_staff
from openjobcenter.core.audit import audit
from openjobcenter.core.content_i18n import checked_translations
from openjobcenter.core.languages import usable_language
from openjobcenter.core.mail import send_after_commit
from openjobcenter.core.models import AuditAction
from openjobcenter.home.queue_cache import queue_changed
from openjobcenter.home.realtime import home_changed

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User
    from openjobcenter.tenants.models import Jobcenter

MAX_MESSAGE = 2000
# Where staff may move a submitted application (never back to a draft).
STAFF_STATUSES = tuple(s for s in ApplicationStatus if s != ApplicationStatus.DRAFT)
SETTINGS_FIELDS = (
    "introduction",
    "receipt_contact",
    "help_texts",
    "renewal_enabled",
    "change_notice_enabled",
    "notify_mailbox",
    "translations",
)


class StaffActionError(Exception):
    """A refused back-office action; ``field`` names the input at fault (or None)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _clean_message(message: str, field: str, *, required: bool) -> str:
    text = (message or "").strip()
    if required and not text:
        raise StaffActionError(_("Bitte geben Sie einen Text ein."), field)
    if len(text) > MAX_MESSAGE:
        raise StaffActionError(
            _("Bitte kürzen Sie den Text auf höchstens %(n)s Zeichen.") % {"n": MAX_MESSAGE},
            field,
        )
    if "\x00" in text:
        raise StaffActionError(_("Der Text enthält ungültige Zeichen."), field)
    return text


# --- Telling the customer (after commit, without social data) ---------------------------

# Marked here, translated when sent, in the customer's language.
NOTICE_STATUS = gettext_lazy("Der Bearbeitungsstand Ihres Antrags hat sich geändert.")
NOTICE_QUESTION = gettext_lazy("Das Jobcenter hat eine Frage zu Ihrem Antrag.")


def _customer_link(application: Application) -> str:
    jc = application.jobcenter.slug
    for name, kwargs in (
        ("customer:application", {"jc": jc, "pk": application.pk}),
        ("customer:application_status", {"jc": jc, "pk": application.pk}),
        ("customer:applications", {"jc": jc}),
        ("customer:home", {"jc": jc}),
    ):
        try:
            return settings.SITE_URL + reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    return settings.SITE_URL  # pragma: no cover - customer:home always exists


def _notify_customer(application: Application, notice: Any) -> None:
    user = application.customer.user
    with translation.override(usable_language(user.preferred_language)):
        subject = _("Neuigkeiten zu Ihrem Antrag %(ref)s") % {"ref": application.reference}
        body = _(
            "Guten Tag,\n\n%(text)s\nBitte melden Sie sich an, um mehr zu lesen:\n%(link)s\n\n"
            "Ihr %(jc)s"
        ) % {
            "text": str(notice),
            "link": _customer_link(application),
            "jc": application.jobcenter.name,
        }
    send_after_commit(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    home_changed(user.pk)


# --- Assign, status, question -------------------------------------------------------------


@transaction.atomic
def application_assign(
    *,
    request: HttpRequest | None,
    actor: User,
    application: Application,
    assignee: User | None,
) -> Application:
    """Give the application to a colleague of the same job centre (or to nobody)."""
    app = _lock(application)
    if assignee is not None and not processing_staff(app.jobcenter).filter(pk=assignee.pk).exists():
        raise StaffActionError(
            _("Diese Person kann in diesem Jobcenter keine Anträge bearbeiten."), "assignee"
        )
    if app.assignee_id == (assignee.pk if assignee else None):
        return app
    app.assignee = assignee
    app.save(update_fields=["assignee", "updated_at"])
    queue_changed(jobcenter_id=app.jobcenter_id, module="applications")
    ApplicationEvent.objects.create(
        application=app,
        actor=actor,
        kind=EventKind.ASSIGNED,
        internal=True,
        data={"assignee_id": assignee.pk if assignee else None},
    )
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="application",
        object_id=app.pk,
        jobcenter=app.jobcenter,
        subject=app.customer.user,
        actor=actor,
        detail=f"assign {assignee.pk if assignee else '-'}",
    )
    return app


@transaction.atomic
def application_change_status(
    *,
    request: HttpRequest | None,
    actor: User,
    application: Application,
    status: str,
    reason: str,
) -> Application:
    """Move a submitted application to another status; the customer sees ``reason``."""
    if status not in STAFF_STATUSES:
        raise StaffActionError(_("Diesen Status gibt es nicht."), "status")
    reason = _clean_message(reason, "reason", required=True)
    app = _lock(application)
    if app.status == ApplicationStatus.DRAFT:  # pragma: no cover - selectors never give drafts
        raise StaffActionError(_("Ein Entwurf kann nicht bearbeitet werden."), "status")
    if app.status == status:
        raise StaffActionError(_("Der Antrag hat diesen Status schon."), "status")
    before = app.status
    app.status = status
    app.save(update_fields=["status", "updated_at"])
    queue_changed(jobcenter_id=app.jobcenter_id, module="applications")
    ApplicationEvent.objects.create(
        application=app,
        actor=actor,
        kind=EventKind.STATUS_CHANGED,
        status_from=before,
        status_to=status,
        message=reason,
    )
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="application",
        object_id=app.pk,
        jobcenter=app.jobcenter,
        subject=app.customer.user,
        actor=actor,
        detail=f"status {before} -> {status}",
    )
    _notify_customer(app, NOTICE_STATUS)
    return app


@transaction.atomic
def application_ask_question(
    *,
    request: HttpRequest | None,
    actor: User,
    application: Application,
    question: str,
) -> ApplicationEvent:
    """Ask the customer something about the application; they are told by e-mail that
    there is a question (the question itself is shown only after login)."""
    text = _clean_message(question, "question", required=True)
    app = _lock(application)
    event = ApplicationEvent.objects.create(
        application=app, actor=actor, kind=EventKind.QUESTION, message=text
    )
    audit(
        request=request,
        action=AuditAction.CREATE,
        object_type="application_question",
        object_id=app.pk,
        jobcenter=app.jobcenter,
        subject=app.customer.user,
        actor=actor,
    )
    _notify_customer(app, NOTICE_QUESTION)
    return event


# --- Hand-off ---------------------------------------------------------------------------


@transaction.atomic
def handoff_retry(
    *,
    request: HttpRequest | None,
    actor: User,
    application: Application,
    delivery: HandoffDelivery,
) -> None:
    """ "Retry now": make a failed or waiting delivery due at once and start it."""
    if delivery.application_id != application.pk:  # pragma: no cover - selector checks
        raise StaffActionError(_("Diese Übergabe gehört nicht zu diesem Antrag."))
    if delivery.status == DeliveryStatus.DELIVERED:
        raise StaffActionError(_("Diese Übergabe ist bereits erfolgt."))
    HandoffDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.RETRYING, next_attempt_at=None
    )
    ApplicationEvent.objects.create(
        application_id=application.pk,
        actor=actor,
        kind=EventKind.HANDOFF,
        internal=True,
        data={"backend": delivery.backend, "status": "retry_requested"},
    )
    from openjobcenter.handoff import trail

    trail.record_retry(
        request=request,
        actor=actor,
        jobcenter=application.jobcenter,
        subject=trail.application_subject(application.kind),
        subject_id=application.pk,
        backend=delivery.backend,
        source=trail.APPLICATION_SOURCE,
        delivery_id=delivery.pk,
        how="retry now",
    )
    from openjobcenter.handoff.tasks import run_handoffs

    app_id = application.pk
    transaction.on_commit(lambda: run_handoffs.enqueue(application_id=app_id))


# --- Local settings ---------------------------------------------------------------------


@transaction.atomic
def application_settings_update(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    data: Mapping[str, Any],
) -> ApplicationSettings:
    """Save the job centre's local texts, switches and functional mailbox."""
    unknown = set(data) - set(SETTINGS_FIELDS)
    if unknown:
        raise StaffActionError(_("Unbekannte Einstellung."), sorted(unknown)[0])
    found, _created = ApplicationSettings.objects.select_for_update().get_or_create(
        jobcenter=jobcenter
    )
    for key, value in data.items():
        setattr(found, key, checked_translations(value) if key == "translations" else value)
    found.full_clean(exclude=["jobcenter"])
    found.save()
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="application_settings",
        object_id=found.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=",".join(sorted(data)),
    )
    return found


@transaction.atomic
def handoff_config_save(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    backend: str,
    enabled: bool,
    config: Mapping[str, Any],
) -> HandoffConfig:
    """Switch a hand-off backend on or off and store its configuration.

    A switched-on backend's configuration is checked by the backend
    (``validate_config``); the first problem is raised naming its key. An empty secret
    keeps the stored one (secrets are never shown again)."""
    try:
        impl = handoff.get_backend(backend)
    except KeyError:
        raise StaffActionError(_("Diese Übergabe gibt es nicht."), "backend") from None
    if impl.always_on:
        raise StaffActionError(_("Diese Übergabe ist immer eingeschaltet."), "backend")
    found = HandoffConfig.objects.select_for_update().filter(jobcenter=jobcenter, backend=backend)
    current = found.first()
    allowed = {f.key for f in impl.config_fields}
    merged: dict[str, Any] = {k: str(v).strip()[:500] for k, v in config.items() if k in allowed}
    for f in impl.config_fields:
        if f.secret and not merged.get(f.key) and current is not None:
            merged[f.key] = current.config.get(f.key, "")
    if enabled:
        errors = impl.validate_config(merged)
        if errors:
            key = sorted(errors)[0]
            raise StaffActionError(errors[key], key)
    saved, _created = HandoffConfig.objects.update_or_create(
        jobcenter=jobcenter, backend=backend, defaults={"enabled": enabled, "config": merged}
    )
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="application_handoff_config",
        object_id=saved.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=f"{backend} enabled={enabled}",
    )
    return saved
