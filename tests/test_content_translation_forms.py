"""Job centres enter their own texts per language in their settings pages
(core/content_i18n_forms.py): one section per offered language with ``lang``/``dir``, a
marker for what is missing, the German field's limits, no HTML, audited, tenant-isolated."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.utils import translation

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import AppointmentType
from openjobcenter.core.content_i18n import set_translation, target_languages
from openjobcenter.core.content_i18n_forms import field_name
from openjobcenter.core.languages import EASY_GERMAN
from openjobcenter.core.models import AuditEntry, SharedTranslation
from openjobcenter.messaging import services as messaging_services
from openjobcenter.messaging.models import Conversation, TextTemplate, Topic
from openjobcenter.news.models import Post
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.videos.models import Video

pytestmark = pytest.mark.django_db

BRANDING = "/fulda/staff/einstellungen/branding/"
LEGAL = "/fulda/staff/einstellungen/legal/"
RTL = {"ar", "fa", "fa-af"}


def _section(html: str, code: str) -> str:
    match = re.search(
        rf'<details class="translation-section"[^>]*>\s*<summary><span lang="{re.escape(code)}"'
        r".*?</details>",
        html,
        re.S,
    )
    assert match, f"no section for {code}"
    return match.group(0)


def test_offered_languages_all_have_a_section_with_lang_and_direction(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    jc_a.intro = "Willkommen im Jobcenter."
    set_translation(jc_a, "intro", "en", "Welcome to the job centre.")
    jc_a.save()
    SharedTranslation.objects.create(
        source="Willkommen im Jobcenter.", translations={"uk": "Ласкаво просимо до джобцентру."}
    )
    html = staff_client(staff_a[Role.ADMIN]).get(BRANDING).content.decode()
    languages = target_languages()
    assert EASY_GERMAN in languages and {"tr", "fa", "fa-af", "ar"} <= set(languages)
    for code in languages:
        section = _section(html, code)
        direction = "rtl" if code in RTL else "ltr"
        name = field_name("intro", code)
        assert re.search(
            rf'<textarea name="{name}"[^>]*lang="{code}"|<textarea name="{name}"[^>]*dir="{direction}"',
            section,
        ), section
        textarea = re.search(rf'<textarea name="{name}"[^>]*>', section)
        assert textarea and f'lang="{code}"' in textarea.group(0)
        assert f'dir="{direction}"' in textarea.group(0)
        assert 'dir="auto"' not in textarea.group(0)
        if code == "en":  # own translation: shown, nothing missing
            assert "Welcome to the job centre." in section and "vollständig" in section
        elif code == "uk":  # the operator's shared translation counts
            assert "vollständig" in section
        else:
            assert "Übersetzung fehlt: Begrüßungstext auf der Startseite" in section


def test_saving_translations_stores_audits_and_shows_them(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    response = client.post(
        BRANDING,
        {
            "primary_colour": "#1d4f91",
            "intro": "Willkommen im Jobcenter.",
            field_name("intro", "tr"): "Jobcenter'a hoş geldiniz.",
            field_name("intro", "fa"): "به جاب‌سنتر خوش آمدید.",
            field_name("intro", EASY_GERMAN): "Hallo. Das ist die Seite vom Job-Center.",
            field_name("intro", "en"): "   ",
        },
    )
    assert response.status_code == 302
    jc_a.refresh_from_db()
    assert jc_a.translations == {
        "intro": {
            "tr": "Jobcenter'a hoş geldiniz.",
            "fa": "به جاب‌سنتر خوش آمدید.",
            EASY_GERMAN: "Hallo. Das ist die Seite vom Job-Center.",
        }
    }
    entry = AuditEntry.objects.filter(object_type="jobcenter", object_id=str(jc_a.pk)).latest("pk")
    assert "translations" in entry.detail
    assert "hoş geldiniz" in Client().get("/fulda/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    farsi = Client().get("/fulda/", HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "به جاب‌سنتر خوش آمدید." in farsi and 'dir="rtl"' in farsi
    # The legal section keeps the branding's translations (only its own fields change).
    response = client.post(
        LEGAL,
        {
            "imprint": "Jobcenter Fulda, Wörthstraße 15",
            field_name("imprint", "en"): "Job centre Fulda, Wörthstraße 15",
        },
    )
    assert response.status_code == 302
    jc_a.refresh_from_db()
    assert jc_a.translations["intro"]["tr"] == "Jobcenter'a hoş geldiniz."
    assert jc_a.translations["imprint"] == {"en": "Job centre Fulda, Wörthstraße 15"}
    english = Client().get("/fulda/impressum/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Job centre Fulda" in english


def test_too_long_or_html_is_refused_and_nothing_changes(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    jc_a.intro = "Alt"
    set_translation(jc_a, "intro", "en", "Old")
    jc_a.save()
    client = staff_client(staff_a[Role.ADMIN])
    too_long = client.post(
        BRANDING,
        {"primary_colour": "#1d4f91", "intro": "Neu", field_name("intro", "en"): "x" * 2001},
    )
    assert too_long.status_code == 400
    html = too_long.content.decode()
    assert "Bitte prüfen Sie Ihre Angaben" in html
    assert f'href="#id_{field_name("intro", "en")}"' in html  # the summary links the field
    assert re.search(r'<details class="translation-section" open>\s*<summary><span lang="en"', html)
    with_html = client.post(
        BRANDING,
        {
            "primary_colour": "#1d4f91",
            "intro": "Neu",
            field_name("intro", "ar"): "<script>alert(1)</script>",
        },
    )
    assert with_html.status_code == 400
    assert "keinen HTML-Code" in with_html.content.decode()
    jc_a.refresh_from_db()
    assert jc_a.intro == "Alt" and jc_a.translations == {"intro": {"en": "Old"}}


def test_other_roles_customers_and_other_job_centres_are_refused(
    staff_client: Callable[[User], Client],
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
    jc_a: Jobcenter,
    jc_b: Jobcenter,
    customer: CustomerProfile,
) -> None:
    if "messaging" not in jc_a.enabled_modules:
        jc_a.enabled_modules = [*jc_a.enabled_modules, "messaging"]
        jc_a.save()
    messaging_services.topics_ensure_defaults(jobcenter=jc_a)
    topic = Topic.objects.filter(jobcenter=jc_a).first()
    assert topic is not None
    url = f"/fulda/staff/nachrichten/einstellungen/themen/{topic.pk}/"
    # A role without the permission: refused as on every staff page (403); a customer and
    # another job centre's staff do not learn the page exists (404).
    assert staff_client(staff_a[Role.CASEWORKER]).get(url).status_code == 403
    assert staff_client(staff_a[Role.CASEWORKER]).get(BRANDING).status_code == 403
    customer_browser = Client()
    customer_browser.force_login(customer.user)
    assert customer_browser.get(url).status_code == 404
    assert customer_browser.get(BRANDING).status_code == 404
    outsider = staff_client(staff_b[Role.ADMIN])
    response = outsider.post(
        f"/{jc_b.slug}/staff/nachrichten/einstellungen/themen/{topic.pk}/",
        {"name": "Übernommen", field_name("name", "en"): "Taken"},
    )
    assert response.status_code == 404
    topic.refresh_from_db()
    assert topic.name != "Übernommen" and topic.translations == {}


def test_topic_and_template_are_entered_per_language(
    staff_client: Callable[[User], Client],
    staff_a: dict[Role, User],
    jc_a: Jobcenter,
    customer: CustomerProfile,
) -> None:
    jc_a.enabled_modules = [*jc_a.enabled_modules, "messaging"]
    jc_a.save()
    messaging_services.topics_ensure_defaults(jobcenter=jc_a)
    topic = Topic.objects.filter(jobcenter=jc_a).order_by("position").first()
    assert topic is not None
    client = staff_client(staff_a[Role.TEAM_LEAD])
    config = client.get("/fulda/staff/nachrichten/einstellungen/").content.decode()
    assert f"/fulda/staff/nachrichten/einstellungen/themen/{topic.pk}/" in config
    assert "Übersetzung fehlt" in config
    url = f"/fulda/staff/nachrichten/einstellungen/themen/{topic.pk}/"
    page = client.get(url).content.decode()
    assert 'lang="fa-af"' in page and 'dir="rtl"' in page
    response = client.post(
        url,
        {
            "name": topic.name,
            "description": "",
            "position": topic.position,
            "is_active": "on",
            field_name("name", "tr"): "Başvuru soruları",
            field_name("name", "ru"): "Вопросы по заявлению",
        },
    )
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.translations == {"name": {"tr": "Başvuru soruları", "ru": "Вопросы по заявлению"}}
    assert AuditEntry.objects.filter(object_id=f"topic:{topic.pk}").exists()
    with translation.override("tr"):
        assert topic.label == "Başvuru soruları"

    template = TextTemplate.objects.create(
        jobcenter=jc_a, title="Gruß", body="Guten Tag {vorname}, wie können wir helfen?"
    )
    url = f"/fulda/staff/nachrichten/einstellungen/textbausteine/{template.pk}/"
    response = client.post(
        url,
        {
            "title": "Gruß",
            "body": template.body,
            field_name("body", "tr"): "Merhaba {vorname}, size nasıl yardımcı olabiliriz?",
        },
    )
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.translations == {
        "body": {"tr": "Merhaba {vorname}, size nasıl yardımcı olabiliriz?"}
    }
    # A conversation with a Turkish-speaking customer gets the Turkish text.
    customer.user.preferred_language = "tr"
    customer.user.save()
    conversation = Conversation(jobcenter=jc_a, customer=customer, topic=topic)
    rendered = messaging_services.template_render(template, conversation)
    assert rendered == f"Merhaba {customer.user.first_name}, size nasıl yardımcı olabiliriz?"


def test_appointment_type_translations_reach_the_booking_page(
    staff_client: Callable[[User], Client],
    staff_a: dict[Role, User],
    appt_type: AppointmentType,
    customer: CustomerProfile,
) -> None:
    client = staff_client(staff_a[Role.TEAM_LEAD])
    url = f"/fulda/staff/termine/arten/{appt_type.pk}/"
    page = client.get(url).content.decode()
    assert f'name="{field_name("what_to_bring", "fa")}"' in page
    data = {
        "name": appt_type.name,
        "description": "Wir sprechen über Ihre Ziele.",
        "duration_min": 30,
        "buffer_min": 0,
        "channels": ["in_person", "phone"],
        "self_bookable": "on",
        "own_advisor_only": "on",
        "horizon_days": 56,
        "notice_hours": appt_type.notice_hours,
        "what_to_bring": "Personalausweis",
        "legal_notice": "",
        "is_active": "on",
        field_name("name", "tr"): "Danışmanınızla görüşme",
        field_name("description", "tr"): "Hedefleriniz hakkında konuşuyoruz.",
        field_name("what_to_bring", "tr"): "Kimlik kartı",
    }
    too_long = client.post(url, {**data, field_name("name", "tr"): "x" * 121})
    assert too_long.status_code == 400
    appt_type.refresh_from_db()
    assert appt_type.translations == {}
    assert client.post(url, data).status_code == 302
    appt_type.refresh_from_db()
    assert appt_type.translations["description"] == {"tr": "Hedefleriniz hakkında konuşuyoruz."}
    # Only Turkish so far: the list marks the type as still missing translations.
    listing = client.get("/fulda/staff/termine/arten/").content.decode()
    assert "Übersetzung fehlt" in listing
    customer_client = Client()  # the staff_client fixture holds the staff login
    customer_client.force_login(customer.user)
    customer.user.preferred_language = "tr"  # the account's language applies after login
    customer.user.save(update_fields=["preferred_language"])
    booking = customer_client.get("/fulda/mein-bereich/termine/buchen/").content.decode()
    assert "Danışmanınızla görüşme" in booking
    assert "Hedefleriniz hakkında konuşuyoruz." in booking


def test_news_post_and_video_take_translations(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    jc_a.enabled_modules = [*jc_a.enabled_modules, "news", "videos"]
    jc_a.save()
    client = staff_client(staff_a[Role.ADMIN])
    response = client.post(
        "/fulda/staff/neuigkeiten/neu/",
        {
            "text": "Am Freitag ist das Jobcenter geschlossen.",
            field_name("text", "pl"): "W piątek jobcenter jest zamknięty.",
            field_name("text", "ro"): "<b>Vineri</b> jobcenterul este închis.",
        },
    )
    assert response.status_code == 400  # HTML in the Romanian text: nothing stored
    assert not Post.objects.exists()
    del_ro = {
        "text": "Am Freitag ist das Jobcenter geschlossen.",
        field_name("text", "pl"): "W piątek jobcenter jest zamknięty.",
    }
    assert client.post("/fulda/staff/neuigkeiten/neu/", del_ro).status_code == 302
    post = Post.objects.get()
    assert post.translations == {"text": {"pl": "W piątek jobcenter jest zamknięty."}}
    polish = Client().get("/fulda/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "W piątek jobcenter jest zamknięty." in polish
    # Editing without the Polish input on the form (not sent) keeps it.
    edited = client.post(f"/fulda/staff/neuigkeiten/{post.pk}/", {"text": "Geändert."})
    assert edited.status_code == 302
    post.refresh_from_db()
    assert post.translations == {"text": {"pl": "W piątek jobcenter jest zamknięty."}}

    video = Video.objects.create(jobcenter=jc_a, title="So stellen Sie den Antrag")
    response = client.post(
        f"/fulda/staff/videos/{video.pk}/",
        {
            "title": video.title,
            "description": "Schritt für Schritt.",
            field_name("title", "ar"): "كيف تقدم الطلب",
            field_name("description", "ar"): "خطوة بخطوة.",
        },
    )
    assert response.status_code == 302
    video.refresh_from_db()
    assert video.translations == {
        "title": {"ar": "كيف تقدم الطلب"},
        "description": {"ar": "خطوة بخطوة."},
    }
    assert AuditEntry.objects.filter(object_type="video", object_id=str(video.pk)).exists()
