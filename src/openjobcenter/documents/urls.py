"""URL blocks of the documents module, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.documents import views_customer as c
from openjobcenter.documents import views_links as links
from openjobcenter.documents import views_staff as s

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("unterlagen/", c.documents, name="documents"),
    path("unterlagen/senden/", c.document_upload, name="document_upload"),
    path("unterlagen/seiten/", c.document_page_upload, name="document_page_upload"),
    path("unterlagen/<int:document>/seiten/<int:pk>/", c.document_page, name="document_page"),
    path(
        "unterlagen/<int:document>/seiten/<int:pk>/vorschau.png",
        c.document_page_preview,
        name="document_page_preview",
    ),
    path("unterlagen/<int:pk>/", c.document, name="document"),
    path("unterlagen/<int:pk>/erneut/", c.document_retry, name="document_retry"),
    path("unterlagen/<int:pk>/datei.pdf", c.document_file, name="document_file"),
    path(
        "unterlagen/<int:pk>/eingangsbestaetigung.pdf",
        c.document_receipt,
        name="document_receipt",
    ),
    path("unterlagen/<int:pk>/zuordnen/", links.customer_link, name="document_link"),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("unterlagen/", s.documents, name="documents"),
    path("unterlagen/einstellungen/", s.settings_page, name="document_settings"),
    path("unterlagen/kunde/<int:customer>/", s.customer_documents, name="customer_documents"),
    path(
        "unterlagen/kunde/<int:customer>/anfordern/",
        s.request_new,
        name="document_request_new",
    ),
    path("unterlagen/anforderung/<int:pk>/", s.request_detail, name="document_request"),
    path("unterlagen/<int:pk>/", s.document, name="document"),
    path("unterlagen/<int:pk>/datei.pdf", s.document_file, name="document_file"),
    path(
        "unterlagen/<int:document>/seiten/<int:pk>/bild.png",
        s.page_image,
        name="document_page_image",
    ),
    path("unterlagen/<int:pk>/zuordnen/", links.staff_link, name="document_link"),
]

# Under /<jc>/ (namespace "tenant").
tenant_patterns: list[URLPattern] = []
