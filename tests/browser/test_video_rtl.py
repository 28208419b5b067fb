"""Issue 23, item 2: the accessible video player right to left (Farsi, 320 px).

The time label reads left to right ("0:03 / 0:10"), the controls start on the right, the
seek slider's start is on the right and the arrow keys move it the way they point (the
WAI-ARIA slider pattern for right-to-left: left arrow forward), on the slider and on the
video; the Farsi captions and transcript are marked Farsi and right to left; nothing sticks
out or is clipped; axe-core finds nothing (every page, conftest's watch, and once more with
the player built). And the Leichte-Sprache page's German block stays left to right on a
Farsi page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Browser, expect

from openjobcenter.tenants.models import Jobcenter
from openjobcenter.videos import services
from openjobcenter.videos.models import VariantState, Video, VideoVariant
from tests.browser.conftest import check_a11y, new_context
from tests.browser.test_rtl_core_pages import CUT_OFF
from tests.videos.conftest import clip

pytestmark = pytest.mark.browser

FA_VTT = "WEBVTT\n\n00:00.000 --> 00:05.000\nسلام، خوش آمدید\n\n00:05.000 --> 00:10.000\nدرخواست\n"
WIDTH = 320


@pytest.fixture
def farsi_video(jc_a: Jobcenter, settings: Any, tmp_path: Path) -> Video:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, "videos"})
    jc_a.save(update_fields=["enabled_modules"])
    video = Video.objects.create(jobcenter=jc_a, title="So stellen Sie den Antrag", published=True)
    data = clip(tmp_path / "fa.mp4", seconds=10)
    variant = services.variant_upload(
        request=None,
        actor=None,
        video=video,
        kind="standard",
        language="fa",
        upload=SimpleUploadedFile("fa.mp4", data, content_type="video/mp4"),
    )
    variant.refresh_from_db()
    assert variant.state == VariantState.READY  # tests convert at once
    # The texts as the caption editor stores them (test data, not the thing under test).
    VideoVariant.objects.filter(pk=variant.pk).update(
        captions=FA_VTT, transcript="سلام. این ویدیو درخواست را توضیح می‌دهد.", chapters="0:00 شروع"
    )
    return video


def test_player_right_to_left_at_320_px(browser: Browser, server: str, farsi_video: Video) -> None:
    context = new_context(browser, server, viewport={"width": WIDTH, "height": 720})
    context.add_cookies([{"name": "django_language", "value": "fa", "url": server}])
    try:
        page = context.new_page()
        page.goto(f"/fulda/videos/{farsi_video.pk}/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        figure = page.locator("figure.ojc-player")
        expect(figure).to_have_attribute("dir", "rtl")
        seek = page.locator(".ojc-controls input[type=range]")
        expect(seek).to_be_visible()
        page.wait_for_function(
            "() => document.querySelector('.ojc-controls input[type=range]').max === '10'"
        )

        # The time label: numbers left to right, isolated, on the right-to-left page.
        time = page.locator(".ojc-time")
        expect(time).to_have_attribute("dir", "ltr")
        expect(time).to_have_text("0:00 / 0:10")
        assert time.evaluate("el => getComputedStyle(el).direction") == "ltr"
        first_last = time.evaluate(
            """el => { const t = el.firstChild, r = document.createRange();
            r.setStart(t, 0); r.setEnd(t, 1); const a = r.getBoundingClientRect().left;
            r.setStart(t, t.length - 1); r.setEnd(t, t.length);
            return [a, r.getBoundingClientRect().left]; }"""
        )
        assert first_last[0] < first_last[1], first_last  # "0:00" left of "0:10"

        # The controls start on the right: play right of the slider.
        play_box = page.locator(".ojc-controls button").first.bounding_box()
        seek_box = seek.bounding_box()
        assert play_box and seek_box
        assert play_box["x"] > seek_box["x"], (play_box, seek_box)

        # The slider: its start is on the right, the left arrow moves forward.
        assert seek.evaluate("el => getComputedStyle(el).direction") == "rtl"
        seek.focus()
        for _ in range(3):
            page.keyboard.press("ArrowLeft")
        expect(seek).to_have_value("3")
        page.wait_for_function(
            "() => Math.abs(document.querySelector('video').currentTime - 3) < 0.5"
        )
        expect(time).to_have_text("0:03 / 0:10")
        expect(seek).to_have_attribute("aria-valuetext", "0:03 / 0:10")
        page.keyboard.press("ArrowRight")
        expect(seek).to_have_value("2")
        # A click near the slider's left end is near the video's end, and the other way.
        page.mouse.click(
            seek_box["x"] + seek_box["width"] * 0.1, seek_box["y"] + seek_box["height"] / 2
        )
        assert int(seek.input_value()) >= 8
        page.mouse.click(
            seek_box["x"] + seek_box["width"] * 0.9, seek_box["y"] + seek_box["height"] / 2
        )
        assert int(seek.input_value()) <= 2

        # The arrows on the video itself point the same way.
        video = page.locator("video")
        video.evaluate("v => { v.currentTime = 2; }")
        video.focus()
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(
            "() => Math.abs(document.querySelector('video').currentTime - 7) < 0.5"
        )
        page.keyboard.press("ArrowRight")
        page.wait_for_function(
            "() => Math.abs(document.querySelector('video').currentTime - 2) < 0.5"
        )

        # Captions and transcript in Farsi, right to left; the chapter's time left to right.
        expect(page.locator("video track")).to_have_attribute("srclang", "fa")
        transcript = page.locator(".ojc-transcript .prose")
        expect(transcript).to_have_attribute("lang", "fa")
        expect(transcript).to_have_attribute("dir", "rtl")
        expect(page.locator(".ojc-chapters bdi[dir=ltr]")).to_have_text("0:00")

        # Nothing scrolls sideways, sticks out or is cut off; axe with the player built.
        page.locator(".ojc-transcript summary").click()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH
        assert page.evaluate(CUT_OFF, WIDTH) == []
        findings = check_a11y(page, "video player, Farsi, 320 px")
        assert findings == [], [f.line() for f in findings]
    finally:
        context.close()


def test_leichte_sprache_block_left_to_right_on_a_farsi_page(browser: Browser, server: str) -> None:
    context = new_context(browser, server, viewport={"width": WIDTH, "height": 720})
    context.add_cookies([{"name": "django_language", "value": "fa", "url": server}])
    try:
        page = context.new_page()
        page.goto("/fulda/leichte-sprache/")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        block = page.locator(".easy-language")
        expect(block).to_have_attribute("dir", "ltr")
        assert block.evaluate("el => getComputedStyle(el).direction") == "ltr"
        # German starts on the left, with the full stop at its end (not on the left).
        box = page.locator(".easy-language h1").bounding_box()
        assert box is not None and box["x"] < 40, box
        assert page.evaluate("document.scrollingElement.scrollWidth") <= WIDTH
        assert page.evaluate(CUT_OFF, WIDTH) == []
    finally:
        context.close()
