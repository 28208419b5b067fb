"""URL blocks of the applications module, mounted by ``config/urls.py``."""

from __future__ import annotations

from django.urls import URLPattern, path

from openjobcenter.applications import views_customer as _c
from openjobcenter.applications import views_customer_form as _f
from openjobcenter.applications import views_staff as _s
from openjobcenter.applications import views_staff_filing as _filing
from openjobcenter.applications import views_staff_inbox as _inbox

# Under /<jc>/mein-bereich/ (namespace "customer").
customer_patterns: list[URLPattern] = [
    path("antrag/", _c.applications, name="applications"),
    path("antrag/neu/<slug:kind_slug>/", _f.start, name="application_start"),
    path("antrag/<int:pk>/", _c.application, name="application"),
    path("antrag/<int:pk>/schritt/<str:step_key>/", _f.step, name="application_step"),
    path("antrag/<int:pk>/eingang/", _c.receipt, name="application_receipt"),
    path("antrag/<int:pk>/nachweise/", _c.proofs, name="application_proofs"),
    path("antrag/<int:pk>/nachweise/senden/", _c.proof_send, name="application_proof_send"),
    path("antrag/<int:pk>/absenden/", _f.submit, name="application_submit"),
    path("antrag/<int:pk>/fragen/<int:question_id>/", _c.answer, name="application_answer"),
    path("antrag/<int:pk>/antrag.pdf", _c.summary_pdf, name="application_summary_pdf"),
    path(
        "antrag/<int:pk>/eingangsbestaetigung.pdf",
        _c.receipt_pdf,
        name="application_receipt_pdf",
    ),
]

# Under /<jc>/staff/ (namespace "staff").
staff_patterns: list[URLPattern] = [
    path("antraege/", _inbox.inbox, name="applications"),
    path("antraege/einstellungen/", _s.settings_page, name="applications_settings"),
    path("antraege/auswertung/", _s.funnel_page, name="applications_funnel"),
    path("antraege/<int:pk>/", _s.application, name="application"),
    path("antraege/<int:pk>/antrag.pdf", _s.application_pdf, name="application_pdf"),
    path("antraege/<int:pk>/antrag.json", _s.application_json, name="application_json"),
    path("antraege/gestellt/<int:pk>/", _filing.filing, name="application_filing"),
]

# Under /<jc>/ (namespace "tenant").
tenant_patterns: list[URLPattern] = [
    path("antrag/aus-vorabcheck/", _f.from_self_check, name="application_from_self_check"),
]
