"""Benchmark of the explainer videos: first frame over range requests, and transcoding.

    .venv/bin/python bench/videos.py               # a ~10 MB, 720p source video
    .venv/bin/python bench/videos.py --smoke       # seconds, tiny clip; CI: fails if broken

1. Transcoding: a source made with ffmpeg's lavfi ``testsrc2`` + ``sine`` (720p, about
   10 MB) goes through the real upload service (ffprobe check, storage) and the real
   conversion (``videos.conversion.variant_process``: H.264/AAC MP4 with ``+faststart``,
   poster). Throughput is the source's duration divided by the wall time (× real time),
   beside the CPU seconds ffmpeg used per source second.
2. First frame: the real server (uvicorn, ``bench/videos_asgi.py``, embedded SQLite, local
   files) serves the converted file. What a player needs for the first frame of a
   faststart MP4 is the file's start up to the end of the ``moov`` index plus the first
   keyframe's data (estimated as the first 256 KB of ``mdat``, more than a 720p keyframe
   at this rate). Measured on a fresh connection each time: time to the response
   headers, and time until those bytes arrived, for
   - the platform's range view (``Range: bytes=0-``, tenant and visibility checks), and
   - a plain static file response of the same file in the same server (no Django).
   Interleaved A/B/A/B; the server's CPU time per request is read from ``/proc``.

Target (issue 22): first frame within 1 s on a local connection for a 10 MB video.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as ``python bench/videos.py``: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    sys.path.insert(1, str(Path(__file__).resolve().parents[1] / "src"))

from bench.common import SMOKE_HELP, SmokeFailure, smoke_require

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]
FIRST_KEYFRAME_BYTES = 256 * 1024


def make_source(path: Path, *, seconds: float, size: str, rate: str) -> None:
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=duration={seconds}:size={size}:rate=25",
            "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
            "-c:v", "libx264", "-preset", "ultrafast", "-b:v", rate, "-maxrate", rate,
            "-bufsize", rate, "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path),
        ],
        check=True,
    )  # fmt: skip


def first_frame_bytes(path: Path) -> int:
    """End of ``moov`` (when it comes before ``mdat``) plus the first keyframe's estimate."""
    data = path.read_bytes()
    pos, moov_end, mdat_start = 0, None, None
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8 : pos + 16])[0]
        if kind == b"moov":
            moov_end = pos + size
        if kind == b"mdat" and mdat_start is None:
            mdat_start = pos
        if size < 8:
            break
        pos += size
    if moov_end is None or mdat_start is None or moov_end > mdat_start:
        msg = "moov is not at the start (no +faststart): the player needs the file's end first"
        raise RuntimeError(msg)
    return min(len(data), mdat_start + FIRST_KEYFRAME_BYTES)


