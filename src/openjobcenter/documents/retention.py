"""The documents module's retention rules (``retention.registry``): documents past their
deletion date, abandoned drafts, and document requests. The job centre's years for
documents stay where they were (``DocumentSettings.retention_years``): the retention page
reads and writes them there."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.retention.registry import Rule, Unit, register
from openjobcenter.retention.rules_model import model_rule

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from openjobcenter.tenants.models import Jobcenter


def delete_documents(pks: Sequence[int], *, detail: str = "retention") -> int:
    """Delete documents with their pages and files (files after the commit)."""
    from openjobcenter.documents.models import Document
    from openjobcenter.documents.services_retention import _delete_document
    from openjobcenter.retention.auditing import homes_changed

    count, customers = 0, set()
    for document in Document.objects.filter(pk__in=pks).select_related("jobcenter"):
        customers.add(document.customer_id)
        _delete_document(document, detail=detail)
        count += 1
    homes_changed(customers)
    return count


def _documents_due(jobcenter: Jobcenter | None, _cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.documents.models import Document

    # The deletion date is fixed when a document is accepted (``retention_until``, from
    # the job centre's years at that time and per kind): today's value applies to new ones.
    return Document.objects.filter(jobcenter=jobcenter, delete_after__lt=timezone.localdate())


def _requests_due(jobcenter: Jobcenter | None, cutoff: datetime) -> QuerySet[Any]:
    from openjobcenter.documents.models import DocumentRequest

    return DocumentRequest.objects.filter(jobcenter=jobcenter, deadline__lt=cutoff.date())


def _requests_delete(pks: Sequence[int]) -> int:
    from openjobcenter.documents.models import DocumentRequest
    from openjobcenter.retention.auditing import homes_changed

    homes_changed(DocumentRequest.objects.filter(pk__in=pks).values_list("customer_id", flat=True))
    # Items go with their request; documents sent for an item stay (their own rule).
    return int(
        DocumentRequest.objects.filter(pk__in=pks).delete()[1].get("documents.DocumentRequest", 0)
    )


def _load_years(jobcenter: Jobcenter) -> int | None:
    from openjobcenter.documents.models import DocumentSettings

    found = DocumentSettings.objects.filter(jobcenter=jobcenter).values_list(
        "retention_years", flat=True
    )
    return found.first()


def _store_years(jobcenter: Jobcenter, value: int) -> None:
    from openjobcenter.documents.models import DocumentSettings

    local, _created = DocumentSettings.objects.get_or_create(jobcenter=jobcenter)
    local.retention_years = value
    local.save(update_fields=["retention_years"])


def register_rules() -> None:
    from openjobcenter.documents.models import DocumentState

    register(
        Rule(
            key="documents.documents",
            label=_("Eingereichte Unterlagen (Nachweise) mit ihren Dateien"),
            basis=_("Löschdatum, bei der Annahme festgelegt: Einreichung plus Jahre"),
            unit=Unit.YEARS,
            default=10,
            minimum=1,
            maximum=30,
            source=_(
                "§ 84 SGB X (Löschung, wenn nicht mehr erforderlich); Aktenpraxis für "
                "Leistungsakten: Aufbewahrung bis zum Ende des 10. Kalenderjahres nach der "
                "letzten Leistung. Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_documents_due,
            delete=delete_documents,
            load=_load_years,
            store=_store_years,
            order=20,
        )
    )
    register(
        model_rule(
            model="documents.Document",
            date_field="created_at",
            where={"state__in": (DocumentState.DRAFT, DocumentState.REFUSED)},
            key="documents.drafts",
            label=_("Nie eingereichte oder abgelehnte Uploads"),
            basis=_("Zeitpunkt des Hochladens"),
            unit=Unit.DAYS,
            default=2,
            minimum=1,
            maximum=30,
            source=_(
                "Art. 5 Abs. 1 lit. c und e DSGVO: nie eingereicht, also nicht Teil der Akte."
            ),
            delete=lambda pks: delete_documents(pks, detail="draft"),
            order=21,
        )
    )
    register(
        Rule(
            key="documents.requests",
            label=_("Nachforderungen von Unterlagen"),
            basis=_("Frist der Nachforderung"),
            unit=Unit.YEARS,
            default=3,
            minimum=1,
            maximum=30,
            source=_(
                "§ 84 SGB X; die Nachforderung (§ 60 SGB I) belegt die Mitwirkung. Frist: "
                "Annahme, fachlich zu prüfen."
            ),
            assumption=True,
            due=_requests_due,
            delete=_requests_delete,
            order=22,
        )
    )
