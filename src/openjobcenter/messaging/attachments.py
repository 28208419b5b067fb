"""Checking, storing and sweeping chat attachments.

When the documents module is on for the job centre the file goes through its pipeline
(type, size and virus checks, encryption at rest). Otherwise the file is checked here
the same way (magic bytes against an allow-list, size limit, and the installation's
virus scanner, ``DOCUMENTS_SCANNER``, failing closed) and stored through the Django
storage API. ``attachments_sweep_orphans`` deletes stored files no message refers to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

# (magic prefix, MIME type); HEIC is recognised by its "ftyp" box brand below.
MAGIC: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
HEIC_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"hevc"}


class AttachmentRefused(Exception):  # noqa: N818 - reads as the situation
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int


def sniff(head: bytes) -> str | None:
    for prefix, mime in MAGIC:
        if head.startswith(prefix):
            return mime
    if len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return "image/heic"
    return None


def check_upload(uploaded: UploadedFile) -> CheckedFile:
    limit = int(settings.MESSAGING["attachment_max_bytes"])
    size = int(uploaded.size or 0)
    if size == 0:
        raise AttachmentRefused(_("Die Datei ist leer."))
    if size > limit:
        raise AttachmentRefused(
            _("Die Datei ist zu groß. Erlaubt sind höchstens %(mb)s MB.")
            % {"mb": limit // (1024 * 1024)}
        )
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    mime = sniff(head)
    if mime is None:
        raise AttachmentRefused(
            _(
                "Diese Art von Datei können wir nicht annehmen. Bitte senden Sie ein Foto (JPG, PNG, HEIC) oder ein PDF."
            )
        )
    _scan(uploaded)
    name = (uploaded.name or "datei").replace("/", "_").replace("\\", "_")[-150:]
    return CheckedFile(name=name, content_type=mime, size=size)


def _scan(uploaded: UploadedFile) -> None:
    """The same scanner and the same words as the documents pipeline; a scanner that is
    configured but cannot answer refuses the file (never stored unscanned)."""
    from openjobcenter.documents.pipeline.base import MESSAGES
    from openjobcenter.documents.scanners import ScannerUnavailable, configured_scanner

    uploaded.seek(0)
    data = uploaded.read()
    uploaded.seek(0)
    try:
        result = configured_scanner().scan(data)
    except ScannerUnavailable as exc:
        raise AttachmentRefused(str(MESSAGES["scanner_unavailable"])) from exc
    if not result.clean:
        raise AttachmentRefused(str(MESSAGES["virus"]))


def documents_pipeline() -> Any | None:
    """The documents module's attachment service, when it exists."""
    try:
        from openjobcenter.documents import services as document_services
    except ImportError:
        return None
    return getattr(document_services, "document_store_attachment", None)


# --- housekeeping -----------------------------------------------------------------------

ORPHAN_AFTER = timedelta(hours=1)


def attachments_sweep_orphans(*, now: Any = None) -> int:
    """Delete chat attachment files that no message refers to (written, then the
    message's transaction rolled back, or the process died in between), once they are
    older than ``ORPHAN_AFTER``, so a file being sent right now is never touched.
    Returns how many were deleted. Runs from the scheduler (``messaging.tasks``)."""
    from django.core.files.storage import default_storage

    from openjobcenter.messaging.models import Message

    cutoff = (now or timezone.now()) - ORPHAN_AFTER
    files = _storage_files(default_storage, "chat")
    referenced: set[str] = set()
    for start in range(0, len(files), 500):  # within every database's parameter limit
        chunk = files[start : start + 500]
        referenced.update(
            Message.objects.filter(attachment__in=chunk).values_list("attachment", flat=True)
        )
    deleted = 0
    for path in files:
        if path in referenced:
            continue
        try:
            if default_storage.get_modified_time(path) > cutoff:
                continue
            default_storage.delete(path)
        except (OSError, NotImplementedError):  # gone meanwhile, or no modified time
            continue
        deleted += 1
    return deleted


def _storage_files(storage: Any, folder: str) -> list[str]:
    try:
        folders, files = storage.listdir(folder)
    except (OSError, NotImplementedError):  # no such folder yet
        return []
    found = [f"{folder}/{name}" for name in files]
    for sub in folders:
        found += _storage_files(storage, f"{folder}/{sub}")
    return found
