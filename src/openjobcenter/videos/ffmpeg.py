"""ffprobe and ffmpeg (Debian's package) as the pipeline's two tools.

``probe`` reads what a file really is (never its name or the browser's content type);
``transcode`` writes a web MP4 (H.264/AAC, ``+faststart`` so the index is at the start
and the first frame needs only the file's first bytes) and reports progress from
ffmpeg's ``-progress`` output; ``poster`` takes one frame as a JPEG.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from openjobcenter.videos.conf import conf

# ffprobe's format names of the containers we accept: MP4/MOV (one demuxer) and WebM.
ACCEPTED_FORMATS = {"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"}
PROBE_TIMEOUT_S = 30


class ProbeError(Exception):
    """The file is not a video we accept; ``code`` names why (see ``errors.MESSAGES``)."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class ProbeResult:
    format_name: str
    duration_s: float
    width: int
    height: int
    has_audio: bool


def probe(path: Path) -> ProbeResult:
    try:
        run = subprocess.run(  # noqa: S603 - fixed program, our own arguments
            [
                conf()["ffprobe"],
                "-v",
                "error",
                "-print_format",
                "json",
                "-show_format",
                "-show_streams",
                str(path),
            ],
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ProbeError("corrupt", "ffprobe timed out") from exc
    if run.returncode != 0:
        raise ProbeError("corrupt", run.stderr.decode(errors="replace")[-200:])
    try:
        info = json.loads(run.stdout)
        fmt = info["format"]
        streams = info.get("streams", [])
    except (ValueError, KeyError) as exc:
        raise ProbeError("corrupt", "no format") from exc
    name = str(fmt.get("format_name", ""))
    if name not in ACCEPTED_FORMATS:
        raise ProbeError("format", name)
    video = [s for s in streams if s.get("codec_type") == "video" and not _is_cover(s)]
    if not video:
        raise ProbeError("no_video")
    try:
        duration = float(fmt.get("duration") or video[0].get("duration") or 0)
    except ValueError:
        duration = 0.0
    if duration <= 0:
        raise ProbeError("corrupt", "no duration")
    if duration > conf()["max_duration_s"]:
        raise ProbeError("too_long", f"{duration:.0f}")
    return ProbeResult(
        format_name=name,
        duration_s=duration,
        width=int(video[0].get("width") or 0),
        height=int(video[0].get("height") or 0),
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
    )


def _is_cover(stream: dict[str, object]) -> bool:
    disposition = stream.get("disposition")
    return isinstance(disposition, dict) and bool(disposition.get("attached_pic"))


def transcode(
    source: Path,
    target: Path,
    *,
    duration_s: float,
    has_audio: bool,
    on_progress: Callable[[int], None],
    webm_target: Path | None = None,
) -> None:
    """``source`` → ``target`` (MP4, H.264 up to 720p, AAC) and, with ``webm_target``,
    a VP9/Opus WebM from the same decoding (one ffmpeg run, two outputs; VP9 in libvpx's
    realtime mode costs about as much CPU as the H.264 encode). Raises
    ``ProbeError("transcode")``."""
    maps = ["-map", "0:v:0", *(["-map", "0:a:0"] if has_audio else [])]
    scale = ["-vf", "scale='min(1280,iw)':-2"]
    webm = (
        [
            *maps,
            *scale,
            "-c:v",
            "libvpx-vp9",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-row-mt",
            "1",
            "-b:v",
            "0",
            "-crf",
            "34",
            "-pix_fmt",
            "yuv420p",
            *(["-c:a", "libopus", "-b:a", "96k", "-ac", "2"] if has_audio else []),
            str(webm_target),
        ]
        if webm_target is not None
        else []
    )
    args = [
        conf()["ffmpeg"],
        "-nostdin",
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-i",
        str(source),
        *maps,
        *scale,
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-crf",
        "23",
        "-pix_fmt",
        "yuv420p",
        *(["-c:a", "aac", "-b:a", "128k", "-ac", "2"] if has_audio else []),
        "-movflags",
        "+faststart",
        "-progress",
        "pipe:1",
        "-nostats",
        str(target),
        *webm,
    ]
    proc = subprocess.Popen(  # noqa: S603 - fixed program, our own arguments
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None  # noqa: S101 - Popen with PIPE
    last = -1
    for raw in proc.stdout:
        key, _sep, value = raw.decode(errors="replace").strip().partition("=")
        # out_time_us (out_time_ms is the same figure in microseconds, a known misnomer).
        if key in ("out_time_us", "out_time_ms") and value.isdigit() and duration_s > 0:
            percent = min(99, int(int(value) / 1_000_000 / duration_s * 100))
            if percent >= last + 5:
                last = percent
                on_progress(percent)
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.wait() != 0:
        raise ProbeError("transcode", stderr[-300:])


def poster(source: Path, target: Path, *, at_s: float) -> None:
    run = subprocess.run(  # noqa: S603 - fixed program, our own arguments
        [
            conf()["ffmpeg"],
            "-nostdin",
            "-loglevel",
            "error",
            "-y",
            "-ss",
            f"{at_s:.2f}",
            "-i",
            str(source),
            "-frames:v",
            "1",
            "-vf",
            "scale='min(1280,iw)':-2",
            "-q:v",
            "4",
            str(target),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    if run.returncode != 0 or not target.exists():
        raise ProbeError("transcode", run.stderr.decode(errors="replace")[-300:])
