"""Settings for ``bench/http_baseline.py``: the real settings, plus one bare view.

Everything (middleware, database, cache, templates) is the platform's own; only the URL
configuration differs, and it only adds ``/bench/bare`` in front of the real patterns.
"""

from __future__ import annotations

from openjobcenter.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
