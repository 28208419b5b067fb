"""Upload → ffprobe → transcode → ready; bad input is refused with nothing stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import User
from openjobcenter.core.models import AuditEntry
from openjobcenter.videos import services, storage
from openjobcenter.videos.models import VariantState, Video, VideoVariant
from tests.videos.conftest import VTT, clip, jc_of, stored_files, upload


def _upload(client: Client, video: Video, data: bytes, name: str = "clip.mp4", **extra: Any) -> Any:
    return client.post(
        reverse("staff:video_upload", kwargs={"jc": jc_of(video).slug, "pk": video.pk}),
        {"kind": "standard", "language": "de", "file": upload(data, name), **extra},
    )


@pytest.mark.django_db
def test_upload_transcodes_to_faststart_mp4_with_poster(
    media: Path,
    video_a: Video,
    admin_a: User,
    staff_client: Any,
    mp4_bytes: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = staff_client(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(
            client, video_a, mp4_bytes, captions_file=upload(VTT.encode(), "de.vtt", "text/vtt")
        )
    assert response.status_code == 302
    variant = VideoVariant.objects.get(video=video_a)
    assert variant.state == VariantState.READY, variant.error_detail
    assert variant.progress == 100
    assert variant.duration_s == pytest.approx(2, abs=0.2)
    assert variant.captions.startswith("WEBVTT")
    head = storage.videos_storage().open(variant.mp4_name, "rb").read(64 * 1024)
    assert head.index(b"moov") < head.index(b"mdat")  # +faststart: the index first
    assert storage.videos_storage().open(variant.poster_name, "rb").read(3) == b"\xff\xd8\xff"
    assert not variant.source_name or storage.videos_storage().exists(variant.source_name)
    assert AuditEntry.objects.filter(
        object_type="video_variant", object_id=str(variant.pk)
    ).exists()
    page = client.get(reverse("staff:video", kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk}))
    assert "Bereit" in page.content.decode()
    status = client.get(
        reverse(
            "staff:video_variant_status",
            kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk, "variant": variant.pk},
        )
    ).json()
    assert status == {
        "state": "ready",
        "label": "Bereit",
        "progress": 100,
        "error": "",
        "retry": False,
    }


def _refused(
    client: Client, video: Video, media: Path, data: bytes, name: str, words: str, **extra: Any
) -> None:
    before = AuditEntry.objects.count()
    response = _upload(client, video, data, name, **extra)
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not VideoVariant.objects.filter(video=video).exists()
    assert stored_files(media) == []
    assert AuditEntry.objects.count() == before


@pytest.mark.django_db
def test_bad_inputs_are_refused_and_nothing_stored(
    media: Path,
    video_a: Video,
    admin_a: User,
    staff_client: Any,
    mp4_bytes: bytes,
    tmp_path: Path,
    settings: Any,
) -> None:
    client = staff_client(admin_a)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    from PIL import Image

    Image.new("RGB", (32, 32), "red").save(tmp_path / "x.png")
    _refused(
        client,
        video_a,
        media,
        (tmp_path / "x.png").read_bytes(),
        "bild.mp4",
        "kein MP4-, WebM- oder MOV-Video",
    )
    _refused(client, video_a, media, png, "kaputt.mp4", "Die Datei")
    _refused(
        client, video_a, media, b"Hallo, ich bin ein Text", "text.mov", "nicht als Video lesen"
    )
    # Corrupt: an MP4 cut off in the middle.
    _refused(
        client,
        video_a,
        media,
        mp4_bytes[: len(mp4_bytes) // 3],
        "halb.mp4",
        "nicht als Video lesen",
    )
    # Audio only.
    import subprocess

    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "sine=duration=1",
            str(tmp_path / "a.m4a"),
        ],
        check=True,
    )
    _refused(client, video_a, media, (tmp_path / "a.m4a").read_bytes(), "ton.mp4", "keine Bildspur")
    settings.VIDEOS = {**settings.VIDEOS, "max_duration_s": 1}
    _refused(client, video_a, media, mp4_bytes, "lang.mp4", "zu lang")
    settings.VIDEOS = {**settings.VIDEOS, "max_duration_s": 600, "max_upload_bytes": 1000}
    _refused(client, video_a, media, mp4_bytes, "gross.mp4", "zu groß")
    settings.VIDEOS = {**settings.VIDEOS, "max_upload_bytes": 200 * 1024 * 1024}
    _refused(
        client,
        video_a,
        media,
        mp4_bytes,
        "ok.mp4",
        "Zeile 1:",
        captions_file=upload(b"1\n00:00:01,000 --> 00:00:02,000\nSRT\n", "x.vtt", "text/vtt"),
    )


@pytest.mark.django_db
def test_webm_is_accepted(
    media: Path,
    video_a: Video,
    admin_a: User,
    staff_client: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = clip(tmp_path / "c.webm", seconds=1, fmt="webm")
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(staff_client(admin_a), video_a, data, "c.webm").status_code == 302
    assert VideoVariant.objects.get(video=video_a).state == VariantState.READY


@pytest.mark.django_db
def test_failed_transcode_shows_reason_and_retry(
    media: Path,
    video_a: Video,
    admin_a: User,
    staff_client: Any,
    mp4_bytes: bytes,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = staff_client(admin_a)
    settings.VIDEOS = {**settings.VIDEOS, "ffmpeg": "/bin/false"}
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(client, video_a, mp4_bytes).status_code == 302
    variant = VideoVariant.objects.get(video=video_a)
    assert variant.state == VariantState.FAILED
    assert variant.mp4_name == ""
    assert len(stored_files(media)) == 1  # the source only, kept for the retry
    page = client.get(
        reverse("staff:video", kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk})
    ).content.decode()
    assert "Die Umwandlung ist fehlgeschlagen" in page
    assert "Erneut versuchen" in page
    settings.VIDEOS = {**settings.VIDEOS, "ffmpeg": "ffmpeg"}
    retry = reverse(
        "staff:video_variant_retry",
        kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk, "variant": variant.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(retry).status_code == 302
    variant.refresh_from_db()
    assert variant.state == VariantState.READY
    assert variant.attempts == 2


@pytest.mark.django_db
def test_caption_editor_refuses_invalid_webvtt(
    media: Path,
    video_a: Video,
    admin_a: User,
    staff_client: Any,
) -> None:
    variant = VideoVariant.objects.create(video=video_a, captions=VTT)
    url = reverse(
        "staff:video_variant_texts",
        kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk, "variant": variant.pk},
    )
    client = staff_client(admin_a)
    bad = client.post(
        url,
        {"captions": "WEBVTT\n\n00:01.000 --> 00:00.500\nx", "transcript": "neu", "chapters": ""},
    )
    assert bad.status_code == 400
    assert (
        "Zeile 3: Das Ende des Untertitels muss nach seinem Anfang liegen." in bad.content.decode()
    )
    variant.refresh_from_db()
    assert variant.captions == VTT and variant.transcript == ""
    ok = client.post(url, {"captions": VTT, "transcript": "Guten Tag.", "chapters": "0:00 Anfang"})
    assert ok.status_code == 302
    variant.refresh_from_db()
    assert variant.transcript == "Guten Tag." and variant.chapters == "0:00 Anfang"


@pytest.mark.django_db
def test_adopting_a_shared_video(video_a: Video, admin_a: User, staff_client: Any) -> None:
    shared = Video.objects.create(jobcenter=None, title="Kontoauszug fotografieren", published=True)
    VideoVariant.objects.create(
        video=shared, state=VariantState.READY, duration_s=80, mp4_name="x", poster_name="y"
    )
    client = staff_client(admin_a)
    jc = jc_of(video_a).slug
    assert (
        "Kontoauszug fotografieren"
        in client.get(reverse("staff:videos_shared", kwargs={"jc": jc})).content.decode()
    )
    for _ in range(2):
        client.post(reverse("staff:video_adopt", kwargs={"jc": jc, "shared": shared.pk}))
    local = Video.objects.get(jobcenter=jc_of(video_a), adopted_from=shared)
    assert (
        services.video_adopt(request=None, actor=admin_a, jobcenter=jc_of(video_a), shared=shared)
        == local
    )
    client.post(
        reverse("staff:video", kwargs={"jc": jc, "pk": local.pk}),
        {"title": "Kontoauszug – so geht's", "description": "", "published": "on"},
    )
    local.refresh_from_db()
    shared.refresh_from_db()
    assert (local.title, shared.title) == ("Kontoauszug – so geht's", "Kontoauszug fotografieren")
    page = Client().get(reverse("tenant:video", kwargs={"jc": jc, "pk": local.pk})).content.decode()
    assert "1:20" in page


@pytest.mark.django_db
def test_captions_required_refuses_upload_and_publishing_without(
    media: Path,
    video_a: Video,
    admin_a: User,
    staff_client: Any,
    mp4_bytes: bytes,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = staff_client(admin_a)
    jc = jc_of(video_a).slug
    assert (
        client.post(
            reverse("staff:videos", kwargs={"jc": jc}), {"captions_required": "on"}
        ).status_code
        == 302
    )
    refused = _upload(client, video_a, mp4_bytes)
    assert refused.status_code == 400
    assert "Ihr Jobcenter verlangt Untertitel" in refused.content.decode()
    assert not VideoVariant.objects.exists()
    assert stored_files(media) == []
    # Unpublished, the file is taken; publishing it without captions is refused.
    Video.objects.filter(pk=video_a.pk).update(published=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(client, video_a, mp4_bytes).status_code == 302
    detail = reverse("staff:video", kwargs={"jc": jc, "pk": video_a.pk})
    publish = client.post(detail, {"title": video_a.title, "description": "", "published": "on"})
    assert publish.status_code == 400
    assert "Diese Fassungen haben noch keine" in publish.content.decode()
    video_a.refresh_from_db()
    assert not video_a.published
    VideoVariant.objects.filter(video=video_a).update(captions=VTT)
    assert (
        client.post(
            detail, {"title": video_a.title, "description": "", "published": "on"}
        ).status_code
        == 302
    )
    video_a.refresh_from_db()
    assert video_a.published
