"""URL blocks of the customer card, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.cards import views_admin, views_customer, views_passkit

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("kundenkarte/", views_customer.card_page, name="card"),
    path("kundenkarte/kundenkarte.pdf", views_customer.card_pdf, name="card_pdf"),
    path("kundenkarte/kundenkarte.pkpass", views_customer.card_pkpass, name="card_pkpass"),
    path("kundenkarte/google-wallet/", views_customer.card_google, name="card_google"),
    path("kundenkarte/sperren/", views_customer.card_block, name="card_block"),
    path("kundenkarte/neu/", views_customer.card_renew, name="card_renew"),
    path("kundenkarte/anzeige/", views_customer.card_settings, name="card_settings"),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("kundenkarte/", views_admin.wallet_settings, name="card_settings"),
]

# At the site root: the pass's webServiceURL is <SITE_URL>/passkit/.
platform_patterns: list[URLPattern] = [
    path(
        "passkit/v1/devices/<str:device>/registrations/<str:pass_type>/<str:serial>",
        views_passkit.registration,
        name="passkit_registration",
    ),
    path(
        "passkit/v1/devices/<str:device>/registrations/<str:pass_type>",
        views_passkit.serials,
        name="passkit_serials",
    ),
    path(
        "passkit/v1/passes/<str:pass_type>/<str:serial>",
        views_passkit.latest_pass,
        name="passkit_pass",
    ),
    path("passkit/v1/log", views_passkit.log, name="passkit_log"),
]
