"""The BundID as a source of the filing step's answers (``applications.prefill_sources``):
the confirmed name, birth date and address, each replaced by the customer's own latest
correction where they made one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from openjobcenter.applications.prefill_sources import Source, register

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile

KEY = "bundid"
FILING_FIELDS = ("first_name", "last_name", "birth_date", "street", "postcode", "city")


def filing(customer: CustomerProfile) -> dict[str, Any]:
    from openjobcenter.bundid.models import BundIDIdentity
    from openjobcenter.bundid.services import current_values

    identity = (
        BundIDIdentity.objects.filter(jobcenter_id=customer.jobcenter_id, user_id=customer.user_id)
        .prefetch_related("corrections")
        .first()
    )
    if identity is None:
        return {}
    values = current_values(identity)
    return {
        key: corrected or verified
        for key, (verified, corrected) in values.items()
        if key in FILING_FIELDS and (corrected or verified)
    }


def staff_panel(customer: CustomerProfile, request: HttpRequest | None) -> str:
    """For the staff's application page: the values the BundID confirmed and, where the
    customer corrected one, "aus BundID: X, korrigiert: Y (reason)". The read is audited."""
    from django.template.loader import render_to_string

    from openjobcenter.bundid.attributes import LABELS
    from openjobcenter.bundid.models import BundIDIdentity
    from openjobcenter.bundid.services import OBJECT
    from openjobcenter.core.audit import audit
    from openjobcenter.core.models import AuditAction

    identity = (
        BundIDIdentity.objects.filter(jobcenter_id=customer.jobcenter_id, user_id=customer.user_id)
        .select_related("jobcenter", "user")
        .prefetch_related("corrections")
        .first()
    )
    if identity is None:
        return ""
    latest: dict[str, Any] = {}
    for row in identity.corrections.all():  # newest first
        latest.setdefault(row.field, row)
    rows = [
        {"label": LABELS[key], "verified": str(value), "correction": latest.get(key)}
        for key, value in identity.attributes.items()
        if key in LABELS and key in FILING_FIELDS
    ]
    audit(
        request=request,
        action=AuditAction.READ,
        object_type=OBJECT,
        object_id=identity.pk,
        jobcenter=identity.jobcenter,
        subject=identity.user,
        detail="staff application page",
    )
    return render_to_string(
        "bundid/_staff_panel.html",
        {"identity": identity, "rows": rows, "corrected": bool(latest)},
        request=request,
    )


def register_source() -> None:
    register(
        Source(
            key=KEY,
            note=_(
                "Name, Geburtsdatum und Anschrift: aus BundID, bestätigt. Stimmt etwas nicht, "
                "berichtigen Sie es unter „Meine BundID“ mit einer kurzen Notiz."
            ),
            filing=filing,
            staff_panel=staff_panel,
        )
    )
