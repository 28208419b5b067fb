"""URL blocks of the messaging module, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.messaging import views_customer, views_poll, views_staff, views_staff_config

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("nachrichten/", views_customer.conversation_list, name="messages"),
    path("nachrichten/neu/", views_customer.conversation_new, name="conversation_new"),
    path("nachrichten/<int:pk>/", views_customer.conversation_detail, name="conversation"),
    path(
        "nachrichten/<int:pk>/pdf/", views_customer.conversation_download, name="conversation_pdf"
    ),
    path("nachrichten/<int:pk>/warten/", views_poll.customer_poll, name="conversation_poll"),
    path(
        "nachrichten/<int:pk>/anhang/<int:message_pk>/",
        views_customer.attachment,
        name="conversation_attachment",
    ),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("nachrichten/", views_staff.inbox, name="messages"),
    path("nachrichten/neu/", views_staff.conversation_start, name="conversation_start"),
    path("nachrichten/einstellungen/", views_staff_config.configuration, name="messaging_config"),
    path(
        "nachrichten/einstellungen/themen/<int:topic>/",
        views_staff_config.topic_edit,
        name="messaging_topic_edit",
    ),
    path(
        "nachrichten/einstellungen/textbausteine/<int:template_id>/",
        views_staff_config.template_edit,
        name="messaging_template_edit",
    ),
    path("nachrichten/<int:pk>/", views_staff.conversation_detail, name="conversation"),
    path(
        "nachrichten/<int:pk>/zuweisen/",
        views_staff.conversation_assign,
        name="conversation_assign",
    ),
    path(
        "nachrichten/<int:pk>/status/", views_staff.conversation_status, name="conversation_status"
    ),
    path("nachrichten/<int:pk>/warten/", views_poll.staff_poll, name="conversation_poll"),
    path(
        "nachrichten/<int:pk>/anhang/<int:message_pk>/",
        views_staff.attachment,
        name="conversation_attachment",
    ),
]

# Under /<jc>/ (namespace "tenant").
tenant_patterns: list[URLPattern] = []
