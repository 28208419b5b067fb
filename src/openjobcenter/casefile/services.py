"""Writes of the case view: staff notes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from openjobcenter.casefile.models import CaseNote, NoteCategory
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.core.need_to_know import Category, may_read

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.http import HttpRequest

    from openjobcenter.accounts.models import CustomerProfile, Role, User

NOTE_MAX_LENGTH = 4000


class NoteError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def case_note_add(
    *,
    request: HttpRequest | None,
    author: User,
    roles: Iterable[Role | str],
    customer: CustomerProfile,
    category: str,
    text: str,
) -> CaseNote:
    """Add a note to the customer's case. Only who may read a category may write in it
    (a job advisor writes placement notes, a caseworker benefit notes); ``NoteError``
    otherwise, and for an empty or too long text. Audited in the same transaction."""
    text = text.strip()
    if category not in NoteCategory.values:
        raise NoteError(
            _("Bitte wählen Sie, ob der Vermerk zur Leistung oder zur Vermittlung gehört.")
        )
    if not may_read(roles=roles, category=Category(category), jobcenter=customer.jobcenter):
        raise NoteError(_("Vermerke in diesem Bereich dürfen Sie nicht schreiben."))
    if not text:
        raise NoteError(_("Bitte schreiben Sie den Vermerk."))
    if len(text) > NOTE_MAX_LENGTH:
        raise NoteError(
            _("Ein Vermerk darf höchstens %(n)d Zeichen lang sein.") % {"n": NOTE_MAX_LENGTH}
        )
    with transaction.atomic():
        note = CaseNote.objects.create(
            jobcenter=customer.jobcenter,
            customer=customer,
            author=author,
            category=category,
            text=text,
        )
        audit(
            request=request,
            action=AuditAction.CREATE,
            object_type="case_note",
            object_id=note.pk,
            jobcenter=customer.jobcenter,
            subject=customer.user,
            actor=author,
            detail=f"category={category}",
        )
    return note
