"""URL blocks of the reception module, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.reception import views_config, views_display, views_staff

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("empfang/scannen/", views_staff.scan, name="reception_scan"),
    path("empfang/aufrufe/", views_staff.calls, name="reception_calls"),
    path("empfang/einrichten/", views_config.setup, name="reception_setup"),
]

# Under /<jc>/ (namespace "tenant"): the display, authorised by the token in its link.
tenant_patterns: list[URLPattern] = [
    path("wartebereich/<str:token>/", views_display.display, name="reception_display"),
    path(
        "wartebereich/<str:token>/aufrufe/",
        views_display.display_calls,
        name="reception_display_calls",
    ),
]
