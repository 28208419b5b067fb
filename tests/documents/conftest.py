"""Documents fixtures: module switched on, a private media folder, generated photos."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from openjobcenter.documents.synthetic import make_photo, render_page, table_photo
from openjobcenter.tenants.models import Jobcenter

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=8)
def photo(seed: int = 1, *, megapixels: float = 2.0, **kwargs: Any) -> bytes:
    """A generated phone photo of a payslip (small, for speed)."""
    return make_photo(render_page(seed).image, seed=seed, megapixels=megapixels, **kwargs)


@lru_cache(maxsize=1)
def empty_table() -> bytes:
    return table_photo()


def png_bomb(side: int = 20_000) -> bytes:
    """A 1-bit PNG of side × side pixels: a few KB on disk, 400 MP when decoded."""
    buf = io.BytesIO()
    Image.new("1", (side, side), 1).save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def upload(data: bytes, name: str = "seite.jpg", content_type: str = "image/jpeg") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _enable(jc: Jobcenter) -> None:
    if "documents" not in jc.enabled_modules:
        jc.enabled_modules = [*jc.enabled_modules, "documents"]
        jc.save()


@pytest.fixture(autouse=True)
def _commit_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run inside one transaction that never commits: run after-commit work (the
    pipeline tasks, mails) at once, as the worker would right after the commit."""
    from django.db import transaction

    monkeypatch.setattr(transaction, "on_commit", lambda func, using=None, robust=False: func())


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "media"


@pytest.fixture
def docs_on(jc_a: Jobcenter, jc_b: Jobcenter) -> None:
    _enable(jc_a)
    _enable(jc_b)


@pytest.fixture
def stored_files(_media: Path) -> Callable[[], list[Path]]:
    def _list() -> list[Path]:
        root = _media / "documents"
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []

    return _list