def server_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fetch(port: int, path: str, want: int, headers: dict[str, str]) -> tuple[float, float, int]:
    """(ms to headers, ms until ``want`` bytes arrived, status) on a fresh connection."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    headers_ms = (time.perf_counter() - started) * 1000
    got = 0
    while got < want:
        chunk = response.read1(min(65536, want - got))
        if not chunk:
            break
        got += len(chunk)
    done_ms = (time.perf_counter() - started) * 1000
    conn.close()  # the player would go on reading; we stop at the first frame
    if got < want:
        msg = f"{path}: only {got} of {want} bytes"
        raise RuntimeError(msg)
    return headers_ms, done_ms, response.status


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def main() -> int:  # noqa: PLR0915 - one linear measurement script
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help=SMOKE_HELP)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    smoke = args.smoke
    rounds = 2 if smoke else args.rounds
    tmp = Path(tempfile.mkdtemp(prefix="ojc-bench-videos-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openjobcenter.config.settings",
        "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
        "MEDIA_ROOT": str(tmp / "media"),
        "TASKS_IMMEDIATE": "true",
        "OJC_ENV": "development",
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'src'}",
    }
    env.pop("REDIS_URL", None)
    os.environ.update(env)
    server = None
    try:
        import django

        django.setup()
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.core.management import call_command
        from django.db import transaction

        from openjobcenter.tenants.demo import load_jobcenters
        from openjobcenter.tenants.models import Jobcenter
        from openjobcenter.videos import services, storage
        from openjobcenter.videos.models import VariantState, Video

        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        load_jobcenters()
        jc = Jobcenter.objects.get(slug="fulda")
        jc.enabled_modules = [*jc.enabled_modules, "videos"]
        jc.save(update_fields=["enabled_modules"])

        # 1. Transcoding throughput.
        seconds = 2.0 if smoke else 30.0
        source = tmp / "source.mp4"
        make_source(
            source,
            seconds=seconds,
            size="320x240" if smoke else "1280x720",
            rate="300k" if smoke else "2600k",
        )
        video = Video.objects.create(jobcenter=jc, title="Bench", published=True)
        children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        with transaction.atomic():
            variant = services.variant_upload(
                request=None,
                actor=None,
                video=video,
                kind="standard",
                language="de",
                upload=SimpleUploadedFile("s.mp4", source.read_bytes(), "video/mp4"),
            )
        variant.refresh_from_db()
        wall = time.perf_counter() - started
        children_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        ffmpeg_cpu = (children_after.ru_utime + children_after.ru_stime) - (
            children_before.ru_utime + children_before.ru_stime
        )
        smoke_require(variant.state == VariantState.READY, f"variant {variant.state}")
        transcode = {
            "source_mb": round(source.stat().st_size / 1e6, 2),
            "source_s": seconds,
            "wall_s": round(wall, 2),
            "x_realtime": round(seconds / wall, 2),
            "ffmpeg_cpu_s_per_source_s": round(ffmpeg_cpu / seconds, 3),
        }
        print(
            f"transcode: {transcode['source_mb']} MB, {seconds:.0f} s source in "
            f"{wall:.2f} s wall = {transcode['x_realtime']}x real time; ffmpeg CPU "
            f"{transcode['ffmpeg_cpu_s_per_source_s']} s per source second",
            flush=True,
        )

        # 2. First frame: the range view against a plain static response, interleaved.
        served = tmp / "served.mp4"
        with storage.videos_storage().open(variant.mp4_name, "rb") as fh, served.open("wb") as out:
            shutil.copyfileobj(fh, out)
        want = first_frame_bytes(served)
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable, "-m", "uvicorn", "bench.videos_asgi:application",
                "--host", HOST, "--port", str(port), "--log-level", "warning",
                "--no-access-log", "--lifespan", "off",
            ],
            cwd=ROOT,
            env={**env, "BENCH_STATIC_FILE": str(served)},
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection((HOST, port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("server did not start") from None
                time.sleep(0.2)
        endpoints = {
            "range view": (
                f"/fulda/videos/{video.pk}/{variant.pk}/video.mp4",
                {"Range": "bytes=0-"},
            ),
            "static file": ("/bench/static.mp4", {}),
        }
        for path, headers in endpoints.values():  # warm-up (imports, first queries)
            fetch(port, path, want, headers)
        samples: dict[str, list[tuple[float, float]]] = {k: [] for k in endpoints}
        cpu: dict[str, float] = dict.fromkeys(endpoints, 0.0)
        for r in range(rounds):
            order = list(endpoints) if r % 2 == 0 else list(reversed(endpoints))
            for name in order:
                path, headers = endpoints[name]
                before = server_cpu(server.pid)
                head_ms, done_ms, status = fetch(port, path, want, headers)
                cpu[name] += server_cpu(server.pid) - before
                smoke_require(status in (200, 206), f"{name}: status {status}")
                if name == "range view":
                    smoke_require(status == 206, "the range view answered without 206")
                samples[name].append((head_ms, done_ms))
        results: dict[str, Any] = {"transcode": transcode, "first_frame_bytes": want}
        print(
            f"first frame = first {want / 1024:.0f} KB of a {served.stat().st_size / 1e6:.1f} MB "
            f"MP4 (moov at the start), {rounds} rounds interleaved, fresh connection each",
            flush=True,
        )
        print(
            f"{'endpoint':<12} {'headers p50':>12} {'frame p50':>10} {'frame p95':>10} {'CPU/req':>9}"
        )
        for name, values in samples.items():
            heads = sorted(v[0] for v in values)
            frames = sorted(v[1] for v in values)
            p95 = frames[min(len(frames) - 1, round(0.95 * (len(frames) - 1)))]
            cpu_ms = cpu[name] / rounds * 1000
            results[name] = {
                "headers_p50_ms": round(statistics.median(heads), 2),
                "first_frame_p50_ms": round(statistics.median(frames), 2),
                "first_frame_p95_ms": round(p95, 2),
                "server_cpu_ms_per_request": round(cpu_ms, 2),
            }
            print(
                f"{name:<12} {statistics.median(heads):>9.1f} ms {statistics.median(frames):>7.1f} ms "
                f"{p95:>7.1f} ms {cpu_ms:>6.1f} ms",
                flush=True,
            )
        frame_p95 = results["range view"]["first_frame_p95_ms"]
        print(f"target: first frame < 1000 ms: {'met' if frame_p95 < 1000 else 'MISSED'}")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2))
    except SmokeFailure as exc:
        return int(exc.code or 1)
    finally:
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
