"""The operator's shared DGS video: one upload in the shared library, marked as default
for the help page "startseite", plays on every job centre's Leichte-Sprache page (videos
module or not) until a job centre attaches its own (docs/languages.md, BITV 2.0 § 4)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.test import Client

from openjobcenter.tenants.models import Jobcenter
from openjobcenter.videos import storage
from openjobcenter.videos.models import (
    TargetKind,
    VariantKind,
    VariantState,
    Video,
    VideoAttachment,
    VideoVariant,
)

pytestmark = pytest.mark.django_db

PAGE = "/fulda/leichte-sprache/"
WITH_VIDEO = "Hier ist ein Film in Deutscher Gebärden-Sprache."
WITHOUT_VIDEO = "Das Job-Center holt dann eine Person für die Übersetzung."


def _sign_video(jobcenter: Jobcenter | None, **fields: object) -> tuple[Video, VideoVariant]:
    video = Video.objects.create(jobcenter=jobcenter, title="Gebärdensprache", **fields)
    name = storage.put(storage.owner_of(video), ".mp4", io.BytesIO(b"\x00" * 2048))
    variant = VideoVariant.objects.create(
        video=video,
        kind=VariantKind.SIGN_LANGUAGE,
        language="gsg",
        state=VariantState.READY,
        source_name=name,
        mp4_name=name,
        duration_s=60,
    )
    return video, variant


def _file_url(jobcenter: Jobcenter, video: Video, variant: VideoVariant) -> str:
    return f"/{jobcenter.slug}/videos/{video.pk}/{variant.pk}/video.mp4"


def test_the_shared_default_plays_for_every_job_centre(
    client: Client, jc_a: Jobcenter, jc_b: Jobcenter, media: Path
) -> None:
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "videos"]
    jc_a.save(update_fields=["enabled_modules"])  # no videos module needed
    assert WITHOUT_VIDEO in client.get(PAGE).content.decode()
    video, variant = _sign_video(None, published=True, default_help_page="startseite")
    for jobcenter in (jc_a, jc_b):
        html = client.get(f"/{jobcenter.slug}/leichte-sprache/").content.decode()
        assert WITH_VIDEO in html
        assert f'src="{_file_url(jobcenter, video, variant)}"' in html
        response = client.get(_file_url(jobcenter, video, variant))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"\x00" * 2048  # type: ignore[attr-defined]
    # Only its files are served; the shared video has no page of its own at a job centre.
    assert client.get(f"/fulda/videos/{video.pk}/").status_code == 404


@pytest.mark.parametrize(
    "fields", [{"published": True, "default_help_page": ""}, {"default_help_page": "startseite"}]
)
def test_not_marked_or_not_published_is_neither_shown_nor_served(
    client: Client, jc_a: Jobcenter, media: Path, fields: dict[str, object]
) -> None:
    video, variant = _sign_video(None, **fields)
    assert WITHOUT_VIDEO in client.get(PAGE).content.decode()
    assert client.get(_file_url(jc_a, video, variant)).status_code == 404


def test_a_job_centres_own_video_wins(
    client: Client, jc_a: Jobcenter, jc_b: Jobcenter, media: Path
) -> None:
    shared, shared_variant = _sign_video(None, published=True, default_help_page="startseite")
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, "videos"})
    jc_a.save(update_fields=["enabled_modules"])
    own, own_variant = _sign_video(jc_a, published=True)
    VideoAttachment.objects.create(
        jobcenter=jc_a, video=own, target_kind=TargetKind.HELP_PAGE, target_key="startseite"
    )
    html = client.get(PAGE).content.decode()
    assert _file_url(jc_a, own, own_variant) in html
    assert f"/videos/{shared.pk}/" not in html
    # Another job centre still gets the default; it cannot play A's own video.
    html_b = client.get(f"/{jc_b.slug}/leichte-sprache/").content.decode()
    assert _file_url(jc_b, shared, shared_variant) in html_b
    assert client.get(_file_url(jc_b, own, own_variant)).status_code == 404
