from __future__ import annotations

import io
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from openjobcenter.accounts.models import Role, User
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa


def enable_news(jc: Jobcenter) -> Jobcenter:
    if "news" not in jc.enabled_modules:
        jc.enabled_modules = [*jc.enabled_modules, "news"]
        jc.save()
    return jc


@pytest.fixture
def news_jc(jc_a: Jobcenter) -> Jobcenter:
    return enable_news(jc_a)


@pytest.fixture
def lead_client(
    news_jc: Jobcenter, staff_a: dict[Role, User], client: Client
) -> Callable[[Role], Client]:
    def _login(role: Role = Role.TEAM_LEAD) -> Client:
        return login_with_mfa(client, staff_a[role])

    return _login


def jpeg_with_exif(size: tuple[int, int] = (400, 300)) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "Kamerahersteller"  # Make
    exif[0x9286] = "GPS: 50.55, 9.68"  # UserComment stand-in for location data
    out = io.BytesIO()
    img.save(out, "JPEG", exif=exif.tobytes(), comment=b"geheim")
    return out.getvalue()


def image_upload(
    data: bytes, name: str = "bild.jpg", content_type: str = "image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
