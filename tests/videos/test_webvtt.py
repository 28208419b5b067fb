"""The WebVTT reader: valid files pass, mistakes name their line."""

from __future__ import annotations

import pytest
from django.utils import translation

from openjobcenter.videos.webvtt import WebVTTError, format_time, parse, parse_chapters
from tests.videos.conftest import VTT


def test_valid_file_gives_its_cues() -> None:
    cues = parse("\ufeff" + VTT.replace("\n\n00:01", "\n\nNOTE a comment\n\nid-2\n00:01"))
    assert [(c.start, c.end, c.text) for c in cues] == [
        (0.0, 1.5, "Guten Tag"),
        (1.5, 3.0, "So geht es"),
    ]
    assert cues[1].identifier == "id-2"
    assert (
        parse("WEBVTT - Titel\r\n\r\n01:00:00.000 --> 01:00:02.000 align:start\r\nx\r\n")[0].start
        == 3600
    )


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("1\n00:00:01,000 --> 00:00:02,000\nSRT\n", 1, "WEBVTT"),
        ("WEBVTT\n\n00:01.000 -> 00:02.000\nx\n", 3, "Zeitangabe"),
        ("WEBVTT\n\n00:02.000 --> 00:01.000\nx\n", 3, "Ende"),
        ("WEBVTT\n\n00:05.000 --> 00:06.000\na\n\n00:01.000 --> 00:02.000\nb\n", 6, "geordnet"),
        ("WEBVTT\n\n00:01.000 --> 00:02.000\na\n00:02.000 --> 00:03.000\nb\n", 5, "Leerzeile"),
        ("WEBVTT\n\nnur eine kennung\n", 4, "Kennung"),
        ("WEBVTT\n\nNOTE nur\n", 4, "keinen"),
        ("WEBVTT\n\n00:61.000 --> 00:62.000\nx\n", 3, "Zeitangabe"),
    ],
)
def test_mistakes_name_their_line(text: str, line: int, words: str) -> None:
    with translation.override("de"), pytest.raises(WebVTTError) as caught:
        parse(text)
    assert caught.value.line == line
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"Zeile {line}:")


def test_message_in_the_readers_language() -> None:
    with translation.override("en"), pytest.raises(WebVTTError) as caught:
        parse("kein vtt")
    assert str(caught.value).startswith("Line 1:")


def test_chapters_and_time_labels() -> None:
    chapters = parse_chapters("0:00 Einleitung\n1:20 Unterlagen hochladen\n")
    assert [(c.label, c.title) for c in chapters] == [
        ("0:00", "Einleitung"),
        ("1:20", "Unterlagen hochladen"),
    ]
    with pytest.raises(WebVTTError) as caught:
        parse_chapters("0:00 a\nZwei Minuten b")
    assert caught.value.line == 2
    assert format_time(80.4) == "1:20"
    assert format_time(3725) == "1:02:05"
