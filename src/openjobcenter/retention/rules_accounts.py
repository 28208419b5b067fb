"""Customer accounts: inactive ones (warned by e-mail first) and those whose owner asked
for deletion. An account goes only when nothing is kept under it any more (submitted
applications, documents, messages, appointments, case notes: their own rules delete
them); until then it is counted as kept ("übersprungen") in the report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openjobcenter.core.languages import usable_language
from openjobcenter.retention.registry import Rule, Unit, register

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.accounts.models import CustomerProfile, User
    from openjobcenter.tenants.models import Jobcenter

WARNING_AHEAD = timedelta(weeks=4)


def kept_counts(profile: CustomerProfile) -> dict[str, int]:
    """What must be kept under an account (by kind; empty: nothing)."""
    from openjobcenter.applications.models import Application, ApplicationStatus

    counts = {
        "applications": Application.objects.filter(customer=profile)
        .exclude(status=ApplicationStatus.DRAFT)
        .count(),
        "documents": profile.documents.count(),
        "conversations": profile.conversations.count(),
        "appointments": profile.appointments.count(),
        "document_requests": profile.document_requests.count(),
        "case_notes": profile.case_notes.count(),
    }
    return {k: v for k, v in counts.items() if v}


def _due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.accounts.models import User

    return (
        User.objects.filter(customer_profile__jobcenter=jobcenter)
        .annotate(last_seen=Coalesce("last_login", "date_joined"))
        .filter(
            Q(deletion_request__isnull=False, deletion_request__completed_at__isnull=True)
            | Q(last_seen__lt=cutoff)
        )
    )


def _warn(user: User) -> None:
    from openjobcenter.core.mail import send_after_commit
    from openjobcenter.retention.models import InactivityWarning

    when = timezone.localdate() + WARNING_AHEAD
    with translation.override(usable_language(user.preferred_language)):
        body = _(
            "Guten Tag,\n\nSie haben sich lange nicht mehr in Ihrem Konto beim Jobcenter "
            "angemeldet. Wir löschen Ihr Konto ab dem %(date)s, wenn Sie sich bis dahin "
            "nicht anmelden. Wenn Sie das Konto behalten möchten, melden Sie sich einfach "
            "an.\n\nAnträge und Unterlagen, die das Jobcenter aufbewahren muss, bleiben "
            "davon unberührt.\n"
        ) % {"date": when.strftime("%d.%m.%Y")}
        subject = _("Ihr Konto wird bald gelöscht")
    send_after_commit(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    InactivityWarning.objects.update_or_create(user=user, defaults={"warned_at": timezone.now()})


def delete_account(user: User) -> bool:
    """Delete the account when nothing is kept under it; True when deleted."""
    from openjobcenter.applications.models import Application, ApplicationStatus
    from openjobcenter.applications.retention import delete_applications
    from openjobcenter.core.audit import audit
    from openjobcenter.core.models import AuditAction
    from openjobcenter.retention.models import AccountDeletionRequest

    profile = getattr(user, "customer_profile", None)
    if profile is not None:
        drafts = Application.objects.filter(customer=profile, status=ApplicationStatus.DRAFT)
        delete_applications(list(drafts.values_list("pk", flat=True)))
        if kept_counts(profile):
            return False
    jobcenter = profile.jobcenter if profile is not None else None
    AccountDeletionRequest.objects.filter(user=user).update(completed_at=timezone.now())
    audit(
        request=None,
        action=AuditAction.DELETE,
        object_type="account",
        object_id=user.pk,
        jobcenter=jobcenter,
        detail="retention",
    )
    user.delete()
    return True


def _delete(pks: Sequence[int]) -> int:
    from openjobcenter.accounts.models import User
    from openjobcenter.retention.models import InactivityWarning

    now = timezone.now()
    count = 0
    users = User.objects.filter(pk__in=pks).select_related(
        "customer_profile__jobcenter", "deletion_request", "inactivity_warning"
    )
    for user in users:
        requested = getattr(user, "deletion_request", None)
        if requested is None:
            warning = getattr(user, "inactivity_warning", None)
            if warning is not None and user.last_login and user.last_login > warning.warned_at:
                InactivityWarning.objects.filter(pk=warning.pk).delete()
                warning = None
            if warning is None:
                _warn(user)
                continue
            if warning.warned_at > now - WARNING_AHEAD:
                continue
        count += int(delete_account(user))
    return count


def register_rules() -> None:
    register(
        Rule(
            key="accounts.inactive",
            label=gettext_lazy("Inaktive Kundenkonten und beantragte Kontolöschungen"),
            basis=gettext_lazy(
                "Letzte Anmeldung; vorher eine E-Mail 4 Wochen vor der Löschung. Gelöscht "
                "wird erst, wenn unter dem Konto nichts mehr aufbewahrt wird."
            ),
            unit=Unit.YEARS,
            default=3,
            minimum=1,
            maximum=10,
            source=gettext_lazy(
                "Art. 5 Abs. 1 lit. e und Art. 17 DSGVO (Löschung, wenn nicht mehr "
                "notwendig oder auf Antrag). Frist: Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_due,
            delete=_delete,
            order=60,
        )
    )
