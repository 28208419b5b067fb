"""A proof (e.g. a sick note) sent with "Ich kann den Termin nicht wahrnehmen".

With the documents module on, the file goes through the documents module's checks and
pipeline and the appointment links the document; staff see it on the appointment page.
Without it, the customer is told to hand the proof in later, and no file is taken.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pikepdf
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments import services
from openjobcenter.appointments.models import Appointment, AppointmentType, Status
from openjobcenter.documents.models import Document, DocumentState
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa

from .test_customer_pages import FIRST_SLOT, NOW, detail_url, invite, text


@pytest.fixture(autouse=True)
def frozen() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def commit_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run after-commit work (the documents pipeline) at once, as the worker would."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


def enable_documents(jc: Jobcenter) -> None:
    jc.enabled_modules = sorted({*jc.enabled_modules, "documents"})
    jc.save()


@pytest.fixture
def docs_on(jc_a: Jobcenter, jc_b: Jobcenter) -> None:
    enable_documents(jc_a)
    enable_documents(jc_b)


@pytest.fixture
def docs_off(jc_a: Jobcenter) -> None:
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "documents"]
    jc_a.save()


@pytest.fixture
def invitation(customer: CustomerProfile, appt_type: AppointmentType, advisor: User) -> Appointment:
    return invite(customer, appt_type, advisor, FIRST_SLOT + timedelta(days=1))


@pytest.fixture
def logged_in(client: Client, customer: CustomerProfile) -> Client:
    client.force_login(customer.user)
    return client


def sick_note_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def pdf_upload(data: bytes | None = None, name: str = "krankmeldung.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data or sick_note_pdf(), content_type="application/pdf")


def stored_files(media: Path) -> list[Path]:
    root = media / "documents"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def cannot_come_url(appointment: Appointment) -> str:
    return detail_url(appointment) + "absagen/"


def send(client: Client, appointment: Appointment, proof: Any = None) -> Any:
    data: dict[str, Any] = {"reason": "illness", "wish": "move", "message": ""}
    if proof is not None:
        data["proof"] = proof
    return client.post(cannot_come_url(appointment), data)


def test_with_documents_the_form_takes_a_file(
    docs_on: None, logged_in: Client, invitation: Appointment
) -> None:
    page = text(logged_in.get(cannot_come_url(invitation)))
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    # Marked optional once, by the form renderer (it read "(freiwillig) (freiwillig)").
    assert re.search(r"Nachweis <span class=\"optional\">\(freiwillig\)</span></label>", page)
    visible = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert visible.count("Nachweis (freiwillig)") == 1
    assert "(freiwillig) (freiwillig)" not in visible
    assert "reichen Sie ihn bitte nach" not in page


def test_sick_note_is_stored_linked_and_shown_to_both(
    docs_on: None,
    logged_in: Client,
    invitation: Appointment,
    customer: CustomerProfile,
    advisor: User,
    jc_a: Jobcenter,
) -> None:
    response = send(logged_in, invitation, pdf_upload())
    assert response.status_code == 302, text(response)
    invitation.refresh_from_db()
    assert invitation.status == Status.CHANGE_REQUESTED
    document = Document.objects.get()
    assert invitation.proof_id == document.pk
    assert (document.customer_id, document.kind) == (customer.pk, "sick_note")
    assert document.state == DocumentState.RECEIVED

    own = text(logged_in.get(detail_url(invitation)))
    file_url = reverse("customer:document_file", kwargs={"jc": jc_a.slug, "pk": document.pk})
    assert file_url in own
    assert "Arbeitsunfähigkeitsbescheinigung" in own
    assert "können Sie nachreichen" not in own
    assert logged_in.get(file_url).status_code == 200

    staff = login_with_mfa(Client(), advisor)
    staff_page = text(
        staff.get(reverse("staff:appointment", kwargs={"jc": jc_a.slug, "pk": invitation.pk}))
    )
    assert reverse("staff:document_file", kwargs={"jc": jc_a.slug, "pk": document.pk}) in (
        staff_page
    )
    assert "Arbeitsunfähigkeitsbescheinigung" in staff_page


def test_another_customer_and_another_job_centre_cannot_see_it(
    docs_on: None,
    logged_in: Client,
    invitation: Appointment,
    customer2: CustomerProfile,
    staff_b: dict[Role, User],
    jc_a: Jobcenter,
    jc_b: Jobcenter,
) -> None:
    assert send(logged_in, invitation, pdf_upload()).status_code == 302
    document = Document.objects.get()
    other = Client()
    other.force_login(customer2.user)
    file_url = reverse("customer:document_file", kwargs={"jc": jc_a.slug, "pk": document.pk})
    assert other.get(file_url).status_code == 404
    assert other.get(detail_url(invitation)).status_code == 404
    outsider = login_with_mfa(Client(), staff_b[Role.JOB_ADVISOR])
    for url in (
        reverse("staff:document_file", kwargs={"jc": jc_b.slug, "pk": document.pk}),
        reverse("staff:appointment", kwargs={"jc": jc_b.slug, "pk": invitation.pk}),
    ):
        assert outsider.get(url).status_code == 404


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        pytest.param(
            b"this is not a pdf at all",
            "Diese Datei können wir nicht annehmen. Bitte senden Sie ein Foto",
            id="not-a-pdf",
        ),
        pytest.param(b"", "Die Datei ist leer. Bitte wählen Sie eine andere Datei.", id="empty"),
    ],
)
def test_bad_file_gets_a_clear_message_and_nothing_is_stored(
    docs_on: None,
    logged_in: Client,
    invitation: Appointment,
    media: Path,
    bad: bytes,
    says: str,
) -> None:
    upload = SimpleUploadedFile("krankmeldung.pdf", bad, content_type="application/pdf")
    response = send(logged_in, invitation, upload)
    assert response.status_code == 400
    page = text(response)
    assert "error-summary" in page
    assert says in page
    assert 'href="#id_proof"' in page
    invitation.refresh_from_db()
    assert invitation.status == Status.INVITED
    assert invitation.proof_id is None
    assert invitation.change_reason == ""
    assert not Document.objects.exists()
    assert stored_files(media) == []


def test_without_documents_no_file_is_taken(
    docs_off: None, logged_in: Client, invitation: Appointment
) -> None:
    page = text(logged_in.get(cannot_come_url(invitation)))
    assert 'type="file"' not in page
    assert "reichen Sie ihn bitte nach" in page
    response = send(logged_in, invitation, pdf_upload())
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Status.CHANGE_REQUESTED
    assert invitation.proof_id is None
    assert not Document.objects.exists()
    assert "können Sie nachreichen" in text(logged_in.get(detail_url(invitation)))


def test_service_refuses_a_proof_without_documents(
    docs_off: None, invitation: Appointment, customer: CustomerProfile
) -> None:
    with pytest.raises(services.AppointmentError) as refused:
        services.appointment_request_change(
            request=None,
            customer=customer,
            appointment=invitation,
            reason="illness",
            message="",
            cancel=False,
            proof=pdf_upload(),
        )
    assert refused.value.field == "proof"
    invitation.refresh_from_db()
    assert invitation.status == Status.INVITED
