"""The customer's upload, end to end: page by page (as the JS module does) and with the
plain form; receipt; requests answered in one tap; a crashed step is retried."""

from __future__ import annotations

import hashlib
import io
import json
from typing import Any

import pikepdf
import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents import services, storage
from openjobcenter.documents.models import Document, DocumentState, PageState
from openjobcenter.documents.pipeline import imaging
from openjobcenter.documents.pipeline.imaging import decode_page
from openjobcenter.documents.services import RequestItemInput
from openjobcenter.tenants.models import Jobcenter
from tests.documents.conftest import photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")


def url(name: str, jc: Jobcenter, **kw: Any) -> str:
    return reverse(f"customer:{name}", kwargs={"jc": jc.slug, **kw})


def test_list_and_upload_page_render(customer_client: Client, jc_a: Jobcenter) -> None:
    page = customer_client.get(url("documents", jc_a))
    assert page.status_code == 200
    assert "Meine Unterlagen" in page.content.decode()
    form = customer_client.get(url("document_upload", jc_a) + "?kind=payslip").content.decode()
    assert 'capture="environment"' in form
    assert 'accept="image/*,application/pdf' in form
    assert "multiple" in form
    assert '<option value="payslip" selected>' in form


def test_page_by_page_with_reorder_and_redaction(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    first = customer_client.post(
        url("document_page_upload", jc_a), {"file": upload(photo(1)), "kind": "bank_statement"}
    )
    assert first.status_code == 200, first.content
    body = first.json()
    draft, p1 = body["draft"], body["page"]
    assert p1["state"] == "ready"
    preview = customer_client.get(p1["preview"])
    assert preview.status_code == 200
    assert preview["Content-Type"] == "image/png"
    assert preview["Cache-Control"] == "private, no-store"
    second = customer_client.post(
        url("document_page_upload", jc_a), {"file": upload(photo(2)), "draft": draft}
    ).json()
    p2 = second["page"]
    assert second["draft"] == draft
    # Send page 2 first, black out the top-left quarter of page 1.
    response = customer_client.post(
        url("document_upload", jc_a),
        {
            "kind": "bank_statement",
            "draft": draft,
            "order": f"{p2['id']},{p1['id']}",
            "redactions": json.dumps({str(p1["id"]): [[0.0, 0.0, 0.5, 0.25]]}),
        },
    )
    assert response.status_code == 302
    doc = Document.objects.get(pk=draft)
    assert doc.state == DocumentState.RECEIVED
    assert doc.page_count == 2
    assert [p.pk for p in doc.pages.order_by("position")] == [p2["id"], p1["id"]]
    pdf = storage.get(jc_a, doc.file_key)
    assert hashlib.sha256(pdf).hexdigest() == doc.sha256
    with pikepdf.open(io.BytesIO(pdf)) as parsed:
        assert len(parsed.pages) == 2
        # The redacted page is the second one: its image has a black block top left.
        stream: Any = next(iter(parsed.pages[1].get_images().values()))
        image = pikepdf.PdfImage(stream).as_pil_image()
    pixels = decode_page(_png(image))
    h, w = pixels.shape
    assert pixels[: h // 4 - 5, : w // 2 - 5].max() == 0  # removed, not covered
    assert pixels[h // 2 :, :].mean() > 200  # the rest is still a white page
    # Originals are gone (job centre does not keep them), previews stay for the viewer.
    assert all(not p.original_key and p.preview_key for p in doc.pages.all())
    assert doc.delete_after is not None
    assert doc.submitted_at is not None
    assert doc.delete_after.year == doc.submitted_at.year + 10
    # The customer can download file and receipt.
    assert customer_client.get(url("document_file", jc_a, pk=doc.pk)).content == pdf
    receipt = customer_client.get(url("document_receipt", jc_a, pk=doc.pk))
    assert receipt.status_code == 200
    assert receipt.content.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(PdfReader(io.BytesIO(receipt.content)).pages[0].extract_text().split())
    assert doc.sha256 in text
    assert "Kontoauszug" in text
    with pikepdf.open(io.BytesIO(receipt.content)) as parsed:
        assert parsed.open_metadata().pdfa_status == "3B"
    detail = customer_client.get(url("document", jc_a, pk=doc.pk)).content.decode()
    assert doc.sha256 in detail
    assert "Kontoauszug" in detail


def _png(image: Any) -> bytes:
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def test_plain_form_without_javascript(customer_client: Client, jc_a: Jobcenter) -> None:
    response = customer_client.post(
        url("document_upload", jc_a),
        {"kind": "payslip", "uploads": [upload(photo(1), "a.jpg"), upload(photo(2), "b.jpg")]},
    )
    assert response.status_code == 302
    doc = Document.objects.get()
    assert doc.state == DocumentState.RECEIVED
    assert doc.page_count == 2
    assert doc.original_names == "a.jpg, b.jpg"
    listing = customer_client.get(url("documents", jc_a)).content.decode()
    assert "Lohn- oder Gehaltsabrechnung" in listing
    assert "Eingegangen" in listing


def test_bad_page_does_not_spoil_the_rest(customer_client: Client, jc_a: Jobcenter) -> None:
    response = customer_client.post(
        url("document_upload", jc_a),
        {"kind": "payslip", "uploads": [upload(b"MZ\x90\x00evil", "x.jpg"), upload(photo(1))]},
        follow=True,
    )
    assert response.status_code == 200
    assert "Diese Datei können wir nicht annehmen" in response.content.decode()
    doc = Document.objects.get()
    assert doc.state == DocumentState.RECEIVED
    assert doc.page_count == 1


def test_blurred_page_hint_before_sending(customer_client: Client, jc_a: Jobcenter) -> None:
    body = customer_client.post(
        url("document_page_upload", jc_a), {"file": upload(photo(3, blur_sigma=7.0))}
    ).json()
    assert body["page"]["state"] == PageState.REFUSED
    assert body["page"]["message"] == "Das Foto ist unscharf – bitte noch einmal."


def test_request_answered_in_one_tap(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, outbox: list[Any]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    req = services.document_request_create(
        request=None,
        jobcenter=jc_a,
        customer=customer,
        items=[RequestItemInput(kind="payslip", reason="Einkommen Oktober")],
        deadline=timezone.localdate() + timedelta(days=10),
        explanation="Für die Weiterbewilligung",
    )
    assert len(outbox) == 1
    assert "Einkommen" not in outbox[0].body  # no social data in the mail
    item = req.items.get()
    listing = customer_client.get(url("documents", jc_a)).content.decode()
    assert "Einkommen Oktober" in listing
    link = f"?kind=payslip&amp;item={item.pk}"
    assert link in listing
    form = customer_client.get(url("document_upload", jc_a) + f"?kind=payslip&item={item.pk}")
    assert f'value="{item.pk}" ' in form.content.decode() or "checked" in form.content.decode()
    response = customer_client.post(
        url("document_upload", jc_a),
        {"kind": "payslip", "item": item.pk, "uploads": [upload(photo(1))]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.fulfilled_at is not None


def test_crash_marks_failed_and_retry_recovers(
    customer_client: Client, jc_a: Jobcenter, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("deskew exploded")

    original = imaging.Deskew.run
    monkeypatch.setattr(imaging.Deskew, "run", boom)
    customer_client.post(
        url("document_upload", jc_a), {"kind": "payslip", "uploads": [upload(photo(1))]}
    )
    doc = Document.objects.get()
    assert doc.state == DocumentState.FAILED
    page = doc.pages.get()
    assert page.original_key and storage.exists(page.original_key)  # never a lost file
    detail = customer_client.get(url("document", jc_a, pk=doc.pk)).content.decode()
    assert "Noch einmal versuchen" in detail
    monkeypatch.setattr(imaging.Deskew, "run", original)
    response = customer_client.post(url("document_retry", jc_a, pk=doc.pk))
    assert response.status_code == 302
    doc.refresh_from_db()
    assert doc.state == DocumentState.RECEIVED


def test_uploaded_pdf_kept_as_is(customer_client: Client, jc_a: Jobcenter) -> None:
    pdf = _simple_pdf()
    customer_client.post(
        url("document_upload", jc_a),
        {"kind": "other", "uploads": [upload(pdf, "brief.pdf", "application/pdf")]},
    )
    doc = Document.objects.get()
    assert doc.state == DocumentState.RECEIVED
    assert doc.is_original_pdf
    assert storage.get(jc_a, doc.file_key) == pdf


def test_pdf_redaction_refused(customer_client: Client, jc_a: Jobcenter) -> None:
    body = customer_client.post(
        url("document_page_upload", jc_a), {"file": upload(_simple_pdf(), "a.pdf")}
    ).json()
    response = customer_client.post(
        url("document_upload", jc_a),
        {
            "kind": "other",
            "draft": body["draft"],
            "redactions": json.dumps({str(body["page"]["id"]): [[0.1, 0.1, 0.2, 0.2]]}),
        },
    )
    assert response.status_code == 422
    assert "In einem PDF können Sie nichts schwärzen" in response.content.decode()
    assert Document.objects.get().state == DocumentState.DRAFT


def test_customer_actions_audited(customer_client: Client, jc_a: Jobcenter) -> None:
    customer_client.post(
        url("document_upload", jc_a), {"kind": "payslip", "uploads": [upload(photo(1))]}
    )
    assert AuditEntry.objects.filter(object_type="document", action="create").count() == 1


def _simple_pdf(pages: int = 1) -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


@pytest.mark.ocr  # reads the page's text (tests/conftest.py)
def test_kind_suggested_before_sending_and_redacted_text_gone(
    customer_client: Client, jc_a: Jobcenter
) -> None:
    import shutil

    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    body = customer_client.post(
        url("document_page_upload", jc_a), {"file": upload(photo(1)), "kind": "other"}
    ).json()
    assert body["page"]["suggested_kind"] == "payslip"
    assert body["page"]["suggestion"] == "Das sieht nach „Lohn- oder Gehaltsabrechnung“ aus."
    # Black out the whole upper half (title, employer, name): that text must be gone from
    # the stored OCR text, not only from the image.
    customer_client.post(
        url("document_upload", jc_a),
        {
            "kind": "payslip",
            "draft": body["draft"],
            "redactions": json.dumps({str(body["page"]["id"]): [[0.0, 0.0, 1.0, 0.2]]}),
        },
    )
    doc = Document.objects.get()
    assert doc.state == DocumentState.RECEIVED
    assert "Verdienstabrechnung" not in doc.ocr_text
    assert "Bahnhofstraße" not in doc.ocr_text
    assert "Auszahlungsbetrag" in doc.ocr_text
    assert doc.pages.get().ocr_text == ""


def test_no_file_chosen(customer_client: Client, jc_a: Jobcenter) -> None:
    response = customer_client.post(url("document_upload", jc_a), {"kind": "payslip"})
    assert response.status_code == 422
    assert "Bitte wählen Sie mindestens ein Foto oder eine Datei." in response.content.decode()
    assert not Document.objects.exists()


def test_refused_document_says_why(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    from tests.documents.conftest import empty_table

    doc = services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(empty_table()), kind="other"
    )
    assert doc.state == DocumentState.REFUSED
    assert "keine Seite zu erkennen" in doc.refusal_message
    page = customer_client.get(url("document", jc_a, pk=doc.pk)).content.decode()
    assert "keine Seite zu erkennen" in page
    assert not doc.pages.get().original_key  # refused: nothing kept


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "My documents"), ("ar", "مستنداتي"), ("uk", "Мої документи")],
)
def test_pages_in_every_language(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile, language: str, heading: str
) -> None:
    customer.user.preferred_language = language
    customer.user.save()
    doc = services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="payslip"
    )
    listing = customer_client.get(url("documents", jc_a)).content.decode()
    assert heading in listing
    for name, kw in [("document_upload", {}), ("document", {"pk": doc.pk})]:
        assert customer_client.get(url(name, jc_a, **kw)).status_code == 200
    receipt = customer_client.get(url("document_receipt", jc_a, pk=doc.pk))
    assert receipt.content.startswith(b"%PDF")
