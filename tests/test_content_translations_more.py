"""More texts a job centre enters, per language (issue 23.3): the application form's own
help and introduction, and the offices' opening hours.

A customer reading Turkish or Farsi sees the job centre's text in that language; without
one, the operator's shared translation of the German text; without that, the platform's
own help in their language — never the German override.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import ApplicationSettings
from openjobcenter.applications.services import application_start
from openjobcenter.core.content_i18n_forms import field_name
from openjobcenter.core.languages import EASY_GERMAN
from openjobcenter.core.models import AuditEntry, SharedTranslation
from openjobcenter.tenants.models import Jobcenter, Office
from tests.applications.customer_data import enable, step_url

pytestmark = pytest.mark.django_db

SETTINGS = "/fulda/staff/antraege/einstellungen/"
GERMAN_HELP = "Die Kaltmiete steht auf Seite 2 Ihres Mietvertrags."
OWN_TR = "Soğuk kira, kira sözleşmenizin 2. sayfasında yazar."
PLATFORM_DE = "Die Miete ohne Nebenkosten und ohne Heizung. Sie steht im Mietvertrag."


def _platform_help(language: str) -> str:
    with translation.override(language):
        return str(translation.gettext(PLATFORM_DE))


def _section(html: str, code: str) -> str:
    match = re.search(
        rf'<details class="translation-section"[^>]*>\s*<summary><span lang="{re.escape(code)}"'
        r".*?</details>",
        html,
        re.S,
    )
    assert match, f"no section for {code}"
    return match.group(0)


def _customer_in(customer: CustomerProfile, language: str) -> None:
    customer.user.preferred_language = language
    customer.user.save(update_fields=["preferred_language"])


def test_admin_enters_help_and_introduction_per_language_and_sees_what_is_missing(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    enable(jc_a)
    client = staff_client(staff_a[Role.ADMIN])
    response = client.post(
        SETTINGS,
        {
            "section": "texts",
            "introduction": "Bitte halten Sie Ihre Unterlagen bereit.",
            "help_texts": f"housing.cold_rent: {GERMAN_HELP}",
            field_name("introduction", "tr"): "Lütfen belgelerinizi hazır bulundurun.",
            field_name("help_texts", "tr"): f"housing.cold_rent = {OWN_TR}",
        },
    )
    assert response.status_code == 302
    found = ApplicationSettings.objects.get(jobcenter=jc_a)
    assert found.help_texts == {"housing.cold_rent": GERMAN_HELP}
    assert found.translations == {
        "introduction": {"tr": "Lütfen belgelerinizi hazır bulundurun."},
        "help_texts": {"tr": f"housing.cold_rent: {OWN_TR}"},  # normalised line
    }
    entry = AuditEntry.objects.filter(object_type="application_settings").latest("pk")
    assert "translations" in entry.detail
    html = client.get(SETTINGS).content.decode()
    assert "vollständig" in _section(html, "tr")
    farsi = _section(html, "fa")
    assert "Übersetzung fehlt: Einleitung, Eigene Hilfetexte" in farsi
    assert 'dir="rtl"' in farsi
    # A wrong line in one language is named there and nothing is stored.
    response = client.post(
        SETTINGS,
        {
            "section": "texts",
            "help_texts": f"housing.cold_rent: {GERMAN_HELP}",
            field_name("help_texts", "fa"): "gibt.esnicht: متن",
        },
    )
    assert response.status_code == 400
    assert "gibt.esnicht" in _section(response.content.decode(), "fa")
    found.refresh_from_db()
    assert "fa" not in found.translations.get("help_texts", {})
    assert found.translations["help_texts"]["tr"] == f"housing.cold_rent: {OWN_TR}"


def test_customer_sees_own_then_shared_then_platform_help_never_the_german_override(
    customer_client: Client, customer: CustomerProfile
) -> None:
    jc = customer.jobcenter
    enable(jc)
    ApplicationSettings.objects.update_or_create(
        jobcenter=jc,
        defaults={
            "introduction": "Bitte halten Sie Ihre Unterlagen bereit.",
            "help_texts": {"housing.cold_rent": GERMAN_HELP},
            "translations": {
                "introduction": {"tr": "Lütfen belgelerinizi hazır bulundurun."},
                "help_texts": {"tr": f"housing.cold_rent: {OWN_TR}"},
            },
        },
    )
    app = application_start(request=None, customer=customer, kind="initial")
    url = step_url(app, "housing")

    german = customer_client.get(url, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert GERMAN_HELP in german and PLATFORM_DE not in german

    _customer_in(customer, "tr")
    turkish = customer_client.get(url).content.decode()
    assert OWN_TR in turkish and GERMAN_HELP not in turkish
    listing = customer_client.get(
        reverse("customer:applications", kwargs={"jc": jc.slug})
    ).content.decode()
    assert "Lütfen belgelerinizi hazır bulundurun." in listing

    # Farsi: no own text — the platform's Farsi help, not the German override.
    _customer_in(customer, "fa")
    farsi = customer_client.get(url).content.decode()
    platform_fa = _platform_help("fa")
    assert platform_fa != PLATFORM_DE
    assert platform_fa in farsi and GERMAN_HELP not in farsi
    # ... the introduction falls back to German (a job centre's text has no other source).
    listing = customer_client.get(
        reverse("customer:applications", kwargs={"jc": jc.slug})
    ).content.decode()
    assert "Bitte halten Sie Ihre Unterlagen bereit." in listing

    # The operator ships a translation of exactly that German help: Farsi adopts it.
    SharedTranslation.objects.create(
        source=GERMAN_HELP, translations={"fa": "اجاره سرد در صفحه ۲ قرارداد اجاره شماست."}
    )
    farsi = customer_client.get(url).content.decode()
    assert "اجاره سرد در صفحه ۲ قرارداد اجاره شماست." in farsi
    assert platform_fa not in farsi

    # Leichte Sprache without an own text: the platform's help (LS where written).
    _customer_in(customer, EASY_GERMAN)
    easy = customer_client.get(url).content.decode()
    assert _platform_help(EASY_GERMAN) in easy and GERMAN_HELP not in easy


def test_opening_hours_per_language_with_marker_and_german_fallback(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    office = Office.objects.filter(jobcenter=jc_a).order_by("position").first()
    assert office is not None
    client = staff_client(staff_a[Role.ADMIN])
    url = f"/fulda/staff/standorte/{office.pk}/"
    data = {
        "name": office.name,
        "street": office.street,
        "postcode": office.postcode,
        "city": office.city,
        "phone": office.phone,
        "opening_hours": "Mo–Fr 8–12 Uhr\nDo 14–17 Uhr",
        "position": "0",
        field_name("opening_hours", "tr"): "Pzt–Cum 8–12\nPer 14–17",
        field_name("opening_hours", "en"): "<b>Mon</b>",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # HTML refused, nothing stored
    office.refresh_from_db()
    assert office.translations == {}
    data[field_name("opening_hours", "en")] = "Mon–Fri 8–12\nThu 2–5 pm"
    assert client.post(url, data).status_code == 302
    office.refresh_from_db()
    assert office.opening_hours == "Mo–Fr 8–12 Uhr\nDo 14–17 Uhr"
    assert office.translations == {
        "opening_hours": {"tr": "Pzt–Cum 8–12\nPer 14–17", "en": "Mon–Fri 8–12\nThu 2–5 pm"}
    }
    edit = client.get(url).content.decode()
    assert "vollständig" in _section(edit, "tr")
    assert "Übersetzung fehlt: Öffnungszeiten" in _section(edit, "fa")
    listing = client.get("/fulda/staff/standorte/").content.decode()
    assert "Übersetzung fehlt" in listing

    page_tr = Client().get("/fulda/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert "Pzt–Cum 8–12" in page_tr and "Mo–Fr 8–12 Uhr" not in page_tr
    page_fa = Client().get("/fulda/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "Mo–Fr 8–12 Uhr" in page_fa  # German fallback
    with translation.override("tr"):
        assert office.opening_hours_lines == ["Pzt–Cum 8–12", "Per 14–17"]
