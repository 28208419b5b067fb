"""A small WebVTT reader of our own (W3C WebVTT, the parts captions use).

It checks what a browser needs to show the captions: the ``WEBVTT`` signature, cue
timings (``00:01.000 --> 00:04.000`` or with hours), the end after the start, cues in
order of their start, and skips NOTE, STYLE and REGION blocks. A mistake is reported
with its line number, in the reader's language, so an admin can correct it in the
caption editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

_TIMESTAMP = r"(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})"
_TIMING = re.compile(rf"^{_TIMESTAMP}[ \t]+-->[ \t]+{_TIMESTAMP}(?:[ \t]+(.*))?$")
MAX_BYTES = 512 * 1024


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    identifier: str = ""


class WebVTTError(ValueError):
    def __init__(self, line: int, message: str) -> None:
        # Worded now, in the language active where the mistake was found.
        self.line = line
        self.message = message
        self.text = _("Zeile %(line)d: %(message)s") % {"line": line, "message": message}
        super().__init__(self.text)

    def __str__(self) -> str:
        return self.text


def _seconds(hours: str | None, minutes: str, seconds: str, millis: str) -> float:
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000


def parse(text: str) -> list[Cue]:
    """The cues of ``text``; raises ``WebVTTError`` naming the first wrong line."""
    if len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise WebVTTError(1, _("Die Untertitel-Datei ist zu groß (höchstens 512 KB)."))
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise WebVTTError(line, _("Die Datei enthält ein Nullzeichen und ist keine Textdatei."))
    text = text.removeprefix("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    first = lines[0]
    if not (first == "WEBVTT" or first.startswith(("WEBVTT ", "WEBVTT\t"))):
        raise WebVTTError(
            1, _("Eine WebVTT-Datei beginnt mit der Zeile „WEBVTT“. Hier steht etwas anderes.")
        )
    cues: list[Cue] = []
    i = 1
    # The header may continue until the first blank line.
    while i < len(lines) and lines[i].strip():
        if "-->" in lines[i]:
            raise WebVTTError(i + 1, _("Nach der Zeile „WEBVTT“ muss eine Leerzeile stehen."))
        i += 1
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        block_start = i
        block: list[str] = []
        while i < len(lines) and lines[i].strip():
            block.append(lines[i])
            i += 1
        cue = _block(block, block_start, cues)
        if cue is not None:
            cues.append(cue)
    if not cues:
        raise WebVTTError(len(lines), _("Die Datei enthält keinen einzigen Untertitel."))
    return cues


def _block(block: list[str], block_start: int, cues: list[Cue]) -> Cue | None:
    """One block: a NOTE/STYLE/REGION (None) or a cue."""
    head = block[0]
    word = head.split()[0] if head.split() else ""
    if word in ("NOTE", "STYLE", "REGION") and "-->" not in head:
        if word == "NOTE" or not cues:
            return None
        raise WebVTTError(
            block_start + 1,
            _("STYLE- und REGION-Blöcke müssen vor dem ersten Untertitel stehen."),
        )
    timing_at = 0
    identifier = ""
    if "-->" not in head and re.match(r"^\d{2}:\d{2}", head) and len(block) > 1:
        # A timing with a typo ("->") rather than a cue identifier.
        timing_at = 0
    elif "-->" not in head:
        identifier = head
        timing_at = 1
        if len(block) < 2:
            raise WebVTTError(
                block_start + 2,
                _("Nach der Kennung „%(id)s“ fehlt die Zeitangabe.") % {"id": head[:40]},
            )
    timing_line = block[timing_at]
    line_no = block_start + timing_at + 1
    match = _TIMING.match(timing_line.strip())
    if match is None:
        raise WebVTTError(
            line_no,
            _(
                "Die Zeitangabe „%(line)s“ ist ungültig. "
                "So sieht eine gültige aus: 00:01.000 --> 00:04.000"
            )
            % {"line": timing_line.strip()[:60]},
        )
    g = match.groups()
    start = _seconds(g[0], g[1], g[2], g[3])
    end = _seconds(g[4], g[5], g[6], g[7])
    if end <= start:
        raise WebVTTError(line_no, _("Das Ende des Untertitels muss nach seinem Anfang liegen."))
    if cues and start < cues[-1].start:
        raise WebVTTError(
            line_no,
            _("Die Untertitel müssen nach ihrer Anfangszeit geordnet sein."),
        )
    for offset, cue_line in enumerate(block[timing_at + 1 :], start=timing_at + 1):
        if "-->" in cue_line:
            raise WebVTTError(
                block_start + offset + 1,
                _(
                    "Vor dieser Zeitangabe fehlt eine Leerzeile: "
                    "Jeder Untertitel braucht einen eigenen Block."
                ),
            )
    return Cue(start, end, "\n".join(block[timing_at + 1 :]), identifier)


def format_time(seconds: float) -> str:
    """``75.5`` → ``1:15`` (the label beside "Video ansehen")."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@dataclass(frozen=True)
class Chapter:
    start: float
    title: str

    @property
    def label(self) -> str:
        return format_time(self.start)


_CHAPTER = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{2})\s+(.+)$")


def parse_chapters(text: str) -> list[Chapter]:
    """One chapter a line, ``1:20 Unterlagen hochladen``; raises ``WebVTTError`` (its
    line-numbered message) for a line that is not of that form."""
    chapters: list[Chapter] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _CHAPTER.match(line)
        if match is None:
            raise WebVTTError(
                number,
                _("Ein Kapitel steht so in einer Zeile: „1:20 Titel des Kapitels“."),
            )
        hours, minutes, secs, title = match.groups()
        start = int(hours or 0) * 3600 + int(minutes) * 60 + int(secs)
        if chapters and start <= chapters[-1].start:
            raise WebVTTError(number, _("Die Kapitel müssen nach ihrer Zeit geordnet sein."))
        chapters.append(Chapter(float(start), title[:120]))
    return chapters
