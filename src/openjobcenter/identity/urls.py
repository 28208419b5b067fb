from __future__ import annotations

from django.urls import path

from openjobcenter.identity import views, views_saml

platform_patterns = (
    [
        path("konto/sso/<slug:key>/abmelden/", views.backchannel_logout, name="backchannel_logout"),
        path("konto/saml/<slug:key>/login/", views_saml.saml_login, name="saml_login"),
        path("konto/saml/<slug:key>/acs/", views_saml.saml_acs, name="saml_acs"),
        path("konto/saml/<slug:key>/metadata/", views_saml.saml_metadata, name="saml_metadata"),
        path("konto/saml/<slug:key>/slo/", views_saml.saml_slo, name="saml_slo"),
    ],
    "identity",
)

staff_patterns = [
    path("anmeldedienste/", views.provider_list, name="identity_providers"),
    path("anmeldedienste/neu/", views.provider_edit, name="identity_provider_new"),
    path("anmeldedienste/<int:pk>/", views.provider_edit, name="identity_provider_edit"),
]
