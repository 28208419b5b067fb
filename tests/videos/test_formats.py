"""Web formats (MP4 and WebM from MP4, WebM and MOV sources), deleting a variant,
PeerTube embeds from the job centre's own host only, and ranged GETs on S3."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import User
from openjobcenter.core.models import AuditEntry
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.videos import storage
from openjobcenter.videos.models import VariantState, Video, VideoSettings, VideoVariant
from tests.test_media_storage_s3 import MEDIA, bucket  # noqa: F401 - the moto fixture
from tests.videos.conftest import clip, jc_of, stored_files, upload
from tests.videos.test_serving import body

EBML = b"\x1a\x45\xdf\xa3"  # the first bytes of every WebM (Matroska) file


def _upload(client: Client, video: Video, data: bytes, name: str) -> Any:
    return client.post(
        reverse("staff:video_upload", kwargs={"jc": jc_of(video).slug, "pk": video.pk}),
        {"kind": "standard", "language": "de", "file": upload(data, name)},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["webm", "mov"])
def test_webm_and_mov_sources_become_mp4_and_webm(
    fmt: str,
    media: Path,
    video_a: Video,
    admin_a: User,
    staff_client: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    data = clip(tmp_path / f"quelle.{fmt}", seconds=1, fmt=fmt)
    with django_capture_on_commit_callbacks(execute=True):
        assert _upload(staff_client(admin_a), video_a, data, f"quelle.{fmt}").status_code == 302
    variant = VideoVariant.objects.get(video=video_a)
    assert variant.state == VariantState.READY, variant.error_detail
    files = storage.videos_storage()
    assert files.open(variant.webm_name, "rb").read(4) == EBML
    head = files.open(variant.mp4_name, "rb").read(64 * 1024)
    assert head[4:8] == b"ftyp"
    assert head.index(b"moov") < head.index(b"mdat")

    # The player offers the WebM first and the MP4 as the fallback.
    page = Client().get(
        reverse("tenant:video", kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk})
    )
    html = page.content.decode()
    webm_url = reverse(
        "tenant:video_webm",
        kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk, "variant": variant.pk},
    )
    assert html.index('type="video/webm"') < html.index('type="video/mp4"')
    served = Client().get(webm_url, HTTP_RANGE="bytes=0-3")
    assert served.status_code == 206
    assert served["Content-Type"] == "video/webm"
    assert body(served) == EBML


@pytest.mark.django_db
def test_variant_without_webm_plays_the_mp4_alone(
    media: Path, video_a: Video, client: Client
) -> None:
    name = storage.put("test", ".mp4", io.BytesIO(b"\x00" * 64))
    variant = VideoVariant.objects.create(
        video=video_a, state=VariantState.READY, mp4_name=name, poster_name=name, duration_s=5
    )
    html = client.get(
        reverse("tenant:video", kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk})
    ).content.decode()
    assert 'type="video/webm"' not in html
    assert 'type="video/mp4"' in html
    webm = reverse(
        "tenant:video_webm",
        kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk, "variant": variant.pk},
    )
    assert client.get(webm).status_code == 404


@pytest.mark.django_db
def test_admin_deletes_a_variant_with_its_files_and_an_audit_entry(
    media: Path,
    video_a: Video,
    admin_a: User,
    staff_client: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = staff_client(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        _upload(client, video_a, clip(tmp_path / "a.mp4", seconds=1), "a.mp4")
    variant = VideoVariant.objects.get(video=video_a)
    assert len(stored_files(media)) == 4  # source, MP4, WebM, poster
    delete = reverse(
        "staff:video_variant_delete",
        kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk, "variant": variant.pk},
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete)
    assert response.status_code == 302
    assert "Die Fassung wurde gelöscht." in client.get(response["Location"]).content.decode()
    assert not VideoVariant.objects.exists()
    assert stored_files(media) == []
    entry = AuditEntry.objects.get(object_type="video_variant", action="delete")
    assert entry.object_id == str(variant.pk)
    assert str(entry.object_type_label) == "Fassung eines Erklärvideos"


@pytest.mark.django_db
def test_failed_variant_delete_leaves_row_and_files(
    media: Path,
    video_a: Video,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The audit write fails: the transaction rolls back and no file was touched."""
    from openjobcenter.videos import services

    name = storage.put("test", ".mp4", io.BytesIO(b"\x00" * 64))
    variant = VideoVariant.objects.create(
        video=video_a, state=VariantState.READY, mp4_name=name, poster_name=name
    )

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError

    monkeypatch.setattr(services, "_audit", broken)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.variant_delete(request=None, actor=None, variant=variant)
    assert VideoVariant.objects.filter(pk=variant.pk).exists()
    assert storage.videos_storage().exists(name)


