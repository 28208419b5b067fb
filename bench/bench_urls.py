"""The platform's URLs with one bare view in front: the baseline of ``http_baseline.py``.

The bare view goes through the same server process and the same middleware stack as the
real pages, so the difference to it is what a page itself costs (queries, templates, ...).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from openjobcenter.config.urls import handler400, handler403, handler404, handler500
from openjobcenter.config.urls import urlpatterns as platform_urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain; charset=utf-8")


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare", bare, name="bench_bare"),
    *platform_urlpatterns,
]
