"""Range requests (RFC 9110 §14), caching headers, tenant and visibility checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import Role, User
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.videos import storage
from openjobcenter.videos.media import parse_range
from openjobcenter.videos.models import VariantState, Video, VideoVariant
from tests.videos.conftest import jc_of

DATA = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture
def ready(media: Path, video_a: Video) -> VideoVariant:
    name = storage.put("test", ".mp4", __import__("io").BytesIO(DATA))
    return VideoVariant.objects.create(
        video=video_a,
        state=VariantState.READY,
        mp4_name=name,
        poster_name=name,
        duration_s=80,
        captions="WEBVTT\n\n00:00.000 --> 00:01.000\nHallo\n",
    )


def url(v: VideoVariant, name: str = "tenant:video_file", jc: str | None = None) -> str:
    return reverse(
        name, kwargs={"jc": jc or jc_of(v.video).slug, "pk": v.video_id, "variant": v.pk}
    )


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db
def test_whole_file_and_ranges(client: Client, ready: VideoVariant) -> None:
    whole = client.get(url(ready))
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Length"] == str(len(DATA))
    assert "max-age" in whole["Cache-Control"]
    assert whole["Content-Type"] == "video/mp4"
    assert body(whole) == DATA
    for header, start, end in (
        ("bytes=0-", 0, len(DATA) - 1),
        ("bytes=0-0", 0, 0),
        ("bytes=100-199", 100, 199),
        ("bytes=10000-99999", 10000, len(DATA) - 1),  # end beyond the file: clipped
        ("bytes=-100", len(DATA) - 100, len(DATA) - 1),  # the last 100 bytes
        ("bytes=-99999", 0, len(DATA) - 1),
    ):
        part = client.get(url(ready), HTTP_RANGE=header)
        assert part.status_code == 206, header
        assert part["Content-Range"] == f"bytes {start}-{end}/{len(DATA)}", header
        assert part["Content-Length"] == str(end - start + 1)
        assert body(part) == DATA[start : end + 1], header


@pytest.mark.django_db
def test_unsatisfiable_and_ignored_ranges(client: Client, ready: VideoVariant) -> None:
    for header in (f"bytes={len(DATA)}-", "bytes=999999-1000000", "bytes=-0"):
        refused = client.get(url(ready), HTTP_RANGE=header)
        assert refused.status_code == 416, header
        assert refused["Content-Range"] == f"bytes */{len(DATA)}"
    # Not understood (another unit, several ranges, reversed): the whole file, 200.
    for header in ("items=0-5", "bytes=0-1,5-6", "bytes=50-10", "bytes=abc"):
        whole = client.get(url(ready), HTTP_RANGE=header)
        assert whole.status_code == 200, header
        assert body(whole) == DATA
    # If-Range with another validator: the file may have changed, so all of it.
    stale = client.get(url(ready), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"other"')
    assert stale.status_code == 200
    fresh = client.get(url(ready), HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=stale["ETag"])
    assert fresh.status_code == 206
    assert client.get(url(ready), HTTP_IF_NONE_MATCH=stale["ETag"]).status_code == 304


def test_parse_range_unit() -> None:
    assert parse_range("bytes=5-", 10) == (5, 9)
    assert parse_range("bytes=10-", 10) == "unsatisfiable"
    assert parse_range("bytes=-3", 10) == (7, 9)
    assert parse_range("bytes=-", 10) is None


@pytest.mark.django_db
def test_captions_and_poster(client: Client, ready: VideoVariant) -> None:
    vtt = client.get(url(ready, "tenant:video_captions"))
    assert vtt.status_code == 200
    assert vtt["Content-Type"].startswith("text/vtt")
    assert vtt.content.decode().startswith("WEBVTT")
    assert client.get(url(ready, "tenant:video_poster")).status_code == 200


@pytest.mark.django_db
def test_tenant_and_visibility(
    client: Client,
    ready: VideoVariant,
    jc_b: Jobcenter,
    staff_a: dict[Role, User],
    staff_client: Any,
) -> None:
    # Through another job centre's address: 404.
    assert client.get(url(ready, jc=jc_b.slug)).status_code == 404
    # Unpublished: 404 for the public and for staff without the admin role; the admin
    # previews it.
    Video.objects.filter(pk=ready.video_id).update(published=False)
    assert client.get(url(ready)).status_code == 404
    assert staff_client(staff_a[Role.CASEWORKER]).get(url(ready)).status_code == 404
    assert staff_client(staff_a[Role.ADMIN]).get(url(ready)).status_code == 200
    Video.objects.filter(pk=ready.video_id).update(published=True)
    # Not yet converted: 404.
    VideoVariant.objects.filter(pk=ready.pk).update(state=VariantState.PROCESSING)
    assert Client().get(url(ready)).status_code == 404
    # The module switched off: 404.
    VideoVariant.objects.filter(pk=ready.pk).update(state=VariantState.READY)
    jc = jc_of(ready.video)
    jc.enabled_modules = [m for m in jc.enabled_modules if m != "videos"]
    jc.save(update_fields=["enabled_modules"])
    assert Client().get(url(ready)).status_code == 404


@pytest.mark.django_db
def test_beacons_count_per_day_without_personal_data(client: Client, ready: VideoVariant) -> None:
    from openjobcenter.videos.models import VideoDayStat

    beacon = reverse(
        "tenant:video_beacon", kwargs={"jc": jc_of(ready.video).slug, "pk": ready.video_id}
    )
    for event in ("started", "started", "25", "50", "75", "100"):
        assert client.post(beacon, {"event": event}).status_code == 204
    # A second viewer (another address, no session) counts once more.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(beacon, {"event": "started"}).status_code == 204
    assert client.post(beacon, {"event": "jemand@example.org"}).status_code == 400
    stat = VideoDayStat.objects.get(video_id=ready.video_id)
    assert (stat.started, stat.reached_25, stat.reached_50, stat.reached_75, stat.completed) == (
        2,
        1,
        1,
        1,
        1,
    )
    fields = {f.name for f in VideoDayStat._meta.get_fields()}
    assert fields == {
        "id",
        "video",
        "day",
        "started",
        "reached_25",
        "reached_50",
        "reached_75",
        "completed",
    }


@pytest.mark.django_db
def test_a_flood_of_beacons_counts_once_per_viewer_and_video(
    ready: VideoVariant, customer_client: Client
) -> None:
    """Replayed beacons are answered like the first and not stored: per session (a logged-in
    customer) and per address (a visitor without a session), each event once a window."""
    from openjobcenter.videos.models import VideoDayStat

    beacon = reverse(
        "tenant:video_beacon", kwargs={"jc": jc_of(ready.video).slug, "pk": ready.video_id}
    )
    visitor = Client()
    for _ in range(50):
        assert visitor.post(beacon, {"event": "100"}).status_code == 204
        assert customer_client.post(beacon, {"event": "100"}).status_code == 204
    stat = VideoDayStat.objects.get(video_id=ready.video_id)
    assert (stat.started, stat.completed) == (0, 2)


@pytest.mark.django_db
def test_day_counts_have_a_retention_rule(ready: VideoVariant, jc_b: Jobcenter) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from openjobcenter.retention import registry
    from openjobcenter.retention.services import retention_run
    from openjobcenter.videos.models import VideoDayStat

    rule = registry.get("videos.day_stats")
    today = timezone.localdate()
    old = VideoDayStat.objects.create(
        video_id=ready.video_id, day=today - timedelta(days=rule.default + 2), started=3
    )
    recent = VideoDayStat.objects.create(video_id=ready.video_id, day=today, started=1)
    other_jc = Video.objects.create(jobcenter=jc_b, title="B", published=True)
    other_old = VideoDayStat.objects.create(
        video=other_jc, day=today - timedelta(days=rule.default + 2), started=1
    )
    due = set(rule.due(jc_of(ready.video), rule.cutoff(rule.default)).values_list("pk", flat=True))
    assert due == {old.pk}  # only this job centre's rows
    retention_run()
    assert set(VideoDayStat.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not VideoDayStat.objects.filter(pk=other_old.pk).exists()
