"""The videos' files in a named storage (DESIGN §7: every file through the storage API).

Explainer videos hold no personal data: they are not encrypted, and they live in
Django's default storage (``MEDIA_STORAGE``: a local folder, or the S3-compatible
bucket in production) under ``videos/``. Nothing serves that folder directly; the
``media`` view answers with range requests after the tenant and visibility checks.
"""

from __future__ import annotations

import secrets
from typing import IO, TYPE_CHECKING

from django.core.files import File
from django.core.files.storage import Storage, storages

if TYPE_CHECKING:
    from collections.abc import Iterator

    from openjobcenter.videos.models import Video

_override: Storage | None = None


def use_storage(storage: Storage | None) -> None:
    """Tests point the module at another storage (S3 against moto)."""
    global _override  # noqa: PLW0603 - one switch for tests
    _override = storage


def videos_storage() -> Storage:
    return _override if _override is not None else storages["default"]


def owner_of(video: Video) -> str:
    """The folder of a video's files: its job centre's storage id, or ``shared``."""
    return video.jobcenter.storage_id if video.jobcenter is not None else "shared"


def new_key(owner: str, suffix: str) -> str:
    """A fresh random storage key under ``videos/<owner>/`` (``shared`` or a job
    centre's storage id)."""
    return f"videos/{owner}/{secrets.token_hex(16)}{suffix}"


def put(owner: str, suffix: str, fh: IO[bytes]) -> str:
    name = new_key(owner, suffix)
    return videos_storage().save(name, File(fh, name=name))


def delete(*names: str) -> None:
    for name in names:
        if name:
            videos_storage().delete(name)


def size(name: str) -> int:
    return int(videos_storage().size(name))


def read_range(name: str, start: int, end: int, chunk: int = 256 * 1024) -> Iterator[bytes]:
    """Bytes ``start``..``end`` (inclusive) of ``name``. On S3 a ranged GET, so the app
    never fetches more of the object than the browser asked for."""
    storage = videos_storage()
    bucket = getattr(storage, "bucket", None)
    if bucket is not None:  # django-storages' S3Storage
        key = storage._normalize_name(name)  # type: ignore[attr-defined]
        body = bucket.Object(key).get(Range=f"bytes={start}-{end}")["Body"]
        try:
            while data := body.read(chunk):
                yield data
        finally:
            body.close()
        return
    with storage.open(name, "rb") as fh:
        fh.seek(start)
        left = end - start + 1
        while left > 0:
            data = fh.read(min(chunk, left))
            if not data:
                break
            left -= len(data)
            yield data
