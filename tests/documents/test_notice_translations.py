"""The job centre's duty-to-cooperate notice (§§ 60, 66 SGB I) per language: entered on
the document settings page like every text a job centre writes (core/content_i18n_forms),
copied onto each request as worded then, and read by the customer in their language with
German as the fallback (docs/languages.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.core.content_i18n import target_languages
from openjobcenter.core.content_i18n_forms import field_name
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents import services
from openjobcenter.documents.models import DocumentRequest, DocumentSettings
from tests.conftest import login_with_mfa

pytestmark = pytest.mark.usefixtures("docs_on")

GERMAN = "Bitte helfen Sie mit: Ohne Ihre Unterlagen können wir nicht entscheiden."
TURKISH = "Lütfen yardım edin: Belgeleriniz olmadan karar veremeyiz."


def _request(customer: CustomerProfile) -> DocumentRequest:
    return services.document_request_create(
        request=None,
        jobcenter=customer.jobcenter,
        customer=customer,
        items=[services.RequestItemInput(kind="other", free_text="Kontoauszüge")],
        deadline=timezone.localdate() + timedelta(days=14),
        explanation="",
    )


def _settings_post(extra: dict[str, str]) -> dict[str, str]:
    return {
        "retention_years": "10",
        "request_deadline_days": "14",
        "cooperation_notice": GERMAN,
        **extra,
    }


def test_notice_is_entered_per_language_and_reaches_the_customer(
    staff_a: Any, customer: CustomerProfile, customer_client: Client
) -> None:
    admin = login_with_mfa(Client(), staff_a[Role.ADMIN])
    url = reverse("staff:document_settings", kwargs={"jc": customer.jobcenter.slug})
    page = admin.get(url).content.decode()
    assert f'name="{field_name("cooperation_notice", "tr")}"' in page
    assert f'name="{field_name("cooperation_notice", "fa")}"' in page
    audits = AuditEntry.objects.filter(object_type="document_settings").count()
    response = admin.post(url, _settings_post({field_name("cooperation_notice", "tr"): TURKISH}))
    assert response.status_code == 302
    conf = DocumentSettings.objects.get(jobcenter=customer.jobcenter)
    assert conf.cooperation_notice == GERMAN
    assert conf.translations == {"cooperation_notice": {"tr": TURKISH}}
    assert AuditEntry.objects.filter(object_type="document_settings").count() == audits + 1
    # The other languages are marked as missing on the settings page.
    page = admin.get(url).content.decode()
    assert "Übersetzung fehlt: Hinweis zur Mitwirkungspflicht" in page

    doc_request = _request(customer)
    assert doc_request.translations == {"cooperation_notice": {"tr": TURKISH}}
    documents = reverse("customer:documents", kwargs={"jc": customer.jobcenter.slug})
    customer.user.preferred_language = "tr"
    customer.user.save(update_fields=["preferred_language"])
    body = customer_client.get(documents).content.decode()
    assert TURKISH in body and GERMAN not in body
    # No Polish translation: German.
    customer.user.preferred_language = "pl"
    customer.user.save(update_fields=["preferred_language"])
    body = customer_client.get(documents).content.decode()
    assert GERMAN in body and TURKISH not in body

    # A request keeps the wording it was made with; later translations are for new ones.
    admin.post(url, _settings_post({field_name("cooperation_notice", "tr"): "Yeni metin."}))
    doc_request.refresh_from_db()
    assert doc_request.translations == {"cooperation_notice": {"tr": TURKISH}}
    assert _request(customer).translations == {"cooperation_notice": {"tr": "Yeni metin."}}


def test_every_language_entered_clears_the_marker(staff_a: Any, customer: CustomerProfile) -> None:
    admin = login_with_mfa(Client(), staff_a[Role.ADMIN])
    url = reverse("staff:document_settings", kwargs={"jc": customer.jobcenter.slug})
    texts = {
        field_name("cooperation_notice", code): f"{code}: {TURKISH}" for code in target_languages()
    }
    assert admin.post(url, _settings_post(texts)).status_code == 302
    page = admin.get(url).content.decode()
    assert "Übersetzung fehlt" not in page


def test_html_in_a_translation_is_refused_and_nothing_changes(
    staff_a: Any, customer: CustomerProfile
) -> None:
    admin = login_with_mfa(Client(), staff_a[Role.ADMIN])
    url = reverse("staff:document_settings", kwargs={"jc": customer.jobcenter.slug})
    admin.post(url, _settings_post({field_name("cooperation_notice", "tr"): TURKISH}))
    bad = admin.post(
        url, _settings_post({field_name("cooperation_notice", "tr"): "<script>x</script>"})
    )
    assert bad.status_code == 422
    assert "keinen HTML-Code" in bad.content.decode()
    conf = DocumentSettings.objects.get(jobcenter=customer.jobcenter)
    assert conf.translations == {"cooperation_notice": {"tr": TURKISH}}


def test_the_shipped_default_notice_stays_the_catalogues_translation(
    customer: CustomerProfile, customer_client: Client
) -> None:
    # No own notice: the request carries no translations, the default is translated.
    doc_request = _request(customer)
    assert doc_request.translations == {}
    customer.user.preferred_language = "en"
    customer.user.save(update_fields=["preferred_language"])
    body = customer_client.get(
        reverse("customer:documents", kwargs={"jc": customer.jobcenter.slug})
    ).content.decode()
    assert "§ 60" in body and "Ihre Mitwirkung" not in body
