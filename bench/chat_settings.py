"""Settings of ``bench/chat.py``'s servers: the platform's own, with the database backend
that times commits (``bench/timed_postgresql``; ``bench/chat_asgi.py`` reads its clock
for a send's ``commit`` phase). On SQLite (not a case of this benchmark) unchanged."""

from __future__ import annotations

from openjobcenter.config.settings import *  # noqa: F403
from openjobcenter.config.settings import DATABASES

if DATABASES["default"]["ENGINE"] == "openjobcenter.core.postgresql":
    DATABASES["default"]["ENGINE"] = "bench.timed_postgresql"
