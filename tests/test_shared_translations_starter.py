"""The operator's starter set of shared translations (core/shared_starter.py, issue 23.3):
shipped complete in every shipped language, loaded without overwriting the operator's
edits, and adopted end to end — a job centre that names an appointment type "Erstberatung"
sees the adopted text in its admin form and its Turkish customers read it when booking."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import AppointmentType
from openjobcenter.core.content_i18n import translated
from openjobcenter.core.content_i18n_forms import field_name
from openjobcenter.core.models import SharedTranslation
from openjobcenter.core.readability import assess
from openjobcenter.core.shared_starter import STARTER

pytestmark = pytest.mark.django_db

SHIPPED = [code for code, _name in settings.ALL_LANGUAGES if code != settings.LANGUAGE_CODE]


def test_the_starter_set_covers_every_shipped_language_and_keeps_to_the_limits() -> None:
    assert len(STARTER) >= 10
    for source, texts in STARTER.items():
        assert len(source) <= 500  # SharedTranslation.source
        assert sorted(texts) == sorted(SHIPPED), source
        assert all(
            (text.strip() and text != source) or code == "de-x-ls" for code, text in texts.items()
        )
        easy = assess(texts["de-x-ls"])
        assert easy.longest_sentence <= 12, (source, easy)
        assert not easy.long_words and not easy.passive, (source, easy)


def test_loading_adds_what_is_missing_and_keeps_the_operators_edits() -> None:
    call_command("shared_translations_starter", stdout=StringIO())  # as the migration does
    row = SharedTranslation.objects.get(source="Erstberatung")
    assert row.translations["tr"] == "İlk danışmanlık görüşmesi"
    row.translations = {**row.translations, "en": "First advice meeting"}
    del row.translations["fa"]
    row.save()
    SharedTranslation.objects.filter(source="Fragen zum Antrag").delete()
    out = StringIO()
    call_command("shared_translations_starter", stdout=out)
    assert out.getvalue().startswith("2 ")
    row.refresh_from_db()
    assert row.translations["en"] == "First advice meeting"  # the operator's text stays
    assert row.translations["fa"] == STARTER["Erstberatung"]["fa"]  # the gap is filled
    assert SharedTranslation.objects.filter(source="Fragen zum Antrag").exists()
    again = StringIO()
    call_command("shared_translations_starter", stdout=again)
    assert again.getvalue().startswith("0 ")


def test_a_job_centre_adopts_the_starter_translation_in_admin_and_booking(
    staff_client: Callable[[User], Client],
    staff_a: dict[Role, User],
    appt_type: AppointmentType,
    customer: CustomerProfile,
) -> None:
    call_command("shared_translations_starter", stdout=StringIO())
    client = staff_client(staff_a[Role.TEAM_LEAD])
    url = f"/fulda/staff/termine/arten/{appt_type.pk}/"
    data = {
        "name": "Erstberatung",
        "description": "Erstes Gespräch, wenn Sie neu beim Jobcenter sind.",
        "duration_min": 30,
        "buffer_min": 0,
        "channels": ["in_person", "phone"],
        "self_bookable": "on",
        "own_advisor_only": "on",
        "horizon_days": 56,
        "notice_hours": appt_type.notice_hours,
        "what_to_bring": "Personalausweis, Lebenslauf",
        "legal_notice": "",
        "is_active": "on",
    }
    assert client.post(url, data).status_code == 302
    appt_type.refresh_from_db()
    assert appt_type.translations == {}  # nothing own: the shared texts are adopted
    page = client.get(url).content.decode()
    turkish = page[page.index('<span lang="tr"') :]
    turkish = turkish[: turkish.index("</details>")]
    assert "Übersetzung des Betreibers übernommen" in turkish
    assert 'placeholder="İlk danışmanlık görüşmesi"' in turkish
    assert "Übersetzung fehlt" not in turkish
    assert translated(appt_type, "what_to_bring", "fa-af") == "تذکره، خلص سوانح"

    customer_client = Client()
    customer_client.force_login(customer.user)
    customer.user.preferred_language = "tr"
    customer.user.save(update_fields=["preferred_language"])
    booking = customer_client.get("/fulda/mein-bereich/termine/buchen/").content.decode()
    assert "İlk danışmanlık görüşmesi" in booking
    assert "Jobcenter'a yeni geldiyseniz ilk görüşme." in booking or (
        "Jobcenter&#x27;a yeni geldiyseniz ilk görüşme." in booking
    )

    # The job centre's own text wins over the operator's.
    data[field_name("name", "tr")] = "Tanışma görüşmesi"
    assert client.post(url, data).status_code == 302
    booking = customer_client.get("/fulda/mein-bereich/termine/buchen/").content.decode()
    assert "Tanışma görüşmesi" in booking and "İlk danışmanlık görüşmesi" not in booking