# --- PeerTube --------------------------------------------------------------------------


def _settings(client: Client, jc: Jobcenter, host: str) -> Any:
    return client.post(
        reverse("staff:videos", kwargs={"jc": jc.slug}),
        {"peertube_host": host},
    )


@pytest.mark.django_db
def test_peertube_only_from_the_job_centres_own_host(
    video_a: Video, admin_a: User, staff_client: Any, settings: Any
) -> None:
    settings.VIDEOS = {**settings.VIDEOS, "peertube_host": ""}
    client = staff_client(admin_a)
    jc = jc_of(video_a)
    edit = reverse("staff:video", kwargs={"jc": jc.slug, "pk": video_a.pk})
    data = {"title": video_a.title, "published": "on"}

    # Without a host of its own: refused, with the way out.
    refused = client.post(edit, {**data, "peertube_url": "https://tube.example.org/w/abc123"})
    assert refused.status_code == 400
    assert "keine eigene PeerTube-Instanz" in refused.content.decode()

    # A host name with a path is refused; the bare name is stored (and audited).
    assert "Bitte nur den Namen des Servers" in (
        _settings(client, jc, "https://tube.example.org/videos").content.decode()
    )
    assert _settings(client, jc, "Tube.Example.org").status_code == 302
    assert VideoSettings.objects.get(jobcenter=jc).peertube_host == "tube.example.org"
    assert AuditEntry.objects.filter(
        object_type="video_settings", detail__contains="tube.example.org"
    ).exists()

    # Another host, or a page of the right host that is no video: refused, nothing saved.
    other = client.post(edit, {**data, "peertube_url": "https://evil.example.net/w/abc123"})
    assert other.status_code == 400
    assert "Erlaubt sind nur Videos der PeerTube-Instanz tube.example.org." in (
        other.content.decode()
    )
    no_video = client.post(edit, {**data, "peertube_url": "https://tube.example.org/about"})
    assert "keine Adresse eines PeerTube-Videos" in no_video.content.decode()
    video_a.refresh_from_db()
    assert video_a.peertube_url == ""

    assert client.post(edit, {**data, "peertube_url": "https://tube.example.org/w/abc123"})[
        "Location"
    ].endswith(f"/videos/{video_a.pk}/")

    # The player page embeds it, and only that page allows frames, from that host only.
    page = Client().get(reverse("tenant:video", kwargs={"jc": jc.slug, "pk": video_a.pk}))
    assert 'src="https://tube.example.org/videos/embed/abc123"' in page.content.decode()
    csp = page["Content-Security-Policy"]
    assert csp.endswith("; frame-src https://tube.example.org")
    assert csp.count("frame-src") == 1
    library = Client().get(reverse("tenant:videos", kwargs={"jc": jc.slug}))
    assert "frame-src" not in library["Content-Security-Policy"]


