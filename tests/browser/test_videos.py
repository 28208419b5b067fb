"""Explainer videos in Chromium: the admin uploads a clip made with ffmpeg, it is
converted, and it plays with its captions showing; every page checked with axe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from openjobcenter.accounts.models import Role, User
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.videos.models import VariantState, Video, VideoVariant
from tests.browser.conftest import log_in_staff, new_context, submit
from tests.videos.conftest import VTT, clip

pytestmark = pytest.mark.browser


@pytest.fixture
def videos_jc(jc_a: Jobcenter, settings: Any, tmp_path: Path) -> Jobcenter:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    jc_a.enabled_modules = [*jc_a.enabled_modules, "videos", "applications"]
    jc_a.save(update_fields=["enabled_modules"])
    return jc_a


def test_upload_convert_and_play_with_captions(
    page: Page,
    browser: Browser,
    server: str,
    videos_jc: Jobcenter,
    staff_a: dict[Role, User],
    tmp_path: Path,
) -> None:
    clip(tmp_path / "erklaert.mp4", seconds=3)
    (tmp_path / "de.vtt").write_text(VTT)
    log_in_staff(page, staff_a[Role.ADMIN], videos_jc)
    page.goto("/fulda/staff/videos/")
    submit(page, page.get_by_role("link", name="Video anlegen"))
    page.get_by_label("Titel").fill("So stellen Sie den Antrag")
    page.get_by_label("Veröffentlicht").check()
    submit(page, page.get_by_role("button", name="Anlegen"))
    expect(page.get_by_role("heading", level=1)).to_have_text("So stellen Sie den Antrag")

    # A picture named .mp4 is refused with the reason; nothing is listed.
    (tmp_path / "bild.mp4").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    page.get_by_label("Videodatei (MP4, WebM oder MOV)").set_input_files(tmp_path / "bild.mp4")
    submit(page, page.get_by_role("button", name="Hochladen"))
    expect(page.get_by_role("alert")).to_contain_text("Die Datei")
    assert not VideoVariant.objects.exists()

    page.get_by_label("Videodatei (MP4, WebM oder MOV)").set_input_files(tmp_path / "erklaert.mp4")
    page.get_by_label("Untertitel (WebVTT-Datei)").set_input_files(tmp_path / "de.vtt")
    submit(page, page.get_by_role("button", name="Hochladen"))
    expect(page.get_by_text("Die Datei wurde hochgeladen")).to_be_visible()
    expect(page.locator(".video-state-label")).to_have_text("Bereit")
    variant = VideoVariant.objects.get()
    assert variant.state == VariantState.READY

    # The caption editor refuses a broken file with the line.
    page.get_by_role("link", name="Untertitel, Transkript, Kapitel").click()
    page.get_by_label("Untertitel (WebVTT)").fill("WEBVTT\n\n00:02.000 --> 00:01.000\nFalsch")
    submit(page, page.get_by_role("button", name="Speichern"))
    expect(page.get_by_role("alert")).to_contain_text("Zeile 3:")
    page.get_by_label("Untertitel (WebVTT)").fill(VTT)
    page.get_by_label("Transkript").fill("Guten Tag. So geht es.")
    page.get_by_label("Kapitel").fill("0:00 Anfang\n0:01 Mitte")
    submit(page, page.get_by_role("button", name="Speichern"))

    # Attach it to the bank-details step of the application.
    page.get_by_label("Wo soll das Video erscheinen?").select_option(
        "application_step|initial:bank"
    )
    submit(page, page.get_by_role("button", name="Hinzufügen"))
    expect(page.get_by_text("Das Video erscheint jetzt an dieser Stelle.")).to_be_visible()
    page.goto("/fulda/staff/videos/gemeinsam/")
    page.goto("/fulda/staff/videos/auswertung/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Auswertung der Erklärvideos")

    # An English-speaking visitor: German audio, so the captions are on by default.
    video = Video.objects.get()
    visitor = new_context(browser, server, locale="en-GB")
    try:
        other = visitor.new_page()
        other.goto("/fulda/videos/")
        other.get_by_role("link", name="So stellen Sie den Antrag").click()
        other.wait_for_url(f"**/fulda/videos/{video.pk}/")
        player = other.locator("video")
        expect(player).to_be_visible()
        assert other.evaluate(
            "document.querySelector('video').canPlayType('video/mp4; codecs=\"avc1.42E01E\"')"
        ), "this Chromium cannot play H.264"
        expect(other.get_by_role("button", name="Captions")).to_have_attribute(
            "aria-pressed", "true"
        )
        other.get_by_role("button", name="Play").click()
        other.wait_for_function(
            "() => { const t = document.querySelector('video').textTracks[0];"
            " return t.mode === 'showing' && t.activeCues && t.activeCues.length > 0"
            " && t.activeCues[0].text === 'Guten Tag'; }",
            timeout=10_000,
        )
        other.get_by_text("Show transcript").click()
        expect(other.get_by_text("Guten Tag. So geht es.")).to_be_visible()
        other.get_by_role("button", name="0:01 Mitte").click()
        other.wait_for_function("() => document.querySelector('video').currentTime >= 1")
        other.locator("video").focus()
        other.keyboard.press("k")
        other.wait_for_function("() => document.querySelector('video').paused")
    finally:
        visitor.close()


def test_customer_watches_the_video_beside_the_step_in_arabic(
    browser: Browser,
    server: str,
    videos_jc: Jobcenter,
    customer: Any,
    tmp_path: Path,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from openjobcenter.applications.services import application_start
    from openjobcenter.videos import services
    from openjobcenter.videos.models import TargetKind, VideoAttachment

    video = Video.objects.create(jobcenter=videos_jc, title="Bankverbindung", published=True)
    data = clip(tmp_path / "bank.mp4", seconds=2)
    variant = services.variant_upload(
        request=None,
        actor=None,
        video=video,
        kind="standard",
        language="de",
        upload=SimpleUploadedFile("bank.mp4", data, "video/mp4"),
    )
    from openjobcenter.videos import conversion

    conversion.variant_process(variant_id=variant.pk)
    services.variant_set_texts(
        request=None, actor=None, variant=variant, captions=VTT, transcript="", chapters=""
    )
    VideoAttachment.objects.create(
        jobcenter=videos_jc,
        video=video,
        target_kind=TargetKind.APPLICATION_STEP,
        target_key="initial:bank",
    )
    app = application_start(request=None, customer=customer, kind="initial")
    customer.user.preferred_language = "ar"
    customer.user.save(update_fields=["preferred_language"])
    visitor = new_context(browser, server)
    try:
        page = visitor.new_page()
        from tests.browser.conftest import log_in

        log_in(page, customer.user.email)
        page.goto(f"/fulda/mein-bereich/antrag/{app.pk}/schritt/bank/")
        summary = page.locator("summary", has_text="(0:02)")
        expect(summary).to_be_visible()
        summary.click()
        player = page.locator("video")
        expect(player).to_be_visible()
        # German audio on an Arabic page: the captions are on.
        expect(page.locator(".ojc-controls button[aria-pressed]")).to_have_attribute(
            "aria-pressed", "true"
        )
        page.keyboard.press("Tab")
        page.locator("video").focus()
        page.keyboard.press("k")
        page.wait_for_function("() => !document.querySelector('video').paused")
    finally:
        visitor.close()
