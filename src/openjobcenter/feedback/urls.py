"""URL blocks of the feedback module, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.feedback import views, views_panel, views_staff

# Under /<jc>/ (namespace "tenant"): the widget also sits on public pages.
tenant_patterns: list[URLPattern] = [
    path("rueckmeldung/", views.submit, name="feedback_submit"),
]

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("mitmachen/", views_panel.panel, name="feedback_panel"),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("rueckmeldung/", views.staff_submit, name="feedback_submit"),
    path("rueckmeldungen/", views_staff.dashboard, name="feedback_dashboard"),
    path("rueckmeldungen/export.csv", views_staff.export_csv, name="feedback_export"),
    path("rueckmeldungen/textaenderung/", views_staff.text_change, name="feedback_text_change"),
    path("rueckmeldungen/panel/", views_staff.panel, name="feedback_panel"),
]
