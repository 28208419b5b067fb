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
from tests.browser.conftest import log_in, log_in_staff, new_context, submit
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
    page.get_by_label("Titel", exact=True).fill("So stellen Sie den Antrag")
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
    # Tests run tasks at once, inside the upload's request (MP4 and WebM): on a loaded
    # machine that answer takes longer than a page load.
    with page.expect_navigation(timeout=30_000):
        page.get_by_role("button", name="Hochladen").click()
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


AR_VTT = "WEBVTT\n\n00:00.000 --> 00:02.000\nمرحبا\n"
PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1366, "height": 900}


def test_new_user_walk_video_news_and_feedback(
    browser: Browser,
    server: str,
    videos_jc: Jobcenter,
    staff_a: dict[Role, User],
    customer: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The three parts of issue 22 together, as people meet them: the admin (German, wide
    screen) uploads a German and an Arabic file and watches the conversion's progress,
    attaches the video to the bank-details step and posts news; a customer (Arabic,
    phone) sees the news on the start page and "Video ansehen (0:02)" in Arabic at the
    step, plays the Arabic file with captions and answers "War diese Seite
    verständlich?"; the team lead (German) finds the answer, scrubbed, on the dashboard
    with the step's name in words and the video's use beside it."""
    from openjobcenter.applications.services import application_start
    from openjobcenter.feedback.models import Feedback
    from openjobcenter.news.models import Post
    from openjobcenter.videos import conversion, services

    videos_jc.enabled_modules = sorted({*videos_jc.enabled_modules, "news", "feedback"})
    videos_jc.save(update_fields=["enabled_modules"])
    held: list[int] = []  # the conversions, run below while the admin's page polls
    monkeypatch.setattr(services, "_enqueue", held.append)
    clip(tmp_path / "de.mp4", seconds=3)
    clip(tmp_path / "ar.webm", seconds=2, fmt="webm")
    (tmp_path / "de.vtt").write_text(VTT)
    (tmp_path / "ar.vtt").write_text(AR_VTT)

    admin = new_context(browser, server, viewport=WIDE)
    page = admin.new_page()
    log_in_staff(page, staff_a[Role.ADMIN], videos_jc)
    page.goto("/fulda/staff/videos/neu/")
    page.get_by_label("Titel", exact=True).fill("Bankverbindung angeben")
    page.get_by_label("Veröffentlicht").check()
    submit(page, page.get_by_role("button", name="Anlegen"))
    for language, name in (("de", "de.mp4"), ("ar", "ar.webm")):
        form = page.locator("form[action$='/datei/']")
        form.locator("#id_language").select_option(language)
        form.get_by_label("Videodatei (MP4, WebM oder MOV)").set_input_files(tmp_path / name)
        form.get_by_label("Untertitel (WebVTT-Datei)").set_input_files(tmp_path / f"{language}.vtt")
        submit(page, form.get_by_role("button", name="Hochladen"))
    expect(page.get_by_role("progressbar", name="Fortschritt der Umwandlung")).to_have_count(2)
    expect(page.locator(".video-state-label").first).to_have_text("Wartet auf Umwandlung")
    assert len(held) == 2
    for variant_id in held:
        conversion.variant_process(variant_id=variant_id)
    # The page polls the state and reloads itself when the conversion is done.
    expect(page.locator(".video-state-label")).to_have_text(["Bereit", "Bereit"], timeout=15_000)
    page.get_by_label("Wo soll das Video erscheinen?").select_option(
        "application_step|initial:bank"
    )
    submit(page, page.get_by_role("button", name="Hinzufügen"))
    page.goto("/fulda/staff/neuigkeiten/neu/")
    page.get_by_label("Text", exact=True).fill("Am 24.12. ist das Jobcenter geschlossen.")
    submit(page, page.get_by_role("button", name="Speichern"))
    assert Post.objects.filter(jobcenter=videos_jc).count() == 1
    admin.close()

    # The customer, on a phone, reads Arabic.
    customer.user.preferred_language = "ar"
    customer.user.save(update_fields=["preferred_language"])
    app = application_start(request=None, customer=customer, kind="initial")
    phone = new_context(browser, server, viewport=PHONE)
    page = phone.new_page()
    log_in(page, customer.user.email)
    page.goto("/fulda/")
    expect(page.get_by_text("Am 24.12. ist das Jobcenter geschlossen.")).to_be_visible()
    page.goto(f"/fulda/mein-bereich/antrag/{app.pk}/schritt/bank/")
    summary = page.locator("summary", has_text="مشاهدة الفيديو (0:02)")
    expect(summary).to_be_visible()
    summary.click()
    video = page.locator("video")
    expect(video).to_have_attribute("lang", "ar")  # the Arabic file, not the German one
    assert page.evaluate("document.querySelector('video').offsetWidth") <= PHONE["width"]
    captions = page.locator(".ojc-controls button[aria-pressed]")
    expect(captions).to_have_attribute("aria-pressed", "false")  # Arabic audio, Arabic page
    captions.click()
    expect(captions).to_have_attribute("aria-pressed", "true")
    video.focus()
    page.keyboard.press("k")
    page.wait_for_function(
        "() => { const t = document.querySelector('video').textTracks[0];"
        " return t.mode === 'showing' && t.activeCues && t.activeCues.length > 0"
        " && t.activeCues[0].text === 'مرحبا'; }",
        timeout=10_000,
    )
    widget = page.locator("[data-feedback]")
    widget.get_by_label("لا").check()
    widget.locator("summary").click()
    widget.locator("textarea").fill("Unklar. Meine IBAN DE89 3704 0044 0532 0130 00")
    widget.locator("button[type=submit]").click()
    expect(page.locator("[data-feedback] [role=status]")).to_be_visible()
    phone.close()
    stored = Feedback.objects.get()
    assert (stored.answer, stored.form_key, stored.step_key) == ("no", app.form_key, "bank")
    assert "DE89" not in stored.comment

    lead = new_context(browser, server, viewport=WIDE)
    page = lead.new_page()
    log_in_staff(page, staff_a[Role.TEAM_LEAD], videos_jc)
    page.goto("/fulda/staff/rueckmeldungen/")
    row = page.locator("tbody tr", has=page.locator("th", has_text="Bankverbindung")).first
    expect(row).to_contain_text("1 (100 %)")
    expect(row).to_contain_text("1 Aufruf")
    expect(page.get_by_text("Unklar. Meine IBAN [IBAN]")).to_be_visible()
    lead.close()
