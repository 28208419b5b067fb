"""Hostile and broken files: each refused with a message in the user's language, nothing
stored, the rest of a multi-page upload unaffected."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.documents.models import Document, DocumentPage
from openjobcenter.tenants.models import Jobcenter
from tests.documents.conftest import photo, png_bomb, upload

pytestmark = pytest.mark.usefixtures("docs_on")


def _pdf(pages: int = 1, *, javascript: bool = False, password: str = "") -> bytes:
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    if javascript:
        pdf.Root.OpenAction = pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('hi')")
        )
    buf = io.BytesIO()
    if password:
        pdf.save(buf, encryption=pikepdf.Encryption(user=password, owner=password))
    else:
        pdf.save(buf)
    return buf.getvalue()


def _pdf_with_attachment() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["x.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ...")
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


BAD: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "wrong_type": (lambda: b"Hallo, ich bin ein Text.", "brief.txt", "Diese Datei können wir"),
    "renamed_exe": (
        lambda: b"MZ\x90\x00\x03" + b"\x00" * 200,
        "foto.jpg",
        "Diese Datei können wir",
    ),
    "zero_byte": (lambda: b"", "leer.jpg", "Die Datei ist leer"),
    "truncated_jpeg": (lambda: photo(1)[:20_000], "halb.jpg", "beschädigt"),
    "png_bomb": (png_bomb, "riesig.png", "zu viele Bildpunkte"),
    "pdf_500_pages": (lambda: _pdf(500), "dick.pdf", "zu viele Seiten"),
    "pdf_javascript": (lambda: _pdf(javascript=True), "js.pdf", "JavaScript"),
    "pdf_password": (lambda: _pdf(password="geheim"), "pw.pdf", "Passwort"),
    "pdf_attachment": (_pdf_with_attachment, "anhang.pdf", "angehängte Dateien"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_refused_with_message_nothing_stored(
    case: str,
    customer_client: Client,
    jc_a: Jobcenter,
    stored_files: Callable[[], list[Path]],
) -> None:
    make, name, expected = BAD[case]
    response = customer_client.post(
        reverse("customer:document_page_upload", kwargs={"jc": jc_a.slug}),
        {"file": upload(make(), name)},
    )
    # Either refused at once (422) or, for content only decoding reveals, refused as a
    # page with the hint; never a 500, never a stored original.
    if response.status_code == 422:
        assert expected in response.json()["error"]
        assert not DocumentPage.objects.exists()
        assert stored_files() == []
    else:
        assert response.status_code == 200
        page = response.json()["page"]
        assert page["state"] == "refused"
        assert expected in page["message"]
        assert DocumentPage.objects.get().original_key != ""  # until the draft is sent


@pytest.mark.parametrize("case", ["renamed_exe", "png_bomb", "pdf_javascript"])
def test_plain_form_rest_unaffected(case: str, customer_client: Client, jc_a: Jobcenter) -> None:
    make, name, expected = BAD[case]
    response = customer_client.post(
        reverse("customer:document_upload", kwargs={"jc": jc_a.slug}),
        {"kind": "payslip", "uploads": [upload(make(), name), upload(photo(2), "gut.jpg")]},
        follow=True,
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    doc = Document.objects.get()
    assert doc.page_count == 1
    assert doc.original_names == "gut.jpg"


def test_message_in_users_language(
    customer_client: Client, jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    customer.user.preferred_language = "en"
    customer.user.save()
    response = customer_client.post(
        reverse("customer:document_page_upload", kwargs={"jc": jc_a.slug}),
        {"file": upload(b"", "leer.jpg")},
    )
    assert response.status_code == 422
    assert response.json()["error"] == "The file is empty. Please select it again."


def test_only_bad_files_nothing_stored(
    customer_client: Client, jc_a: Jobcenter, stored_files: Callable[[], list[Path]]
) -> None:
    response = customer_client.post(
        reverse("customer:document_upload", kwargs={"jc": jc_a.slug}),
        {"kind": "payslip", "uploads": [upload(b"", "a.jpg")]},
    )
    assert response.status_code == 422
    assert "Die Datei ist leer" in response.content.decode()
    assert stored_files() == []


def test_photo_without_page(customer_client: Client, jc_a: Jobcenter) -> None:
    from tests.documents.conftest import empty_table

    body = customer_client.post(
        reverse("customer:document_page_upload", kwargs={"jc": jc_a.slug}),
        {"file": upload(empty_table())},
    ).json()
    assert "keine Seite zu erkennen" in body["page"]["message"]


def test_too_dark(customer_client: Client, jc_a: Jobcenter) -> None:
    body = customer_client.post(
        reverse("customer:document_page_upload", kwargs={"jc": jc_a.slug}),
        {"file": upload(photo(4, darkness=0.2))},
    ).json()
    assert "zu dunkel" in body["page"]["message"]
