from __future__ import annotations

from django.urls import path

from openjobcenter.identity import views

platform_patterns = (
    [
        path("konto/sso/<slug:key>/abmelden/", views.backchannel_logout, name="backchannel_logout"),
    ],
    "identity",
)

staff_patterns = [
    path("anmeldedienste/", views.provider_list, name="identity_providers"),
    path("anmeldedienste/neu/", views.provider_edit, name="identity_provider_new"),
    path("anmeldedienste/<int:pk>/", views.provider_edit, name="identity_provider_edit"),
]
