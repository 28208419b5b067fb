"""How a request finds its job centre.

Path first: every tenant URL starts with ``/<jc>/`` and the view kwarg ``jc`` names the
job centre; an unknown or inactive slug is a 404. A job centre may also have its own host
name: then ``/`` on that host serves its start page and slugs of other job centres are 404.
Both lookups go through a per-process cache kept right on every node (``jccache.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponseBase

from openjobcenter.core.access import tenant_request
from openjobcenter.core.middleware import set_log_jobcenter
from openjobcenter.tenants.jccache import cached_by_host, cached_by_slug

# Hosts of the platform itself never map to a tenant; they skip the host lookup query.
_PLATFORM_HOSTS = {"127.0.0.1", "localhost", "testserver", "[::1]", "::1"}


class TenantHostMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.platform_hosts = _PLATFORM_HOSTS | set(getattr(settings, "PLATFORM_HOSTS", []))

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        host = request.get_host().split(":", 1)[0].lower()
        request.host_jobcenter = None  # type: ignore[attr-defined]
        if host not in self.platform_hosts:
            jobcenter = cached_by_host(host) if host else None
            if jobcenter is not None:
                request.host_jobcenter = jobcenter  # type: ignore[attr-defined]
                request.urlconf = "openjobcenter.config.urls_host"  # type: ignore[attr-defined]
        return self.get_response(request)


class TenantMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        jobcenter = tenant_request(request).jobcenter = getattr(request, "host_jobcenter", None)
        # Asked by every page's layout (the banner of a representative acting for a
        # customer); set only by ``customer_required`` while one does. A missing attribute
        # costs Django's template engine a ``dir(request)`` per page: a quarter of the
        # tenant start page view's GIL-holding samples (py-spy under bench/http_baseline.py).
        tenant_request(request).acting_mandate = None
        if jobcenter is not None:
            set_log_jobcenter(jobcenter.slug)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        slug = view_kwargs.get("jc")
        if slug is None:
            return
        host_jc = getattr(request, "host_jobcenter", None)
        if host_jc is not None and host_jc.slug != slug:
            raise Http404
        jobcenter = host_jc or cached_by_slug(slug)
        if jobcenter is None:
            raise Http404
        tenant_request(request).jobcenter = jobcenter
        set_log_jobcenter(jobcenter.slug)
