"""URL blocks of the postbox, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.postbox import views_customer, views_staff

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("profil/einwilligungen/", views_customer.consent, name="postbox_consent"),
    path("postfach/", views_customer.postbox, name="postbox"),
    path("postfach/<int:pk>/", views_customer.notice_detail, name="postbox_notice"),
    path("postfach/<int:pk>/schreiben.pdf", views_customer.notice_pdf, name="postbox_notice_pdf"),
    path("postfach/<int:pk>/widerspruch/", views_customer.objection, name="postbox_objection"),
    path("postfach/<int:pk>/frage/", views_customer.question, name="postbox_question"),
    path(
        "postfach/widerspruch/<int:pk>/eingangsbestaetigung.pdf",
        views_customer.objection_receipt,
        name="postbox_objection_receipt",
    ),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("postfach/postausgang/", views_staff.outgoing, name="postbox_outgoing"),
    path("postfach/kunden/<int:pk>/", views_staff.customer_notices, name="postbox_customer"),
    path("postfach/<int:pk>/per-post/", views_staff.mark_posted, name="postbox_mark_posted"),
    path("postfach/<int:pk>/datei.pdf", views_staff.notice_file, name="postbox_file"),
    path("postfach/schnittstelle/", views_staff.backoffice_tokens, name="postbox_tokens"),
    path(
        "postfach/schnittstelle/<int:pk>/widerrufen/",
        views_staff.backoffice_token_revoke,
        name="postbox_token_revoke",
    ),
]
