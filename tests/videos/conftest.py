"""Real clips made with ffmpeg's lavfi test sources (seconds long, tiny)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from openjobcenter.accounts.models import Role, User
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.videos.models import Video

VTT = "WEBVTT\n\n00:00.000 --> 00:01.500\nGuten Tag\n\n00:01.500 --> 00:03.000\nSo geht es\n"


def clip(path: Path, *, seconds: float = 2, fmt: str = "mp4", faststart: bool = False) -> bytes:
    codec = (
        ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac"]
        if fmt in ("mp4", "mov")
        else ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-c:a", "libopus"]
    )
    subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc=duration={seconds}:size=160x120:rate=10",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            *codec,
            *(["-movflags", "+faststart"] if faststart else []),
            "-shortest",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path.read_bytes()


@pytest.fixture
def media(tmp_path: Path, settings: Any) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = str(root)
    return root


def stored_files(media: Path) -> list[Path]:
    return sorted(p for p in (media / "videos").rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def mp4_bytes(tmp_path: Path) -> bytes:
    return clip(tmp_path / "clip.mp4")


def upload(
    data: bytes, name: str = "clip.mp4", content_type: str = "video/mp4"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def videos_on(jc_a: Jobcenter, jc_b: Jobcenter) -> Jobcenter:
    for jc in (jc_a, jc_b):
        jc.enabled_modules = [*jc.enabled_modules, "videos", "applications"]
        jc.save(update_fields=["enabled_modules"])
    return jc_a


@pytest.fixture
def admin_a(staff_a: dict[Role, User]) -> User:
    return staff_a[Role.ADMIN]


@pytest.fixture
def video_a(videos_on: Jobcenter) -> Video:
    return Video.objects.create(
        jobcenter=videos_on, title="So stellen Sie den Antrag", published=True
    )


def jc_of(video: Video) -> Jobcenter:
    assert video.jobcenter is not None
    return video.jobcenter
