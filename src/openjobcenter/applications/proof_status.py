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
    from openjobcenter.applications.models import Application
    from openjobcenter.documents.models import Document


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
