""" "Geprüft" (issue 23.1): a job centre's admin records that its texts in a language were
checked with a test group; the Leichte-Sprache page tells customers who checked it and
when. Admins only, own job centre only, audited; a refused write changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from openjobcenter.accounts.models import Role, User
from openjobcenter.core.languages import EASY_GERMAN
from openjobcenter.core.models import AuditEntry
from openjobcenter.tenants.models import Jobcenter, LanguageReview

pytestmark = pytest.mark.django_db

URL = "/fulda/staff/einstellungen/pruefung/"
EASY_PAGE = "/fulda/leichte-sprache/"
RECORD = {
    "language": EASY_GERMAN,
    "reviewer": "Prüfgruppe der Lebenshilfe Fulda",
    "group": "Fünf Leserinnen und Leser mit Lernschwierigkeiten",
    "scope": "Seite in Leichter Sprache, Termine",
    "reviewed_on": "2026-11-20",
}


def test_admin_records_a_review_and_customers_see_it_on_the_easy_language_page(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    assert "Wer hat die Texte geprüft?" not in Client().get(EASY_PAGE).content.decode()
    client = staff_client(staff_a[Role.ADMIN])
    page = client.get(URL).content.decode()
    assert "Noch keine Sprache ist von einer Prüfgruppe geprüft." in page
    assert f'value="{EASY_GERMAN}" selected' in page  # Leichte Sprache is the default
    assert client.post(URL, RECORD).status_code == 302
    review = LanguageReview.objects.get(jobcenter=jc_a, language=EASY_GERMAN)
    assert review.reviewer == "Prüfgruppe der Lebenshilfe Fulda"
    assert review.reviewed_on == date(2026, 11, 20)
    assert review.recorded_by == staff_a[Role.ADMIN]
    entry = AuditEntry.objects.filter(object_type="language_review").latest("pk")
    assert entry.object_id == str(review.pk) and entry.jobcenter_id == jc_a.pk
    listing = client.get(URL).content.decode()
    assert "Prüfgruppe der Lebenshilfe Fulda" in listing and "20.11.2026" in listing
    assert "Fünf Leserinnen und Leser" in listing

    easy = Client().get(EASY_PAGE, HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert "Wer hat die Texte geprüft?" in easy
    assert "<bdi>Prüfgruppe der Lebenshilfe Fulda</bdi>" in easy
    assert "Das war am 20. November 2026." in easy
    # Another job centre's page shows nothing of it.
    assert "Lebenshilfe Fulda" not in Client().get("/wiesbaden/leichte-sprache/").content.decode()

    # A second record for the language replaces the first; removing it withdraws the note.
    assert client.post(URL, {**RECORD, "reviewer": "Büro für Leichte Sprache"}).status_code == 302
    assert LanguageReview.objects.filter(jobcenter=jc_a).count() == 1
    assert client.post(URL, {"remove": EASY_GERMAN}).status_code == 302
    assert not LanguageReview.objects.filter(jobcenter=jc_a).exists()
    assert "Wer hat die Texte geprüft?" not in Client().get(EASY_PAGE).content.decode()
    assert AuditEntry.objects.filter(object_type="language_review").count() == 3


def test_bad_input_is_refused_and_nothing_is_stored(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User]
) -> None:
    client = staff_client(staff_a[Role.ADMIN])
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for bad in (
        {**RECORD, "language": "xx"},
        {**RECORD, "language": "de"},  # German is the source, not a translation
        {**RECORD, "reviewed_on": tomorrow},
        {**RECORD, "reviewer": ""},
        {**RECORD, "reviewer": "x" * 201},
    ):
        response = client.post(URL, bad)
        assert response.status_code == 400, bad
    assert (
        "Das Datum darf nicht in der Zukunft liegen."
        in client.post(URL, {**RECORD, "reviewed_on": tomorrow}).content.decode()
    )
    assert not LanguageReview.objects.exists()
    assert not AuditEntry.objects.filter(object_type="language_review").exists()


@pytest.mark.parametrize(
    "role", [Role.RECEPTION, Role.CASEWORKER, Role.JOB_ADVISOR, Role.TEAM_LEAD]
)
def test_only_the_admin_may_record_or_remove(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter, role: Role
) -> None:
    LanguageReview.objects.create(
        jobcenter=jc_a, language=EASY_GERMAN, reviewer="Prüfgruppe", reviewed_on=date(2026, 1, 5)
    )
    client = staff_client(staff_a[role])
    assert client.get(URL).status_code == 403
    assert client.post(URL, {**RECORD, "reviewer": "Fremd"}).status_code == 403
    assert client.post(URL, {"remove": EASY_GERMAN}).status_code == 403
    review = LanguageReview.objects.get(jobcenter=jc_a)
    assert review.reviewer == "Prüfgruppe"


def test_outsiders_cannot_see_or_change_another_job_centres_reviews(
    staff_client: Callable[[User], Client], staff_b: dict[Role, User], jc_a: Jobcenter, customer
) -> None:
    LanguageReview.objects.create(
        jobcenter=jc_a,
        language=EASY_GERMAN,
        reviewer="Lesegruppe Domplatz",
        reviewed_on=date(2026, 1, 5),
    )
    anonymous = Client().get(URL)
    assert anonymous.status_code == 302 and "/konto/login/" in anonymous["Location"]
    other_admin = staff_client(staff_b[Role.ADMIN])
    response = other_admin.get(URL)
    assert response.status_code == 404
    assert "Lesegruppe Domplatz" not in response.content.decode()
    assert other_admin.post(URL, {"remove": EASY_GERMAN}).status_code == 404
    # B's own page lists none of A's records.
    assert (
        "Lesegruppe Domplatz"
        not in other_admin.get("/wiesbaden/staff/einstellungen/pruefung/").content.decode()
    )
    assert LanguageReview.objects.filter(jobcenter=jc_a).count() == 1
    customer_client = Client()
    customer_client.force_login(customer.user)
    assert customer_client.get(URL).status_code == 404


def test_removing_a_language_without_a_record_changes_and_audits_nothing(
    staff_client: Callable[[User], Client], staff_a: dict[Role, User], jc_a: Jobcenter
) -> None:
    # A second tab's "Löschen" after the first one removed it, or a forged language:
    # the other languages' records stay and the audit log gains no entry.
    LanguageReview.objects.create(
        jobcenter=jc_a, language="uk", reviewer="Lesegruppe", reviewed_on=date(2026, 1, 5)
    )
    client = staff_client(staff_a[Role.ADMIN])
    for language in (EASY_GERMAN, "xx"):
        response = client.post(URL, {"remove": language})
        assert response.status_code == 302 and response["Location"] == URL
    assert list(LanguageReview.objects.values_list("language", flat=True)) == ["uk"]
    assert not AuditEntry.objects.filter(object_type="language_review").exists()