@pytest.mark.django_db
def test_another_job_centres_host_is_not_ours(
    video_a: Video, jc_b: Jobcenter, admin_a: User, staff_client: Any, settings: Any
) -> None:
    """Job centre B's PeerTube host gives A nothing: a video pointing there (say, stored
    before A's host changed) is not embedded, and the page allows no frames."""
    settings.VIDEOS = {**settings.VIDEOS, "peertube_host": ""}
    VideoSettings.objects.create(jobcenter=jc_b, peertube_host="tube.b.example")
    VideoSettings.objects.create(jobcenter=jc_of(video_a), peertube_host="tube.a.example")
    Video.objects.filter(pk=video_a.pk).update(peertube_url="https://tube.b.example/w/xyz")
    page = Client().get(
        reverse("tenant:video", kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk})
    )
    assert "<iframe" not in page.content.decode()
    assert "frame-src" not in page["Content-Security-Policy"]


# --- S3: ranged GETs ------------------------------------------------------------------


def test_ranges_are_ranged_gets_on_s3(
    bucket: tuple[Any, Path],  # noqa: F811 - the fixture imported above
    video_a: Video,
) -> None:
    """On S3 a range request becomes one ranged GET of the object: the node never reads
    the whole video to answer for its first bytes."""
    s3, media_root = bucket
    data = bytes(range(256)) * 4096  # 1 MiB
    name = storage.put("test", ".mp4", io.BytesIO(data))
    assert name in {o["Key"] for o in s3.list_objects_v2(Bucket=MEDIA).get("Contents", [])}
    variant = VideoVariant.objects.create(
        video=video_a, state=VariantState.READY, mp4_name=name, poster_name=name
    )
    ranges: list[str | None] = []
    client_of_storage = storage.videos_storage().bucket.meta.client  # type: ignore[attr-defined]
    hook = "before-call.s3.GetObject"

    def seen(params: dict[str, Any], **kwargs: Any) -> None:
        ranges.append(params["headers"].get("Range"))

    client_of_storage.meta.events.register(hook, seen)
    try:
        url = reverse(
            "tenant:video_file",
            kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk, "variant": variant.pk},
        )
        response = Client().get(url, HTTP_RANGE="bytes=1000-1999")
        assert response.status_code == 206
        assert response["Content-Range"] == f"bytes 1000-1999/{len(data)}"
        assert body(response) == data[1000:2000]
        tail = Client().get(url, HTTP_RANGE="bytes=-16")
        assert body(tail) == data[-16:]
    finally:
        client_of_storage.meta.events.unregister(hook, seen)
    assert ranges == ["bytes=1000-1999", f"bytes={len(data) - 16}-{len(data) - 1}"]
    assert list(media_root.rglob("*")) == []


@pytest.mark.django_db
def test_operator_admin_deletes_through_the_services(
    media: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """The Django admin of the shared library: a video or a variant deleted there takes its
    files with it and is audited (no bare row delete)."""
    from django.contrib import admin as django_admin
    from django.test import RequestFactory

    from openjobcenter.videos.admin import SharedVideoAdmin

    shared = Video.objects.create(jobcenter=None, title="Gemeinsam", published=True)
    names = [storage.put("shared", ".mp4", io.BytesIO(b"\x00" * 32)) for _ in range(4)]
    first = VideoVariant.objects.create(video=shared, language="de", mp4_name=names[0])
    VideoVariant.objects.create(
        video=shared, language="en", mp4_name=names[1], webm_name=names[2], poster_name=names[3]
    )
    model_admin = SharedVideoAdmin(Video, django_admin.site)
    request = RequestFactory().post("/admin/videos/video/")
    request.user = User.objects.create_superuser(email="op@example.org", password="x" * 20)

    class Formset:
        deleted_objects = [first]

        def save(self, commit: bool) -> list[VideoVariant]:
            assert commit is False
            return []

    with django_capture_on_commit_callbacks(execute=True):
        model_admin.save_formset(request, None, Formset(), True)
    assert not storage.videos_storage().exists(names[0])
    assert all(storage.videos_storage().exists(n) for n in names[1:])
    with django_capture_on_commit_callbacks(execute=True):
        model_admin.delete_model(request, shared)
    assert stored_files(media) == []
    assert set(
        AuditEntry.objects.filter(action="delete").values_list("object_type", flat=True)
    ) == {"video", "video_variant"}
