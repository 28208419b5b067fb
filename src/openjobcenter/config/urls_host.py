"""URLs for a job centre's own host name: ``/`` is that job centre's start page."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from openjobcenter.config import urls as platform_urls
from openjobcenter.web import views as web_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", web_views.tenant_home, name="host_home"),
    *platform_urls.urlpatterns,
]
handler400 = platform_urls.handler400
handler403 = platform_urls.handler403
handler404 = platform_urls.handler404
handler500 = platform_urls.handler500
