"""``make run``: the web server (uvicorn, ASGI) and the task worker in one terminal.

The worker runs as a child process and is stopped with the server.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openjobcenter.config.settings")
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    if not port.isdigit() or not 0 < int(port) < 65536:
        sys.stderr.write(f"PORT must be a number between 1 and 65535; got {port!r}\n")
        raise SystemExit(2)
    worker = subprocess.Popen(
        [sys.executable, "-m", "openjobcenter.manage", "db_worker", "--queue-name", "*"]
    )
    sys.stdout.write(f"\nOpenJobcenter runs at http://{host}:{port}/  (Ctrl+C stops it)\n\n")
    sys.stdout.flush()
    try:
        import uvicorn

        uvicorn.run(
            "openjobcenter.config.asgi:application",
            host=host,
            port=int(port),
            log_level="warning",
            proxy_headers=True,
            lifespan="off",
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()


if __name__ == "__main__":
    main()
