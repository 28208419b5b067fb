"""Every write to a job centre's own configuration (DESIGN §4.1), each one audited."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from openjobcenter.core.audit import audit
from openjobcenter.core.content_i18n import checked_translations
from openjobcenter.core.models import AuditAction
from openjobcenter.tenants import modules
from openjobcenter.tenants.models import Jobcenter, LanguageReview, Office

if TYPE_CHECKING:
    from datetime import date

    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User

EDITABLE_FIELDS = frozenset(
    {
        "primary_colour",
        "intro",
        "phone",
        "email",
        "website",
        "imprint",
        "privacy",
        "accessibility",
        "accessibility_feedback_email",
        "easy_language",
        "translations",
    }
)


@transaction.atomic
def jobcenter_update(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, data: dict[str, Any]
) -> list[str]:
    """Change a job centre's own texts, contact data or colours."""
    unknown = set(data) - EDITABLE_FIELDS
    if unknown:
        msg = f"Not editable by a job centre: {sorted(unknown)}"
        raise ValueError(msg)
    if "translations" in data:
        data = {**data, "translations": checked_translations(data["translations"])}
    changed = [f for f, v in data.items() if getattr(jobcenter, f) != v]
    for field in changed:
        setattr(jobcenter, field, data[field])
    if changed:
        jobcenter.full_clean()
        jobcenter.save(update_fields=changed)
        audit(
            request=request,
            action=AuditAction.UPDATE,
            object_type="jobcenter",
            object_id=jobcenter.pk,
            jobcenter=jobcenter,
            actor=actor,
            detail="fields=" + ",".join(changed),
        )
    return changed


@transaction.atomic
def jobcenter_set_logo(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, upload: UploadedFile | None
) -> None:
    """Replace or remove the logo; the old file is deleted only after the commit."""
    old_name = jobcenter.logo.name if jobcenter.logo else ""
    if upload is not None:
        jobcenter.logo.save(f"{jobcenter.slug}-{upload.name}", upload, save=False)
    else:
        jobcenter.logo = ""
    jobcenter.save(update_fields=["logo"])
    if old_name:
        storage = jobcenter.logo.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    audit(
        request=request,
        action=AuditAction.UPDATE,
        object_type="jobcenter",
        object_id=jobcenter.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail="fields=logo",
    )


@transaction.atomic
def jobcenter_set_modules(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, keys: list[str]
) -> None:
    known = {m.key for m in modules.all_modules()}
    chosen = sorted(set(keys) & known)
    if chosen != sorted(jobcenter.enabled_modules or []):
        jobcenter.enabled_modules = chosen
        jobcenter.save(update_fields=["enabled_modules"])
        audit(
            request=request,
            action=AuditAction.UPDATE,
            object_type="jobcenter",
            object_id=jobcenter.pk,
            jobcenter=jobcenter,
            actor=actor,
            detail="modules=" + ",".join(chosen),
        )


@transaction.atomic
def office_save(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    office: Office | None,
    data: dict[str, Any],
) -> Office:
    """Create (office=None) or update an office of this job centre."""
    if office is None:
        office = Office(jobcenter=jobcenter)
        action = AuditAction.CREATE
    else:
        if office.jobcenter_id != jobcenter.pk:
            msg = "Office belongs to another job centre"
            raise ValueError(msg)
        action = AuditAction.UPDATE
    for field, value in data.items():
        setattr(office, field, checked_translations(value) if field == "translations" else value)
    office.full_clean()
    office.save()
    audit(
        request=request,
        action=action,
        object_type="office",
        object_id=office.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=office.name,
    )
    return office


@transaction.atomic
def office_delete(*, request: HttpRequest | None, actor: User, office: Office) -> None:
    audit(
        request=request,
        action=AuditAction.DELETE,
        object_type="office",
        object_id=office.pk,
        jobcenter=office.jobcenter,
        actor=actor,
        detail=office.name,
    )
    office.delete()


@transaction.atomic
def language_review_save(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    language: str,
    reviewer: str,
    reviewed_on: date,
    group: str = "",
    scope: str = "",
) -> LanguageReview:
    """Record that the job centre's texts in ``language`` were checked with a test group
    ("geprüft"); replaces the language's earlier record (the audit log keeps the history)."""
    known = {code for code, _name in settings.ALL_LANGUAGES} - {settings.LANGUAGE_CODE}
    if language not in known:
        msg = f"Unknown language: {language!r}"
        raise ValueError(msg)
    review, created = LanguageReview.objects.select_for_update().get_or_create(
        jobcenter=jobcenter,
        language=language,
        defaults={"reviewer": reviewer, "reviewed_on": reviewed_on},
    )
    review.reviewer = reviewer.strip()
    review.group = group.strip()
    review.scope = scope.strip()
    review.reviewed_on = reviewed_on
    review.recorded_by = actor
    review.full_clean()
    review.save()
    audit(
        request=request,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type="language_review",
        object_id=review.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=f"{language} {reviewed_on.isoformat()} {review.reviewer}"[:200],
    )
    return review


@transaction.atomic
def language_review_delete(
    *, request: HttpRequest | None, actor: User, jobcenter: Jobcenter, language: str
) -> bool:
    """Withdraw the record for ``language`` (e.g. the texts changed a lot since)."""
    review = LanguageReview.objects.filter(jobcenter=jobcenter, language=language).first()
    if review is None:
        return False
    audit(
        request=request,
        action=AuditAction.DELETE,
        object_type="language_review",
        object_id=review.pk,
        jobcenter=jobcenter,
        actor=actor,
        detail=language,
    )
    review.delete()
    return True
