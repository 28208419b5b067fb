"""Keys from the job centre's immutable storage id; rotation that never loses a file."""

from __future__ import annotations

import base64
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.documents import services, storage
from openjobcenter.documents.models import Document
from openjobcenter.tenants.models import Jobcenter
from tests.documents.conftest import photo, upload

pytestmark = pytest.mark.usefixtures("docs_on")

KEY2 = base64.b64encode(b"2" * 32).decode()


def _store(customer: CustomerProfile) -> Document:
    doc = services.document_store_attachment(
        request=None, customer=customer, uploaded_file=upload(photo(1)), kind="payslip"
    )
    assert doc.state == "received"
    return doc


def _download(customer: CustomerProfile, slug: str, doc: Document) -> bytes:
    client = Client()
    client.force_login(customer.user)
    response = client.get(reverse("customer:document_file", kwargs={"jc": slug, "pk": doc.pk}))
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


def _rename(jc: Jobcenter, slug: str) -> None:
    jc.slug = slug
    jc.save()
    jc.refresh_from_db()


def test_renamed_jobcenter_still_opens_its_documents(
    jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    doc = _store(customer)
    before = _download(customer, jc_a.slug, doc)
    assert before.startswith(b"%PDF")
    _rename(jc_a, "fulda-neu")
    assert _download(customer, "fulda-neu", doc) == before


def test_jobcenter_from_before_the_storage_id_keeps_its_slug_key(
    jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    # What the migration gives a job centre that existed before: its slug of that day.
    Jobcenter.objects.filter(pk=jc_a.pk).update(storage_id=jc_a.slug)
    jc_a.refresh_from_db()
    customer.jobcenter.refresh_from_db()
    doc = _store(customer)
    raw = doc.file_key
    blob = storage.documents_storage().open(raw, "rb").read()
    # Sealed under HKDF(info = "jobcenter:<old slug>"), as every file written before.
    assert storage.decrypt(blob, storage_id="fulda", name=raw).startswith(b"%PDF")
    _rename(jc_a, "fulda-umbenannt")
    assert _download(customer, "fulda-umbenannt", doc).startswith(b"%PDF")


def test_storage_id_never_changes(jc_a: Jobcenter) -> None:
    from django.core.exceptions import ValidationError

    before = jc_a.storage_id
    jc_a.storage_id = "anders"
    with pytest.raises(ValidationError):
        jc_a.save()
    assert Jobcenter.objects.get(pk=jc_a.pk).storage_id == before


def _rotate(settings: Any) -> None:
    old_master = base64.b64encode(storage.master_keys()["k1"]).decode()
    settings.DOCUMENTS = {
        **settings.DOCUMENTS,
        "master_key": KEY2,
        "key_id": "k2",
        "old_keys": [f"k1:{old_master}"],
    }


def _names(doc: Document) -> list[str]:
    doc.refresh_from_db()
    page = doc.pages.get()
    return [n for n in (doc.file_key, page.cleaned_key, page.preview_key, page.original_key) if n]


def test_rekey_command_rotates_every_file_and_deletes_the_old_ones(
    customer: CustomerProfile,
    settings: Any,
    stored_files: Callable[[], list[Path]],
) -> None:
    doc = _store(customer)
    content = _download(customer, customer.jobcenter.slug, doc)
    old_names = _names(doc)
    _rotate(settings)
    out = StringIO()
    call_command("documents_rekey", stdout=out)
    assert f"re-encrypted {len(old_names)} files under key k2" in out.getvalue()
    new_names = _names(doc)
    assert not set(new_names) & set(old_names)
    assert all(not storage.exists(name) for name in old_names)
    assert len(stored_files()) == len(new_names)
    assert doc.key_id == "k2"
    settings.DOCUMENTS = {**settings.DOCUMENTS, "old_keys": []}  # the old key is dropped
    assert _download(customer, customer.jobcenter.slug, doc) == content
    again = StringIO()
    call_command("documents_rekey", stdout=again)
    assert "re-encrypted 0 files" in again.getvalue()


def test_a_crash_after_writing_the_new_file_loses_nothing(
    customer: CustomerProfile, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    doc = _store(customer)
    content = _download(customer, customer.jobcenter.slug, doc)
    old_names = _names(doc)
    _rotate(settings)
    real_copy = storage.rekey_copy
    written: list[str] = []

    def copy_then_crash(jobcenter: Jobcenter, name: str) -> str:
        written.append(real_copy(jobcenter, name))
        raise RuntimeError("the process dies after writing the new file")

    monkeypatch.setattr(storage, "rekey_copy", copy_then_crash)
    with pytest.raises(RuntimeError, match="dies"):
        call_command("documents_rekey", stdout=StringIO())
    assert written
    assert storage.exists(written[0])  # the new copy is there ...
    assert _names(doc) == old_names  # ... but the record still points at the old file,
    assert all(storage.exists(name) for name in old_names)  # which was not deleted
    assert _download(customer, customer.jobcenter.slug, doc) == content
    monkeypatch.setattr(storage, "rekey_copy", real_copy)
    call_command("documents_rekey", stdout=StringIO())
    settings.DOCUMENTS = {**settings.DOCUMENTS, "old_keys": []}
    assert _download(customer, customer.jobcenter.slug, doc) == content
    assert all(not storage.exists(name) for name in old_names)


def _raw(table: str, column: str, pk: int) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608 - fixed names
        return str(cursor.fetchone()[0])


@pytest.mark.ocr  # reads the page's text (tests/conftest.py)
def test_ocr_text_is_sealed_in_the_database_and_still_searchable(
    customer: CustomerProfile, customer2: CustomerProfile, settings: Any
) -> None:
    from openjobcenter.core.sealed_fields import is_sealed
    from openjobcenter.documents.models import DocumentPage
    from openjobcenter.documents.selectors import search_documents

    doc = _store(customer)
    doc.refresh_from_db()
    assert "Verdienstabrechnung" in doc.ocr_text  # the photo is a payslip
    raw = _raw(Document._meta.db_table, "ocr_text", doc.pk)
    assert is_sealed(raw)
    assert "Verdienstabrechnung" not in raw
    assert "verdienstabrechnung" not in _raw(Document._meta.db_table, "ocr_index", doc.pk)
    page = DocumentPage.objects.create(document=doc, position=9, ocr_text="Kontoauszug Girokonto")
    raw_page = _raw(DocumentPage._meta.db_table, "ocr_text", page.pk)
    assert is_sealed(raw_page)
    assert "Kontoauszug" not in raw_page
    assert DocumentPage.objects.get(pk=page.pk).ocr_text == "Kontoauszug Girokonto"

    jc = customer.jobcenter
    assert list(search_documents(jc, text="VERDIENSTABRECHNUNG")) == [doc]
    assert list(search_documents(jc, text="Mietvertrag")) == []
    # After a key rotation, before the rekey: found under the old and the new key.
    _rotate(settings)
    other = _store(customer2)
    assert set(search_documents(jc, text="verdienstabrechnung")) == {doc, other}


def test_rekey_seals_plain_ocr_text_and_moves_it_to_the_new_key(
    customer: CustomerProfile, settings: Any
) -> None:
    from openjobcenter.core.sealed_fields import is_sealed, raw_key_id
    from openjobcenter.documents.selectors import search_documents

    doc = _store(customer)
    table = Document._meta.db_table
    from django.db import connection

    with connection.cursor() as cursor:  # as written before the column was sealed
        cursor.execute(
            f"UPDATE {table} SET ocr_text = %s, ocr_index = '' WHERE id = %s",  # noqa: S608
            ["Bewilligungsbescheid Nachtarbeit", doc.pk],
        )
    assert Document.objects.get(pk=doc.pk).ocr_text == "Bewilligungsbescheid Nachtarbeit"
    _rotate(settings)
    call_command("documents_rekey", stdout=StringIO())
    raw = _raw(table, "ocr_text", doc.pk)
    assert is_sealed(raw)
    assert raw_key_id(raw) == "k2"
    settings.DOCUMENTS = {**settings.DOCUMENTS, "old_keys": []}
    assert Document.objects.get(pk=doc.pk).ocr_text == "Bewilligungsbescheid Nachtarbeit"
    assert list(search_documents(customer.jobcenter, text="nachtarbeit")) == [doc]


def test_rekey_seals_plain_application_pdfs_and_chat_attachments(
    customer: CustomerProfile, settings: Any
) -> None:
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from openjobcenter.core import sealed
    from openjobcenter.messaging.models import Conversation, Message
    from tests.applications.staff_data import make_application

    jc = customer.jobcenter
    # Written plain by an earlier version ...
    app = make_application(customer)
    app.pdf_name = default_storage.save("applications/fulda/EA-alt.pdf", ContentFile(b"%PDF alt"))
    app.receipt_pdf_name = sealed.save(jc, "applications", ".pdf", b"%PDF quittung")
    app.save(update_fields=["pdf_name", "receipt_pdf_name"])
    conversation = Conversation.objects.create(jobcenter=jc, customer=customer, subject="Foto")
    message = Message.objects.create(
        conversation=conversation, author=customer.user, side="customer", body="", client_id=""
    )
    message.attachment.name = default_storage.save("chat/2026/01/foto.png", ContentFile(b"PNGDATA"))
    message.save(update_fields=["attachment"])
    plain = [app.pdf_name, message.attachment.name]
    _rotate(settings)
    call_command("documents_rekey", stdout=StringIO())
    settings.DOCUMENTS = {**settings.DOCUMENTS, "old_keys": []}
    app.refresh_from_db()
    message.refresh_from_db()
    assert all(not default_storage.exists(name) for name in plain)  # old files gone
    for name, content in (
        (app.pdf_name, b"%PDF alt"),
        (app.receipt_pdf_name, b"%PDF quittung"),
        (message.attachment.name, b"PNGDATA"),
    ):
        with default_storage.open(name, "rb") as fh:
            raw = fh.read()
        assert content not in raw
        assert not sealed.needs_rekey(name)
        assert sealed.read(jc, name) == content
