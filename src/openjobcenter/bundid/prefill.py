"""The BundID as a source of the filing step's answers (``applications.prefill_sources``):
the confirmed name, birth date and address, each replaced by the customer's own latest
correction where they made one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from openjobcenter.applications.prefill_sources import Source, register

if TYPE_CHECKING:
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


def register_source() -> None:
    register(
        Source(
            key=KEY,
            note=_(
                "Name, Geburtsdatum und Anschrift: aus BundID, bestätigt. Stimmt etwas nicht, "
                "berichtigen Sie es unter „Meine BundID“ mit einer kurzen Notiz."
            ),
            filing=filing,
        )
    )
