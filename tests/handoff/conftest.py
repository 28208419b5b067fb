"""Shared data of the hand-off tests: an accepted document and a filed objection, both
through their modules' real services (the event writes the hand-off)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.documents import storage
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.documents.services_review import document_review
from openjobcenter.postbox import services as postbox_services
from openjobcenter.postbox.models import Notice, Objection
from tests.handoff.fitconnect_support import fast_polls, keys, standin
from tests.postbox.conftest import make_pdf

# The FIT-Connect fixtures, defined once for the folder (the session's 4096-bit key is
# made once, not once per module that uses it).
__all__ = ["fast_polls", "keys", "standin"]

PDF = b"%PDF-1.7\n% Lohnabrechnung Juni\n%%EOF\n"


def received_document(customer: CustomerProfile, content: bytes = PDF) -> Document:
    name, key_id = storage.put(customer.jobcenter, "documents", "pdf", content)
    return Document.objects.create(
        jobcenter=customer.jobcenter,
        customer=customer,
        kind="payslip",
        state=DocumentState.RECEIVED,
        file_key=name,
        key_id=key_id,
        size_bytes=len(content),
        page_count=1,
        submitted_at=timezone.now(),
    )


def accept(document: Document, staff: dict[Role, Any]) -> Document:
    request = RequestFactory().post("/")
    request.user = staff[Role.CASEWORKER]
    return document_review(
        request=request, document=document, state=DocumentState.ACCEPTED, base_version=0
    )


def deposited_notice(customer: CustomerProfile, staff: dict[Role, Any]) -> Notice:
    """A decision in the customer's postbox, with consent (told at once)."""
    postbox_services.consent_set(request=None, customer=customer, electronic=True)
    return postbox_services.notice_deposit(
        request=None,
        actor=staff[Role.CASEWORKER],
        customer=customer,
        data=postbox_services.NoticeInput(
            kind="grant", dated=timezone.localdate(), data=make_pdf()
        ),
    )


def filed_objection(customer: CustomerProfile, staff: dict[Role, Any]) -> Objection:
    postbox_services.consent_set(request=None, customer=customer, electronic=True)
    notice = postbox_services.notice_deposit(
        request=None,
        actor=staff[Role.CASEWORKER],
        customer=customer,
        data=postbox_services.NoticeInput(
            kind="grant", dated=timezone.localdate(), data=make_pdf()
        ),
    )
    return postbox_services.objection_submit(
        request=None, customer=customer, notice=notice, reasons="Die Miete fehlt im Bescheid."
    )


@pytest.fixture(autouse=True)
def _own_media(settings: Any, tmp_path: Path) -> None:
    """File drops and e-file exports of each test in their own folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
