"""Platform URLs, then one block per job centre under ``/<jc>/`` (see tenants.middleware)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from openjobcenter.accounts import views as account_views
from openjobcenter.api.urls import api
from openjobcenter.applications import urls as application_urls
from openjobcenter.appointments import urls as appointment_urls
from openjobcenter.bundid import urls as bundid_urls
from openjobcenter.calculator import views as calculator_views
from openjobcenter.cards import urls as card_urls
from openjobcenter.casefile import views as casefile_views
from openjobcenter.core import views as core_views
from openjobcenter.core import views_access as core_views_access
from openjobcenter.core import views_metrics
from openjobcenter.documents import urls as document_urls
from openjobcenter.feedback import urls as feedback_urls
from openjobcenter.handoff import urls as handoff_urls
from openjobcenter.home import urls as home_urls
from openjobcenter.identity import urls as identity_urls
from openjobcenter.identity import views as identity_views
from openjobcenter.mandates import urls as mandate_urls
from openjobcenter.messaging import urls as messaging_urls
from openjobcenter.news import urls as news_urls
from openjobcenter.notifications import urls as notification_urls
from openjobcenter.postbox import urls as postbox_urls
from openjobcenter.reception import urls as reception_urls
from openjobcenter.retention import views as retention_views
from openjobcenter.retention import views_account as retention_account_views
from openjobcenter.retention import views_staff as retention_staff_views
from openjobcenter.tenants import views as tenant_views
from openjobcenter.videos import urls as video_urls
from openjobcenter.web import health, staff_views
from openjobcenter.web import views as web_views
from openjobcenter.web import views_languages as web_languages

customer_patterns = (
    [
        *home_urls.customer_patterns,
        path("profil/", account_views.customer_profile, name="profile"),
        path(
            "profil/konto-loeschen/", retention_account_views.account_delete, name="account_delete"
        ),
        *appointment_urls.customer_patterns,
        *application_urls.customer_patterns,
        *document_urls.customer_patterns,
        *messaging_urls.customer_patterns,
        *notification_urls.customer_patterns,
        *feedback_urls.customer_patterns,
        *card_urls.customer_patterns,
        *mandate_urls.customer_patterns,
        *postbox_urls.customer_patterns,
        *bundid_urls.customer_patterns,
    ],
    "customer",
)

staff_patterns = (
    [
        path("", staff_views.dashboard, name="dashboard"),
        path("warteschlange/", staff_views.queue_fragment, name="queue_fragment"),
        path("warteschlange/zuweisen/", staff_views.queue_assign, name="queue_assign"),
        path("kunden/", account_views.staff_customers, name="customers"),
        path("kunden/<int:pk>/", casefile_views.customer_case, name="customer"),
        path("kunden/<int:pk>/vermerke/", casefile_views.case_note_new, name="case_note_new"),
        path("team/", account_views.staff_team, name="team"),
        path("team/<int:pk>/entfernen/", account_views.staff_membership_remove, name="team_remove"),
        path("standorte/", tenant_views.offices, name="offices"),
        path("standorte/neu/", tenant_views.office_edit, name="office_new"),
        path("standorte/<int:pk>/", tenant_views.office_edit, name="office_edit"),
        path("standorte/<int:pk>/loeschen/", tenant_views.office_remove, name="office_remove"),
        path(
            "einstellungen/angemessenheit/",
            calculator_views.housing_limits,
            name="housing_limits",
        ),
        path("einstellungen/<slug:section>/", tenant_views.settings_section, name="settings"),
        path("protokoll/", core_views.audit_log, name="audit"),
        path("zugriffsregeln/", core_views_access.access_rules, name="access_rules"),
        path("aufbewahrung/", retention_views.retention_settings, name="retention_settings"),
        path("loeschprotokoll/", retention_views.deletion_reports, name="deletion_reports"),
        path(
            "kontoloeschungen/", retention_staff_views.account_deletions, name="account_deletions"
        ),
        path(
            "kontoloeschungen/<int:pk>/vermerken/",
            retention_staff_views.account_deletion_ack,
            name="account_deletion_ack",
        ),
        *appointment_urls.staff_patterns,
        *reception_urls.staff_patterns,
        *application_urls.staff_patterns,
        *document_urls.staff_patterns,
        *messaging_urls.staff_patterns,
        *notification_urls.staff_patterns,
        *feedback_urls.staff_patterns,
        *news_urls.staff_patterns,
        *postbox_urls.staff_patterns,
        *card_urls.staff_patterns,
        *mandate_urls.staff_patterns,
        *video_urls.staff_patterns,
        *handoff_urls.staff_patterns,
        *identity_urls.staff_patterns,
        *bundid_urls.staff_patterns,
        path("vorabberechnung/", calculator_views.pre_calculation, name="pre_calculation"),
    ],
    "staff",
)

tenant_patterns = (
    [
        path("", web_views.tenant_home, name="home"),
        path("theme.css", web_views.theme_css, name="theme"),
        path("logo", web_views.logo, name="logo"),
        path("vorabcheck/", calculator_views.self_check, name="self_check"),
        *appointment_urls.tenant_patterns,
        *reception_urls.tenant_patterns,
        *application_urls.tenant_patterns,
        *document_urls.tenant_patterns,
        *messaging_urls.tenant_patterns,
        *notification_urls.tenant_patterns,
        *feedback_urls.tenant_patterns,
        *news_urls.tenant_patterns,
        *video_urls.tenant_patterns,
        *mandate_urls.tenant_patterns,
        *bundid_urls.tenant_patterns,
        path("leichte-sprache/", web_languages.easy_language, name="easy_language"),
        path("impressum/", web_views.legal_page, {"page": "imprint"}, name="imprint"),
        path("datenschutz/", web_views.legal_page, {"page": "privacy"}, name="privacy"),
        path(
            "barrierefreiheit/",
            web_views.legal_page,
            {"page": "accessibility"},
            name="accessibility",
        ),
    ],
    "tenant",
)

platform_patterns: list[URLPattern | URLResolver] = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", views_metrics.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("sprache/", web_views.set_language, name="set_language"),
    path("sprachen/", web_languages.other_languages, name="other_languages"),
    path("sprachen/<str:code>/", web_languages.further_language, name="further_language"),
    path("", include(notification_urls.platform_patterns)),  # /sw.js, manifest
    path("", include((news_urls.platform_patterns, "news"))),  # /.well-known/webfinger
    path("", include(card_urls.platform_patterns)),  # /passkit/v1/... (Apple Wallet)
    path(
        "konto/",
        include(
            (
                [
                    path("weiter/", account_views.after_login, name="after_login"),
                    path("api-schluessel/", account_views.api_tokens, name="api_tokens"),
                ],
                "accounts",
            )
        ),
    ),
    path("", include(identity_urls.platform_patterns)),  # back-channel logout
    # allauth's login page, with the job centre's identity providers as form targets (CSP).
    path("konto/login/", identity_views.LoginView.as_view(), name="account_login"),
    # allauth's logout page, with the SAML IdP's single logout as a form target (CSP).
    path("konto/logout/", identity_views.LogoutView.as_view(), name="account_logout"),
    path("konto/signup/", account_views.CustomerSignupView.as_view(), name="account_signup"),
    path("konto/", include("allauth.urls")),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include(([path("", web_views.landing, name="landing")], "web"))),
    *platform_patterns,
    path("<slug:jc>/", include(tenant_patterns)),
    path("<slug:jc>/mein-bereich/", include(customer_patterns)),
    path("<slug:jc>/staff/", include(staff_patterns)),
]

handler400 = "openjobcenter.web.views.bad_request"
handler403 = "openjobcenter.web.views.permission_denied"
handler404 = "openjobcenter.web.views.page_not_found"
handler500 = "openjobcenter.web.views.server_error"
