"""Under /<jc>/mein-bereich/ (namespace "customer")."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.home import views

customer_patterns: list[URLPattern] = [
    path("", views.customer_home_page, name="home"),
    path("stand/", views.customer_home_fragment, name="home_fragment"),
    path(
        "gesehen/antrag/<int:pk>/<int:upto>/",
        views.application_seen,
        name="home_application_seen",
    ),
]
