"""URL blocks of the hand-off, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.handoff import views

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("uebergaben/fehlgeschlagen/", views.dead_letters, name="handoff_dead_letters"),
    path(
        "uebergaben/fehlgeschlagen/erneut/",
        views.dead_letter_retry,
        name="handoff_dead_letter_retry",
    ),
]
