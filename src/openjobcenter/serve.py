"""``make run`` / ``make serve``: the web server (uvicorn, ASGI), the task worker and the
scheduler in one terminal. Worker and scheduler run as child processes, stopped with the
server.

``--migrate`` first applies the migrations and creates the cache table, one node at a time
(``manage migrate_safely``: a PostgreSQL advisory lock), ``--collectstatic``
collects the static files (production serves the hashed, compressed copies; this takes
minutes, so an image build may do it once instead). Neither loads demo data: ``make serve``
is the production start with both. ``make run`` (development) loads the demo
data itself before calling this. ``--web-only`` leaves out the worker and the scheduler:
the container image (deploy/) runs each as its own process type.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

# Keep-alive pings spread in time (see the class); bench/chat.py starts uvicorn with it too.
WS_PROTOCOL = "openjobcenter.config.wsprotocol:SpreadKeepaliveProtocol"
# No per-message compression: chat frames are a few hundred bytes, where deflate saves
# little, yet it cost about 1 ms of server CPU per chat message (one process's whole
# capacity is a few hundred messages a second) and keeps a zlib state per socket.
WS_PER_MESSAGE_DEFLATE = False

# An idle worker looks for new tasks every 0.2 s rather than django-tasks' default of 1 s:
# a submission's PDFs (``applications/outbox.py``) are enqueued right after its commit,
# and up to a second of waiting was a fifth of the "PDFs within 5 s" budget (issue 19).
# Each look is one indexed ``SELECT … FOR UPDATE SKIP LOCKED``.
WORKER_POLL = ["--interval", "0.2"]


def server_options(host: str, port: int) -> dict[str, Any]:
    """uvicorn's settings for the platform (also what the tests start)."""
    return {
        "host": host,
        "port": port,
        "log_level": "warning",
        "proxy_headers": True,
        "lifespan": "off",
        "ws": WS_PROTOCOL,
        "ws_per_message_deflate": WS_PER_MESSAGE_DEFLATE,
        # uvicorn's access log writes the raw path, and some paths carry a credential
        # (the calendar feed's token, a password-reset key). The app's own access log
        # (core.middleware) writes the route pattern instead.
        "access_log": False,
    }


def _manage(*command: str) -> None:
    # A child process, as ``make run`` does: settings are loaded there, not in this one.
    result = subprocess.run([sys.executable, "-m", "openjobcenter.manage", *command], check=False)  # noqa: S603
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m openjobcenter.serve")
    parser.add_argument(
        "--migrate",
        action="store_true",
        help="apply migrations and create the cache table first (no demo data)",
    )
    parser.add_argument(
        "--collectstatic", action="store_true", help="collect the static files first"
    )
    parser.add_argument(
        "--web-only",
        action="store_true",
        help="no task worker and scheduler children (containers run them as their own processes)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjobcenter.config.settings")
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    if not port.isdigit() or not 0 < int(port) < 65536:
        sys.stderr.write(f"PORT must be a number between 1 and 65535; got {port!r}\n")
        raise SystemExit(2)
    if args.migrate:
        # One node at a time (a PostgreSQL advisory lock; core/.../migrate_safely.py).
        _manage("migrate_safely", "-v", "1")
    if args.collectstatic:
        _manage("collectstatic", "--no-input", "-v", "0")
    metrics_dir = _metrics_dir()
    children = [
        subprocess.Popen([sys.executable, "-m", "openjobcenter.manage", *command])  # noqa: S603
        for command in (["db_worker", "--queue-name", "*", *WORKER_POLL], ["run_scheduler"])
        if not args.web_only
    ]
    sys.stdout.write(f"\nOpenJobcenter runs at http://{host}:{port}/  (Ctrl+C stops it)\n\n")
    sys.stdout.flush()
    try:
        import uvicorn

        uvicorn.run("openjobcenter.config.asgi:application", **server_options(host, int(port)))
    finally:
        for child in children:
            child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _metrics_dir() -> str | None:
    """The metrics of the server, the worker and the scheduler in one directory
    (core.metrics): ``/metrics`` then shows the worker's counters too. A directory the
    operator names is emptied first (values of processes gone would be added forever);
    otherwise a fresh one, removed on exit (returned)."""
    named = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if named:
        Path(named).mkdir(parents=True, exist_ok=True)
        for old in Path(named).glob("*.db"):
            old.unlink()
        return None
    fresh = tempfile.mkdtemp(prefix="ojc-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = fresh
    return fresh


if __name__ == "__main__":
    main()
