"""Files of a job centre sealed at rest in Django's default storage.

Application PDFs and chat attachments (when the documents module is off) are kept in the
default storage, next to logos that are meant to be public. They are sealed the same way
as documents (``documents/storage.py``): AES-256-GCM under the job centre's key, derived
from ``DOCUMENTS_MASTER_KEY`` and the job centre's immutable ``storage_id``, with the
storage name as associated data. Names are random and carry no personal data.

Files written before sealing existed are read as they are (plain); ``manage.py
documents_rekey`` seals them (write the sealed copy, switch the record, delete the old).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from openjobcenter.documents import storage as crypto

if TYPE_CHECKING:
    from openjobcenter.tenants.models import Jobcenter


def new_name(jobcenter: Jobcenter, folder: str, suffix: str = "") -> str:
    return f"{folder}/{jobcenter.storage_id}/{secrets.token_hex(16)}{suffix}"


def save(jobcenter: Jobcenter, folder: str, suffix: str, data: bytes) -> str:
    """Seal and store ``data``; returns the storage name (to keep in the record)."""
    name = new_name(jobcenter, folder, suffix)
    blob = crypto.encrypt(data, storage_id=jobcenter.storage_id, name=name)
    stored = default_storage.save(name, ContentFile(blob))
    if stored != name:  # a storage that renames would break the associated data
        default_storage.delete(stored)
        msg = f"storage renamed {name!r} to {stored!r}"
        raise RuntimeError(msg)
    return name


def read(jobcenter: Jobcenter, name: str) -> bytes | None:
    """The plain content, or None when there is no such file."""
    if not name or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as fh:
        blob: bytes = fh.read()
    if not blob.startswith(crypto.MAGIC):
        return blob  # written before sealing: the rekey command seals it
    return crypto.decrypt(blob, storage_id=jobcenter.storage_id, name=name)


def needs_rekey(name: str) -> bool:
    """Plain (older) or sealed under another than the current key."""
    with default_storage.open(name, "rb") as fh:
        head = fh.read(len(crypto.MAGIC) + 256)
    return not head.startswith(crypto.MAGIC) or crypto.blob_key_id(head) != (
        crypto.current_key_id()
    )


def rekey_copy(jobcenter: Jobcenter, name: str, folder: str) -> str:
    """Write the file again under the current key as a new file; the caller switches its
    record to the returned name and only then deletes the old file."""
    data = read(jobcenter, name)
    if data is None:
        msg = f"{name!r} is gone"
        raise FileNotFoundError(msg)
    tail = name.rsplit("/", 1)[-1]
    suffix = tail[tail.index(".") :] if "." in tail else ""
    return save(jobcenter, folder, suffix, data)


def delete(name: str) -> None:
    if name:
        default_storage.delete(name)
