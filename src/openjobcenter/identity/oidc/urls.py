"""``/konto/oidc/<provider key>/login/`` and ``…/login/callback/`` (the names allauth's
templates and provider use)."""

from __future__ import annotations

from django.urls import include, path

from openjobcenter.identity.oidc import views

urlpatterns = [
    path(
        "oidc/<slug:provider_id>/",
        include(
            [
                path("login/", views.login, name="openid_connect_login"),
                path("login/callback/", views.callback, name="openid_connect_callback"),
            ]
        ),
    )
]
