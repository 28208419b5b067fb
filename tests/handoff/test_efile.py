"""E-file export: the written folders and JSON files follow docs/efile-export.schema.json
and the layout docs/handoff.md describes."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
from django.core.files.storage import default_storage

from openjobcenter.applications.models import HandoffConfig
from openjobcenter.handoff import items
from openjobcenter.handoff.efile import EfileExportBackend
from openjobcenter.handoff.models import ItemDelivery, ItemDeliveryStatus
from tests.handoff.conftest import PDF, accept, filed_objection, received_document

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "efile-export.schema.json").read_text()
)


def _load(path: str) -> dict[str, Any]:
    with default_storage.open(path) as fh:
        data: dict[str, Any] = json.loads(fh.read())
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(data)
    return data


def test_document_and_objection_land_in_the_customers_record(
    customer: Any, staff_a: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customer.customer_number = "123D456789"
    customer.save(update_fields=["customer_number"])
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter, backend="efile", config={"prefix": "eakte/import"}
    )
    doc = received_document(customer)
    with django_capture_on_commit_callbacks(execute=True):
        accept(doc, staff_a)
        objection = filed_objection(customer, staff_a)
    assert set(ItemDelivery.objects.values_list("status", flat=True)) == {
        ItemDeliveryStatus.DELIVERED
    }
    root = "eakte/import/kunde-123D456789"
    akte = _load(f"{root}/akte.json")
    assert akte["type"] == "akte" and akte["customer_number"] == "123D456789"
    vorgang = _load(f"{root}/unterlagen/vorgang.json")
    assert vorgang["kind"] == "documents"
    dokument = _load(f"{root}/unterlagen/document-D-{doc.pk}/dokument.json")
    assert dokument["metadata"]["document_kind"] == "payslip"
    [file] = dokument["files"]
    assert file["role"] == "hauptdokument"
    assert file["sha256"] == hashlib.sha256(PDF).hexdigest()
    with default_storage.open(f"{root}/unterlagen/document-D-{doc.pk}/{file['name']}") as fh:
        assert fh.read() == PDF
    ref = objection.reference
    dokument = _load(f"{root}/widerspruch-{ref}/objection-{ref}/dokument.json")
    assert dokument["data"]["reasons"] == "Die Miete fehlt im Bescheid."
    assert _load(f"{root}/widerspruch-{ref}/vorgang.json")["kind"] == "objection"


def test_a_retry_writes_the_same_names(customer: Any, staff_a: Any) -> None:
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter, backend="efile", config={"prefix": "eakte"}
    )
    doc = received_document(customer)
    accept(doc, staff_a)
    items.run_for_item("document", doc.pk)
    delivery = ItemDelivery.objects.get(subject_id=doc.pk)
    item = items.input_for(delivery, {"prefix": "eakte"})
    assert item is not None
    assert EfileExportBackend().deliver(item).ok  # a second time: replaced, not renamed
    assert delivery.status == ItemDeliveryStatus.DELIVERED
    akte = (
        f"kunde-{customer.customer_number}"
        if customer.customer_number
        else f"kunde-id-{customer.pk}"
    )
    dirs, _ = default_storage.listdir(f"eakte/{akte}/unterlagen")
    assert dirs == [f"document-D-{doc.pk}"]


def test_prefix_is_checked() -> None:
    assert EfileExportBackend().validate_config({"prefix": "../etc"})
    assert not EfileExportBackend().validate_config({"prefix": "eakte/import"})
