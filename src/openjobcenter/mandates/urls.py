"""URL blocks of representatives and co-signing, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.mandates import views_cosign, views_customer, views_organisation, views_staff

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("vertretung/", views_customer.mandates_page, name="mandates"),
    path("vertretung/wechseln/", views_customer.switch, name="mandates_switch"),
    path("vertretung/annehmen/", views_customer.accept, name="mandate_accept"),
    path("vertretung/<int:pk>/widerrufen/", views_customer.mandate_revoke, name="mandate_revoke"),
    path("vertretung/<int:pk>/verlaengern/", views_customer.mandate_renew, name="mandate_renew"),
    path("antrag/<int:pk>/mitzeichnen/", views_cosign.applicant_overview, name="cosign_overview"),
]

# Under /<jc>/ (namespace "tenant"): anyone signed in, with their own account.
tenant_patterns: list[URLPattern] = [
    path("mitzeichnen/", views_cosign.claim, name="cosign_claim"),
    path("mitzeichnen/<int:pk>/", views_cosign.detail, name="cosign_detail"),
    path("beratungsstelle/", views_organisation.register, name="organisation_register"),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("kunden/<int:pk>/vertretung/", views_staff.guardian, name="mandates_guardian"),
    path(
        "kunden/<int:pk>/vertretung/<int:mandate>/beenden/",
        views_staff.mandate_end,
        name="mandate_end",
    ),
    path("beratungsstellen/", views_staff.organisations, name="organisations"),
]
