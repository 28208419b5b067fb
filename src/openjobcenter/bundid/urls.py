"""URL blocks of the BundID login, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.bundid import views, views_saml, views_slo

# Under /<jc>/ (namespace "tenant"): the SAML endpoints and the first-login pages.
tenant_patterns: list[URLPattern] = [
    path("bundid/anmelden/", views_saml.Login.as_view(), name="bundid_login"),
    path("bundid/acs/", views_saml.AssertionConsumer.as_view(), name="bundid_acs"),
    path("bundid/metadata/", views_saml.metadata, name="bundid_metadata"),
    path("bundid/abmelden/", views_slo.LogoutStart.as_view(), name="bundid_logout"),
    path("bundid/slo/", views_slo.SingleLogout.as_view(), name="bundid_slo"),
    path("bundid/bestaetigen/", views.confirm, name="bundid_confirm"),
    path("bundid/verbinden/<str:key>/", views.link, name="bundid_link"),
]

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("bundid/", views.my_bundid, name="bundid"),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("bundid/", views.staff_settings, name="bundid_settings"),
]
