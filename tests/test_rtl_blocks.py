"""Issue 23: blocks in another direction than the page (server-rendered HTML).

The Leichte-Sprache page is German: on a Farsi page its block is ``lang="de" dir="ltr"``;
the video player's own words follow the page (``dir="rtl"`` on a Farsi page, also inside
that German block), its transcript the video's language."""

from __future__ import annotations

import pytest
from django.test import Client

from openjobcenter.tenants.models import Jobcenter

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fa", "fa-af", "ar"])
def test_leichte_sprache_block_is_left_to_right_on_a_right_to_left_page(
    client: Client, jc_a: Jobcenter, language: str
) -> None:
    client.cookies["django_language"] = language
    html = client.get(f"/{jc_a.slug}/leichte-sprache/").content.decode()
    assert f'<html lang="{language}" dir="rtl">' in html
    assert '<div lang="de" dir="ltr" class="easy-language">' in html


def test_player_follows_the_page_and_its_transcript_the_video(
    client: Client, jc_a: Jobcenter
) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    from openjobcenter.videos.models import Video, VideoVariant
    from openjobcenter.videos.selectors import PlayerVideo

    video = Video.objects.create(jobcenter=jc_a, title="Antrag", published=True)
    german = VideoVariant(video=video, language="de", transcript="Guten Tag.", pk=1)
    with translation.override("fa"):
        html = render_to_string(
            "videos/_player.html",
            {"player": PlayerVideo(video, german, [], "fa"), "jobcenter": jc_a},
        )
    assert '<figure class="ojc-player" lang="fa" dir="rtl"' in html
    # A German video's transcript stays German and left to right on the Farsi page.
    assert '<div class="prose" lang="de" dir="ltr">' in html
    farsi = VideoVariant(video=video, language="fa", transcript="سلام", captions="WEBVTT", pk=2)
    with translation.override("de"):
        html = render_to_string(
            "videos/_player.html",
            {"player": PlayerVideo(video, farsi, [], "de"), "jobcenter": jc_a},
        )
    assert '<figure class="ojc-player" lang="de" dir="ltr"' in html
    assert '<div class="prose" lang="fa" dir="rtl">' in html
    assert 'srclang="fa"' in html
