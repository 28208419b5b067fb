"""Texts a job centre enters, per language (core/content_i18n.py): its own translation,
else the operator's shared one, else German; the admin marks what is missing."""

from __future__ import annotations

from django.test import Client
from django.utils import translation

from openjobcenter.core.admin import MissingTranslationsColumn
from openjobcenter.core.content_i18n import missing_languages, set_translation, translated
from openjobcenter.core.models import SharedTranslation
from openjobcenter.messaging.models import Topic
from openjobcenter.tenants.admin import JobcenterAdmin


def test_own_translation_then_shared_then_german(appt_type) -> None:
    appt_type.name = "Erstgespräch"
    assert translated(appt_type, "name", "en") == "Erstgespräch"  # nothing yet: German
    SharedTranslation.objects.create(
        source="Erstgespräch", translations={"en": "First meeting", "ar": "اللقاء الأول"}
    )
    assert translated(appt_type, "name", "en") == "First meeting"  # adopted from the operator
    set_translation(appt_type, "name", "en", "Initial interview")
    appt_type.save()
    appt_type.refresh_from_db()
    assert translated(appt_type, "name", "en") == "Initial interview"  # own wins
    assert translated(appt_type, "name", "ar") == "اللقاء الأول"
    assert translated(appt_type, "name", "uk") == "Erstgespräch"
    assert translated(appt_type, "name", "de") == "Erstgespräch"
    with translation.override("en"):
        assert translated(appt_type, "name") == "Initial interview"
    set_translation(appt_type, "name", "en", "  ")  # emptied: removed again
    assert "en" not in appt_type.translations.get("name", {})


def test_missing_translations_are_marked_for_the_admin(jc_a) -> None:
    jc_a.intro = "Willkommen im Jobcenter."
    jc_a.imprint = ""
    set_translation(jc_a, "intro", "en", "Welcome to the job centre.")
    missing = missing_languages(jc_a, ("intro", "imprint"))
    assert "imprint" not in missing  # no German text, nothing to translate
    assert "en" not in missing["intro"]
    assert {"ar", "uk"} <= set(missing["intro"])
    column = JobcenterAdmin.missing_translations
    assert issubclass(JobcenterAdmin, MissingTranslationsColumn)
    assert "intro: " in column(JobcenterAdmin(type(jc_a), None), jc_a)  # type: ignore[arg-type]


def test_start_page_and_chat_topic_show_the_translation(client: Client, jc_a) -> None:
    jc_a.intro = "Willkommen im Jobcenter."
    set_translation(jc_a, "intro", "en", "Welcome to the job centre.")
    jc_a.save()
    english = client.get("/fulda/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Welcome to the job centre." in english
    german = client.get("/fulda/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Willkommen im Jobcenter." in german
    topic = Topic(jobcenter=jc_a, name="Fragen zur Miete")
    set_translation(topic, "name", "uk", "Питання щодо оренди")
    with translation.override("uk"):
        assert topic.label == "Питання щодо оренди"
    with translation.override("en"):
        assert topic.label == "Fragen zur Miete"
