"""A video attached to a form step appears there, in the page's language."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import ApplicationStep
from openjobcenter.applications.services import application_start
from openjobcenter.videos import selectors
from openjobcenter.videos.models import (
    TargetKind,
    VariantKind,
    VariantState,
    Video,
    VideoAttachment,
    VideoVariant,
)
from tests.videos.conftest import VTT, jc_of


def _variant(
    video: Video, language: str, seconds: float, kind: str = VariantKind.STANDARD
) -> VideoVariant:
    return VideoVariant.objects.create(
        video=video,
        language=language,
        kind=kind,
        state=VariantState.READY,
        mp4_name=f"videos/t/{language}{kind}.mp4",
        poster_name="p.jpg",
        duration_s=seconds,
        captions=VTT,
    )


@pytest.mark.django_db
def test_step_shows_video_in_the_customers_language(
    video_a: Video,
    customer: CustomerProfile,
    client: Client,
    admin_a: User,
    staff_client: Any,
) -> None:
    de = _variant(video_a, "de", 80)
    en = _variant(video_a, "en", 95)
    _variant(video_a, "gsg", 100, VariantKind.SIGN_LANGUAGE)
    staff = staff_client(admin_a)
    jc = jc_of(video_a).slug
    response = staff.post(
        reverse("staff:video_attach", kwargs={"jc": jc, "pk": video_a.pk}),
        {"target": f"{TargetKind.APPLICATION_STEP}|initial:bank"},
    )
    assert response.status_code == 302
    staff.logout()
    app = application_start(request=None, customer=customer, kind="initial")
    client.force_login(customer.user)
    step = reverse("customer:application_step", kwargs={"jc": jc, "pk": app.pk, "step_key": "bank"})
    german = client.get(step).content.decode()
    assert "Video ansehen (1:20)" in german
    assert f"/{de.pk}/video.mp4" in german
    assert "<track" in german and " default" not in german.split("<track", 1)[1].split(">", 1)[0]
    assert "Gebärdensprache" in german
    client.post(reverse("set_language"), {"language": "en", "next": step})
    english = client.get(step, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Watch video (1:35)" in english
    assert f"/{en.pk}/video.mp4" in english
    # Arabic: no Arabic variant, so German, with its captions on by default.
    client.post(reverse("set_language"), {"language": "ar", "next": step})
    arabic = client.get(step).content.decode()
    assert f"/{de.pk}/video.mp4" in arabic
    track = arabic.split("<track", 1)[1].split(">", 1)[0]
    assert " default" in track
    # Another step: nothing.
    other = reverse(
        "customer:application_step", kwargs={"jc": jc, "pk": app.pk, "step_key": "personal"}
    )
    assert "/video.mp4" not in client.get(other).content.decode()
    # Unpublished: gone from the step.
    Video.objects.filter(pk=video_a.pk).update(published=False)
    assert "/video.mp4" not in client.get(step).content.decode()


@pytest.mark.django_db
def test_refused_attachment_changes_nothing(
    video_a: Video, admin_a: User, staff_client: Any
) -> None:
    response = staff_client(admin_a).post(
        reverse("staff:video_attach", kwargs={"jc": jc_of(video_a).slug, "pk": video_a.pk}),
        {"target": "application_step|erfunden:schritt"},
    )
    assert response.status_code == 400
    assert not VideoAttachment.objects.exists()


@pytest.mark.django_db
def test_step_error_rate_before_and_after(
    video_a: Video, customer: CustomerProfile, customer2: CustomerProfile
) -> None:
    app_before = application_start(request=None, customer=customer, kind="initial")
    app_after = application_start(request=None, customer=customer2, kind="initial")
    attachment = VideoAttachment.objects.create(
        jobcenter=jc_of(video_a),
        video=video_a,
        target_kind=TargetKind.APPLICATION_STEP,
        target_key="initial:bank",
    )
    now = timezone.now()
    a, _c = ApplicationStep.objects.get_or_create(application=app_before, step_key="bank")
    ApplicationStep.objects.filter(pk=a.pk).update(
        started_at=now - timedelta(days=3), completed_at=None
    )
    b, _c = ApplicationStep.objects.get_or_create(application=app_after, step_key="bank")
    ApplicationStep.objects.filter(pk=b.pk).update(
        started_at=now + timedelta(minutes=1),
        completed_at=now + timedelta(minutes=5),
    )
    VideoAttachment.objects.filter(pk=attachment.pk).update(created_at=now)
    rows = selectors.video_stats(jc_of(video_a))
    change = rows[0].step_changes[0]
    assert (change.before_started, change.before_failed, change.before_rate) == (1, 1, 100)
    assert (change.after_started, change.after_failed, change.after_rate) == (1, 0, 0)


@pytest.mark.django_db
def test_stats_page_for_team_lead_not_for_caseworker(
    video_a: Video,
    staff_a: dict[Role, User],
    staff_client: Any,
    media: Path,
) -> None:
    url = reverse("staff:videos_stats", kwargs={"jc": jc_of(video_a).slug})
    assert staff_client(staff_a[Role.CASEWORKER]).get(url).status_code == 403
    page = staff_client(staff_a[Role.TEAM_LEAD]).get(url)
    assert page.status_code == 200
    assert video_a.title in page.content.decode()


@pytest.mark.django_db
def test_document_kind_and_appointment_type_show_their_videos(
    video_a: Video, customer: CustomerProfile, client: Client, appt_type: Any
) -> None:
    _variant(video_a, "de", 65)
    jc = jc_of(video_a)
    jc.enabled_modules = [*jc.enabled_modules, "documents", "appointments"]
    jc.save(update_fields=["enabled_modules"])
    appt_type.self_bookable = True
    appt_type.save()
    for kind, key in (
        (TargetKind.DOCUMENT_KIND, "bank_statement"),
        (TargetKind.APPOINTMENT_TYPE, str(appt_type.pk)),
    ):
        VideoAttachment.objects.create(
            jobcenter=jc, video=video_a, target_kind=kind, target_key=key
        )
    client.force_login(customer.user)
    upload_page = reverse("customer:document_upload", kwargs={"jc": jc.slug})
    assert (
        "Video ansehen (1:05)" in client.get(upload_page + "?kind=bank_statement").content.decode()
    )
    assert "Video ansehen" not in client.get(upload_page + "?kind=payslip").content.decode()
    slot_page = reverse("customer:book_slot", kwargs={"jc": jc.slug, "type_id": appt_type.pk})
    assert "Video ansehen (1:05)" in client.get(slot_page).content.decode()
