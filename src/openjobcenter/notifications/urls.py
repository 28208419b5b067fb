"""URL blocks of the notifications module, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.notifications import views

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("benachrichtigungen/", views.preferences, name="notification_preferences"),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = []

# Under /<jc>/ (namespace "tenant").
tenant_patterns: list[URLPattern] = []

# At the site root (no namespace): the service worker's scope must be "/".
platform_patterns: list[URLPattern] = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="web_manifest"),
]
