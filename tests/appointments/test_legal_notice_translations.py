"""An appointment type's own legal note (shown beneath the fixed Rechtsfolgenbelehrung of
an invitation) per language: entered on the type's page, marked while missing, shown in the
customer's language with the German wording beside it; German where there is none."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments.models import Appointment, AppointmentType, Channel
from openjobcenter.appointments.services import appointment_invite
from openjobcenter.appointments.slots import BERLIN, local_to_utc
from openjobcenter.core.content_i18n import set_translation, target_languages
from openjobcenter.core.content_i18n_forms import field_name
from openjobcenter.tenants.models import Office

pytestmark = pytest.mark.django_db

ENGLISH = "If you miss the appointment without an important reason, your benefit can be reduced."
FARSI = "اگر بدون دلیل مهم به وقت ملاقات نیایید، ممکن است کمک هزینه شما کاهش یابد."


def _form(appt_type: AppointmentType, **extra: str) -> dict[str, object]:
    return {
        "name": appt_type.name,
        "description": "",
        "duration_min": 30,
        "buffer_min": 0,
        "channels": ["in_person"],
        "self_bookable": "on",
        "own_advisor_only": "on",
        "horizon_days": 56,
        "notice_hours": appt_type.notice_hours,
        "what_to_bring": appt_type.what_to_bring,
        "legal_notice": appt_type.legal_notice,
        "is_active": "on",
        **extra,
    }


def _invite(customer: CustomerProfile, appt_type: AppointmentType, advisor: User) -> Appointment:
    day: date = timezone.localtime(timezone.now(), BERLIN).date() + timedelta(days=3)
    starts_at = local_to_utc(day, time(10, 0))
    assert starts_at is not None
    office = Office.objects.filter(jobcenter=customer.jobcenter).order_by("position").first()
    return appointment_invite(
        request=None,
        actor=advisor,
        customer=customer,
        appt_type=appt_type,
        staff=advisor,
        starts_at=starts_at,
        channel=Channel.IN_PERSON,
        office_id=office.pk if office else None,
    )


def _own_note(page: str) -> str:
    match = re.search(r'<div class="legal-notice-own" dir="auto">(.*?)</div>', page, re.S)
    assert match, "the job centre's note is missing"
    return match.group(1)


def test_legal_notice_is_entered_per_language_and_shown_in_the_customers_language(
    staff_client: Callable[[User], Client],
    staff_a: dict[Role, User],
    appt_type: AppointmentType,
    advisor: User,
    customer: CustomerProfile,
) -> None:
    german = appt_type.legal_notice
    lead = staff_client(staff_a[Role.TEAM_LEAD])
    url = f"/fulda/staff/termine/arten/{appt_type.pk}/"
    assert f'name="{field_name("legal_notice", "fa")}"' in lead.get(url).content.decode()
    response = lead.post(
        url,
        _form(
            appt_type,
            **{field_name("legal_notice", "en"): ENGLISH, field_name("legal_notice", "fa"): FARSI},
        ),
    )
    assert response.status_code == 302
    appt_type.refresh_from_db()
    assert appt_type.legal_notice == german
    assert appt_type.translations["legal_notice"] == {"en": ENGLISH, "fa": FARSI}

    invitation = _invite(customer, appt_type, advisor)
    page_url = f"/fulda/mein-bereich/termine/{invitation.pk}/"
    customer_client = Client()  # staff_client holds the staff login
    customer_client.force_login(customer.user)
    for language, text, german_label in (
        ("en", ENGLISH, "German text"),
        ("fa", FARSI, "متن آلمانی"),
    ):
        customer.user.preferred_language = language
        customer.user.save(update_fields=["preferred_language"])
        page = customer_client.get(page_url).content.decode()
        assert text in _own_note(page)
        # The German wording stays beside it, marked as German.
        assert german_label in page
        assert re.search(r'<div lang="de" dir="ltr">\s*<p>' + re.escape(german[:30]), page)
    # No Polish translation: the German text, once, without a "German text" twin.
    customer.user.preferred_language = "pl"
    customer.user.save(update_fields=["preferred_language"])
    page = customer_client.get(page_url).content.decode()
    assert german[:30] in _own_note(page)
    assert "Tekst niemiecki" not in page and 'lang="de" dir="ltr"' not in page
    # The customer API gives the note in the request's language too.
    customer.user.preferred_language = "en"
    customer.user.save(update_fields=["preferred_language"])
    mine = customer_client.get(f"/api/v1/appointments/fulda/appointments/{invitation.pk}")
    assert mine.status_code == 200
    assert mine.json()["legal_notice"] == ENGLISH


def test_list_marks_a_type_whose_legal_notice_is_not_translated(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], appt_type: AppointmentType
) -> None:
    for code in target_languages():
        for field in ("name", "what_to_bring"):
            set_translation(appt_type, field, code, f"{field} {code}")
    appt_type.save()
    lead = staff_client(staff_a[Role.TEAM_LEAD])
    listing = lead.get("/fulda/staff/termine/arten/").content.decode()
    assert "Übersetzung fehlt" in listing  # the legal notice has none
    for code in target_languages():
        set_translation(appt_type, "legal_notice", code, f"notice {code}")
    appt_type.save()
    listing = lead.get("/fulda/staff/termine/arten/").content.decode()
    assert "Übersetzung fehlt" not in listing


def test_html_in_the_legal_notice_translation_is_refused_and_nothing_changes(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], appt_type: AppointmentType
) -> None:
    lead = staff_client(staff_a[Role.TEAM_LEAD])
    url = f"/fulda/staff/termine/arten/{appt_type.pk}/"
    bad = lead.post(url, _form(appt_type, **{field_name("legal_notice", "en"): "<b>x</b>"}))
    assert 400 <= bad.status_code < 500
    assert "keinen HTML-Code" in bad.content.decode()
    appt_type.refresh_from_db()
    assert appt_type.translations == {}
