"""Reads of co-signing: the adults of an application's household and their states."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils import timezone

from openjobcenter.applications.engine.answers import APPLICANT, submitted_answers
from openjobcenter.mandates.models import Cosignature, CosignCorrection, CosignState

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User
    from openjobcenter.applications.engine.answers import Person
    from openjobcenter.applications.engine.summary import SummarySection
    from openjobcenter.applications.models import Application
    from openjobcenter.tenants.models import Jobcenter

ADULT = 18


def adults(application: Application) -> list[Person]:
    """The other adults named in the submitted household (age on the submission day)."""
    if not application.submitted_data:
        return []
    answers = submitted_answers(application.submitted_data)
    on = timezone.localdate(application.submitted_at) if application.submitted_at else None
    out = []
    for person in answers.persons:
        if person.id == APPLICANT:
            continue
        age = replace(person, on=on).age
        if age is not None and age >= ADULT:
            out.append(person)
    return out


def cosignatures(application: Application) -> list[Cosignature]:
    return list(
        application.cosignatures.select_related("signer")
        .prefetch_related("corrections")
        .order_by("person_id")
    )


def cosignature_for_signer(user: User, jobcenter: Jobcenter, pk: int) -> Cosignature:
    """A co-signature claimed by ``user``; anyone else's: 404."""
    try:
        return Cosignature.objects.select_related(
            "application__customer__user", "application__jobcenter"
        ).get(pk=pk, signer=user, application__jobcenter=jobcenter)
    except Cosignature.DoesNotExist:
        raise Http404 from None


def claimed_by(user: User, jobcenter: Jobcenter) -> list[Cosignature]:
    return list(
        Cosignature.objects.filter(signer=user, application__jobcenter=jobcenter).select_related(
            "application"
        )
    )


def sections_of(cosignature: Cosignature) -> list[SummarySection]:
    """The parts of the application that concern the co-signing person: the steps asked
    for them (``income:p2``...) and their row of the household."""
    from openjobcenter.applications.engine.summary import summary_sections

    pid = cosignature.person_id
    out = []
    for section in summary_sections(cosignature.application):
        if section.person_id == pid:
            out.append(section)
        elif section.key == "household":
            rows = [r for r in section.rows if r.key == f"members.{pid}"]
            if rows:
                out.append(replace(section, rows=rows))
    return out


@dataclass(frozen=True)
class PdfRow:
    name: str
    state: str
    at: datetime | None
    signer: str
    correction: str
    corrections: list[CosignCorrection]


def pdf_rows(application: Application) -> list[PdfRow]:
    """Who confirmed what and when, for the application's PDF (German)."""
    return [
        PdfRow(
            name=c.person_name,
            state=str(CosignState(c.state).label),
            at=timezone.localtime(c.decided_at) if c.decided_at else None,
            signer=c.signer.email if c.signer and c.state != CosignState.OPEN else "",
            correction=c.correction,
            corrections=list(c.corrections.all()),
        )
        for c in cosignatures(application)
    ]
