"""E-file export (issue 24 part 3): a documented, versioned JSON and folder layout a DMS
import can consume, after xdomea's structure (record/Akte → process/Vorgang →
document/Dokument). ``docs/efile-export.schema.json`` is its JSON Schema,
``docs/handoff.md`` describes it.

Layout under the configured prefix (Django's default storage: a folder or a bucket)::

    <prefix>/<akte>/akte.json                         the customer's record
    <prefix>/<akte>/<vorgang>/vorgang.json            one process (an application, an
                                                      objection, the documents of a request)
    <prefix>/<akte>/<vorgang>/<dokument>/dokument.json
    <prefix>/<akte>/<vorgang>/<dokument>/<files>      the PDF(s) the metadata lists

Every try writes the same names (replacing what an earlier try left), so a retry is
idempotent; ``dokument.json`` is written last: an import takes a document once its
``dokument.json`` is there.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openjobcenter.handoff.backends import FileDropBackend, _replace
from openjobcenter.handoff.base import (
    APPLICATION,
    CHANGE_NOTICE,
    ConfigField,
    HandoffBackend,
    HandoffInput,
    HandoffResult,
)
from openjobcenter.handoff.registry import register

SCHEMA_ID = "https://openjobcenter.de/schemas/efile-export/1.0.json"
VERSION = "1.0"
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe(value: str) -> str:
    return _SAFE.sub("-", value).strip("-")[:80] or "x"


def _akte(item: HandoffInput) -> str:
    number = str(item.metadata.get("customer_number") or "")
    if number:
        return f"kunde-{_safe(number)}"
    return f"kunde-id-{item.metadata.get('customer_id') or 'unbekannt'}"


def _vorgang(item: HandoffInput) -> tuple[str, str]:
    """(folder, kind) of the process the item belongs to."""
    if item.subject in (APPLICATION, CHANGE_NOTICE):
        return f"antrag-{_safe(item.reference)}", item.subject
    if item.subject == "objection":
        return f"widerspruch-{_safe(item.reference)}", "objection"
    if item.subject == "notice_retrieval":
        notice = item.metadata.get("notice") or {}
        return f"bescheid-{notice.get('id') or _safe(item.reference)}", "notice"
    application_id = item.metadata.get("application_id")
    if application_id:
        return f"antrag-id-{application_id}", "application"
    request_id = item.metadata.get("request_id")
    if request_id:
        return f"nachforderung-{request_id}", "document_request"
    if item.subject == "chat_transcript":
        return "chat", "chat"
    return "unterlagen", "documents"


@register
class EfileExportBackend(HandoffBackend):
    key = "efile"
    label = _("E-Akte (Export nach Aktenstruktur)")
    description = _(
        "Legt Akte, Vorgang und Dokument mit Metadaten als JSON und die PDF-Dateien in "
        "einem Ordner oder Objektspeicher ab, zum Import in ein Dokumentenmanagementsystem."
    )
    config_fields = (
        ConfigField(
            "prefix",
            _("Ordner oder Präfix"),
            _("Zum Beispiel „eakte/import“. Je Kundin oder Kunde entsteht eine Akte."),
        ),
    )

    def validate_config(self, config: Mapping[str, Any]) -> dict[str, str]:
        return FileDropBackend().validate_config(config)

    def deliver(self, item: HandoffInput) -> HandoffResult:
        if self.validate_config(item.config):
            return HandoffResult(ok=False, error="config: prefix", retry=False)
        files: list[tuple[str, str, bytes]] = []  # (role, name, content)
        if item.subject in (APPLICATION, CHANGE_NOTICE) and item.phase != "filing":
            pdf = item.load_pdf()
            if pdf is None:
                return HandoffResult(ok=False, error="PDF not ready yet")
            files.append(("hauptdokument", f"{_safe(item.reference)}.pdf", pdf))
        role = "hauptdokument" if not files else "anlage"
        for name, load in item.attachments:
            files.append((role, _safe(name), load()))
            role = "anlage"
        root = str(item.config["prefix"]).strip("/")
        akte = _akte(item)
        vorgang, vorgang_kind = _vorgang(item)
        phase = f"-{item.phase}" if item.subject in (APPLICATION, CHANGE_NOTICE) else ""
        dokument = f"{item.subject}{phase}-{_safe(item.reference)}"
        folder = f"{root}/{akte}/{vorgang}/{dokument}"
        now = timezone.now().isoformat()
        akte_json = {
            "$schema": SCHEMA_ID,
            "version": VERSION,
            "type": "akte",
            "id": akte,
            "jobcenter": item.jobcenter_slug,
            "customer_number": item.metadata.get("customer_number"),
        }
        vorgang_json = {
            "$schema": SCHEMA_ID,
            "version": VERSION,
            "type": "vorgang",
            "id": vorgang,
            "akte": akte,
            "kind": vorgang_kind,
            "application_id": item.metadata.get("application_id"),
            "request_id": item.metadata.get("request_id"),
        }
        for _role, name, content in files:
            _replace(f"{folder}/{name}", content)
        dokument_json = {
            "$schema": SCHEMA_ID,
            "version": VERSION,
            "type": "dokument",
            "id": dokument,
            "akte": akte,
            "vorgang": vorgang,
            "subject": item.subject,
            "phase": item.phase if item.subject in (APPLICATION, CHANGE_NOTICE) else None,
            "reference": item.reference,
            "kind": item.kind,
            "date": item.metadata.get("date"),
            "received_at": item.submitted_at or item.filed_at or None,
            "exported_at": now,
            "idempotency_key": item.idempotency_key,
            "metadata": dict(item.metadata),
            "data": dict(item.submitted_data),
            "files": [
                {
                    "name": name,
                    "role": role_,
                    "mime_type": "application/pdf",
                    "size": len(content),
                    "sha256": hashlib.sha256(content).hexdigest(),
                }
                for role_, name, content in files
            ],
        }
        if not default_storage.exists(f"{root}/{akte}/akte.json"):
            _replace(f"{root}/{akte}/akte.json", _pretty(akte_json))
        _replace(f"{root}/{akte}/{vorgang}/vorgang.json", _pretty(vorgang_json))
        _replace(f"{folder}/dokument.json", _pretty(dokument_json))
        return HandoffResult(ok=True, detail=f"{folder}/ ({len(files) + 1})")


def _pretty(data: Mapping[str, Any]) -> bytes:
    # Sorted keys and UTF-8 like the other backends' JSON; indented for people who look.
    return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=1).encode()
