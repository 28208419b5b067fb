"""Which of an application's proofs have arrived (issue 17, "proofs close the loop").

A proof sent from the application's own list carries the reference
``application:<pk>:<kind>:<person or ->`` (``documents.proof_links``): the list then shows
"erhalten am … (Eingangsbestätigung)" instead of "Jetzt hochladen", on the customer's and
on the staff side. A refused or failed document does not count: the list says what
happened and offers to send again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from openjobcenter.applications.proofs import Proof, derive_proofs
from openjobcenter.documents import proof_links

if TYPE_CHECKING:
    from datetime import datetime

    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.applications.models import Application
    from openjobcenter.documents.models import Document
    from openjobcenter.documents.proof_targets import Target


def ref_prefix(application: Application) -> str:
    return f"application:{application.pk}:"


def proof_ref(application: Application, kind: str, person_id: str | None) -> str:
    return f"{ref_prefix(application)}{kind}:{person_id or '-'}"


@dataclass(frozen=True)
class ProofRow:
    proof: Proof
    ref: str
    document: Document | None

    @property
    def received(self) -> bool:
        return proof_links.is_received(self.document)


def proof_rows(application: Application) -> list[ProofRow]:
    """The proofs the answers call for, each with the document that answers it (if any)."""
    documents = proof_links.latest_by_ref(application.customer, ref_prefix(application))
    rows = []
    for proof in derive_proofs(application):
        ref = proof_ref(application, proof.kind_key, proof.person_id)
        rows.append(ProofRow(proof, ref, documents.get(ref)))
    return rows


def find_row(application: Application, kind: str, person_id: str | None) -> ProofRow | None:
    ref = proof_ref(application, kind, person_id)
    return next((row for row in proof_rows(application) if row.ref == ref), None)


# --- staff view and other modules' targets ---------------------------------------------

MISSING, RECEIVED, CHECKED = "missing", "received", "checked"


@dataclass(frozen=True)
class ProofState:
    """One proof as staff see it: ``state`` is "missing", "received" or "checked" (staff
    have checked or accepted the document); ``document`` links to it."""

    proof: Proof
    ref: str
    document: Document | None
    state: str

    @property
    def received_at(self) -> datetime | None:
        doc = self.document
        return (doc.processed_at or doc.submitted_at) if doc is not None else None


def proof_states(application: Application) -> list[ProofState]:
    """The application's proofs with their state, for ``_proof_list_staff.html``."""
    from openjobcenter.documents.models import DocumentState

    out = []
    for row in proof_rows(application):
        if not row.received:
            state = MISSING
        elif row.document is not None and row.document.state in (
            DocumentState.CHECKED,
            DocumentState.ACCEPTED,
        ):
            state = CHECKED
        else:
            state = RECEIVED
        out.append(ProofState(row.proof, row.ref, row.document, state))
    return out


@dataclass(frozen=True)
class ProofCount:
    application: Application
    received: int
    total: int


def proof_counts(customer: CustomerProfile) -> list[ProofCount]:
    """Per filed or submitted application of the customer: proofs received of all
    (the compact count on the staff customer page)."""
    out = []
    for app in linkable_applications(customer):
        rows = proof_rows(app)
        out.append(ProofCount(app, sum(1 for r in rows if r.received), len(rows)))
    return out


def linkable_applications(customer: CustomerProfile) -> list[Application]:
    """Applications whose proofs are still being gathered: filed or submitted, not
    decided or withdrawn."""
    from django.db.models import Q

    from openjobcenter.applications.models import Application, ApplicationStatus

    return list(
        Application.objects.filter(customer=customer, jobcenter=customer.jobcenter)
        .filter(Q(filed_at__isnull=False) | ~Q(status=ApplicationStatus.DRAFT))
        .exclude(status__in=(ApplicationStatus.DECIDED, ApplicationStatus.WITHDRAWN))
        .select_related("customer", "jobcenter")
        .order_by("-created_at", "-pk")
    )


def proof_targets(customer: CustomerProfile) -> list[Target]:
    """The application's proofs as targets a sent document can answer
    (``documents.proof_targets``: the chat's choice, staff linking, prefilled requests)."""
    from django.utils.translation import gettext as _

    from openjobcenter.documents.proof_targets import Target, ref_value

    out = []
    for app in linkable_applications(customer):
        group = _("Antrag %(reference)s") % {"reference": app.reference}
        for row in proof_rows(app):
            proof = row.proof
            label = f"{proof.label} ({proof.person_name})" if proof.person_name else proof.label
            out.append(
                Target(
                    value=ref_value(row.ref),
                    kind=proof.kind_key,
                    label=label,
                    group=group,
                    is_open=not row.received,
                    ref=row.ref,
                    person_id=proof.person_id,
                )
            )
    return out
