"""Issue 18 part 3: one view of a customer (Fallübersicht), each section gated by
need-to-know, every read audited, a constant number of queries."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications.models import ApplicationStep
from openjobcenter.appointments.models import AppointmentType
from openjobcenter.casefile.models import CaseNote
from openjobcenter.casefile.selectors import LIST_LIMIT
from openjobcenter.casefile.services import case_note_add
from openjobcenter.core.models import AuditEntry
from openjobcenter.documents.models import Document
from tests.applications.staff_data import make_application
from tests.casefile.conftest import Case, add_appointment, add_document, start, topic_named

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]


def case_page(client: Client, case: Case, query: str = "") -> str:
    response = client.get(f"/fulda/staff/kunden/{case.customer.pk}/{query}")
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, title_id: str) -> str:
    """The text of one section of the page (from its heading to the next section)."""
    start_at = page.index(f'id="{title_id}"')
    end = page.find("<section", start_at)
    return page[start_at : end if end != -1 else len(page)]


def test_caseworker_sees_the_whole_benefit_case(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    page = case_page(staff_client(staff_a[Role.CASEWORKER]), case)
    apps = section(page, "applications-title")
    assert "Antrag auf Bürgergeld – Erstantrag" in apps
    assert case.application.reference in apps
    assert f'href="/fulda/staff/antraege/{case.application.pk}/"' in apps
    assert timezone.localtime(case.application.filed_at).strftime("%d.%m.%Y") in apps
    docs = section(page, "documents-title")
    # Each document says which request item or proof it answers.
    assert "Nachforderung vom" in docs and ": Lohn- oder Gehaltsabrechnung" in docs
    assert f"Nachweis zum Antrag {case.application.reference}: Mietvertrag" in docs
    assert "Arbeitsunfähigkeitsbescheinigung" in docs  # health: the caseworker's business
    deadline = case.request.deadline.strftime("%d.%m.%Y")
    assert f"Frist {deadline}" in docs and "Kontoauszug: offen" in docs
    chats = section(page, "conversations-title")
    assert "Frage zum Bescheid" in chats
    # A job advisor's personal conversation is not the team's (messaging's own rule).
    assert "Bewerbung" not in page
    notes = section(page, "notes-title")
    assert "Mietbescheinigung telefonisch angekündigt." in notes
    assert "Interesse an Umschulung" not in page
    assert "1 Vermerk" in notes and "Inhalt nur für: Arbeitsvermittlung" in notes
    appts = section(page, "appointments-title")
    assert "Demnächst" in appts and "Einladung offen" in appts and "wahrgenommen" in appts
    # Actions from here.
    for action in ("Nachricht schreiben", "Unterlagen anfordern", "Zum Termin einladen"):
        assert action in page
    assert 'id="advisor-title"' in page


def test_job_advisor_sees_that_benefit_data_exists_not_what_it_says(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    page = case_page(staff_client(staff_a[Role.JOB_ADVISOR]), case)
    apps = section(page, "applications-title")
    assert "1 Antrag" in apps and "Inhalt nur für: Leistungssachbearbeitung" in apps
    assert case.application.reference not in page
    docs = section(page, "documents-title")
    # Two financial documents and one health document: counted, not named.
    assert "2 Unterlagen" in docs and "1 Unterlage" in docs
    for secret in ("Lohn- oder Gehaltsabrechnung", "Mietvertrag", "Arbeitsunfähigkeit"):
        assert secret not in page
    assert "1 offene Nachforderung" in docs
    chats = section(page, "conversations-title")
    assert "Bewerbung bei der Bäckerei" in chats  # placement: theirs
    assert "Frage zum Bescheid" not in page  # benefit chat: that it exists only
    assert "Inhalt nur für die zuständige Stelle" in chats
    notes = section(page, "notes-title")
    assert "Interesse an Umschulung Pflege." in notes
    assert "Mietbescheinigung" not in page
    assert "Inhalt nur für: Leistungssachbearbeitung" in notes
    timeline = section(page, "timeline-title")
    assert "Antrag gestellt" in timeline and "Unterlage eingegangen" in timeline


def test_reception_sees_neither_documents_nor_placement_notes(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    page = case_page(staff_client(staff_a[Role.RECEPTION]), case)
    assert 'id="documents-title"' not in page  # NONE: not even that they exist
    assert "Unterlage" not in section(page, "timeline-title")
    notes = section(page, "notes-title")
    assert "Interesse an Umschulung" not in page and "Mietbescheinigung" not in page
    assert "1 Vermerk" in notes  # benefit notes: existence only
    assert "Vermittlung" not in notes  # placement notes: not at all
    assert 'name="text"' not in page  # no note of its own to write


def test_every_read_is_audited_with_what_was_shown(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    advisor = staff_a[Role.JOB_ADVISOR]
    case_page(staff_client(advisor), case)
    entry = AuditEntry.objects.get(object_type="customer_case", actor=advisor)
    assert entry.object_id == str(case.customer.pk)
    assert entry.subject_id == case.customer.user_id
    assert "benefit_data=existence" in entry.detail
    assert "placement_data=content" in entry.detail


def test_address_from_the_application_when_the_profile_has_none(
    customer2: CustomerProfile, staff_a: dict[Role, User], staff_client: Login
) -> None:
    customer2.city = ""
    customer2.save()
    app = make_application(customer2)
    assert ApplicationStep.objects.filter(application=app, step_key="filing").exists()
    client = staff_client(staff_a[Role.RECEPTION])
    page = client.get(f"/fulda/staff/kunden/{customer2.pk}/").content.decode()
    contact = section(page, "contact-title")
    assert "Hauptstraße 1" in contact and "36037 Fulda" in contact
    assert f"aus dem Antrag {app.reference}; im Profil ist keine Anschrift hinterlegt" in contact


def test_timeline_is_merged_newest_first_and_paginated(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    author = staff_a[Role.CASEWORKER]
    for n in range(25):
        note = case_note_add(
            request=None,
            author=author,
            roles=[Role.CASEWORKER],
            customer=case.customer,
            category="benefit_data",
            text=f"Vermerk Nummer {n}",
        )
        CaseNote.objects.filter(pk=note.pk).update(
            created_at=timezone.now() + timedelta(days=10, minutes=n)
        )
    client = staff_client(author)
    first = section(case_page(client, case), "timeline-title")
    times = re.findall(r'<time datetime="([^"]+)"', first)
    assert len(times) == 20 and times == sorted(times, reverse=True)
    assert "Vermerk Nummer 24" in first and "Vermerk Nummer 5" in first
    assert "Vermerk Nummer 4" not in first
    assert "?verlauf=2" in first
    second = section(case_page(client, case, "?verlauf=2"), "timeline-title")
    assert "Vermerk Nummer 4" in second and "Vermerk Nummer 0" in second
    assert "Frage zum Bescheid" in second and "Lohn- oder Gehaltsabrechnung" in second
    assert "?verlauf=1" in second
    # Nonsense page numbers fall back to the first page, never an error.
    assert "Vermerk Nummer 24" in case_page(client, case, "?verlauf=abc")


def test_query_count_does_not_grow_with_the_case(
    case: Case,
    staff_a: dict[Role, User],
    staff_client: Login,
    appt_type: AppointmentType,
) -> None:
    client = staff_client(staff_a[Role.TEAM_LEAD])
    url = f"/fulda/staff/kunden/{case.customer.pk}/"
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    customer, jc = case.customer, case.customer.jobcenter
    for n in range(8):
        app = make_application(customer)
        add_document(customer, "payslip", proof_for=f"application:{app.pk}:payslip")
        add_document(customer, "medical_certificate")
        add_appointment(customer, appt_type, staff_a[Role.JOB_ADVISOR], days=n + 1)
        add_appointment(customer, appt_type, staff_a[Role.JOB_ADVISOR], days=-(n + 1))
        start(customer, f"Frage {n}", topic=topic_named(jc, "Allgemeines"))
        case_note_add(
            request=None,
            author=staff_a[Role.TEAM_LEAD],
            roles=[Role.TEAM_LEAD],
            customer=customer,
            category="placement_data",
            text=f"Notiz {n}",
        )
    with CaptureQueriesContext(connection) as large:
        page = client.get(url).content.decode()
    assert "Frage 7" in page and "Notiz 7" in page
    assert len(large.captured_queries) == len(small.captured_queries), [
        q["sql"][:120] for q in large.captured_queries
    ]


def test_query_count_is_the_same_with_a_personal_advisor(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    """The case view names the customer's advisor: joined with the customer, not one
    more query for every customer who has one (found by bench/staff_queue.py)."""
    client = staff_client(staff_a[Role.CASEWORKER])
    url = f"/fulda/staff/kunden/{case.customer.pk}/"
    CustomerProfile.objects.filter(pk=case.customer.pk).update(advisor=None)
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as without:
        assert client.get(url).status_code == 200
    advisor = staff_a[Role.JOB_ADVISOR]
    CustomerProfile.objects.filter(pk=case.customer.pk).update(advisor=advisor)
    with CaptureQueriesContext(connection) as with_advisor:
        page = client.get(url).content.decode()
    assert f"<dd>{advisor.display_name}</dd>" in page
    assert len(with_advisor.captured_queries) == len(without.captured_queries), [
        q["sql"][:120] for q in with_advisor.captured_queries
    ]


def test_the_document_list_is_the_newest_few_with_what_they_answer(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    """The list takes the newest rows first and joins their request items after (one
    query, however many request items the job centre has)."""
    customer = case.customer
    for _ in range(25):
        add_document(customer, "bank_statement")
    item = case.request.items.order_by("pk").first()
    assert item is not None
    newest = add_document(customer, "payslip", item_pk=item.pk)
    Document.objects.filter(pk=newest.pk).update(submitted_at=timezone.now())
    page = case_page(staff_client(staff_a[Role.CASEWORKER]), case)
    docs = section(page, "documents-title")
    body = docs[docs.index("<tbody") : docs.index("</tbody>")]
    assert body.count("<tr>") == LIST_LIMIT
    first_row = body[: body.index("</tr>")]
    assert f'href="/fulda/staff/unterlagen/{newest.pk}/"' in first_row
    assert "Nachforderung vom" in first_row and item.label in first_row
    total = Document.objects.filter(customer=customer).exclude(state="draft").count()
    assert f"Alle Unterlagen ansehen ({total})" in docs


def test_customers_and_other_job_centres_get_404(
    case: Case, customer_b: CustomerProfile, staff_b: dict[Role, User], staff_client: Login
) -> None:
    url = f"/fulda/staff/kunden/{case.customer.pk}/"
    assert staff_client(staff_b[Role.ADMIN]).get(url).status_code == 404
    client = Client()
    client.force_login(case.customer.user)
    assert client.get(url).status_code == 404


def test_a_caseworker_writes_a_benefit_note_audited(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    caseworker = staff_a[Role.CASEWORKER]
    response = staff_client(caseworker).post(
        f"/fulda/staff/kunden/{case.customer.pk}/vermerke/",
        {"category": "benefit_data", "text": "  Kontoauszüge kommen nächste Woche.  "},
    )
    assert response.status_code == 302
    note = CaseNote.objects.get(text="Kontoauszüge kommen nächste Woche.")
    assert note.author == caseworker and note.category == "benefit_data"
    assert AuditEntry.objects.filter(
        object_type="case_note", object_id=str(note.pk), action="create", actor=caseworker
    ).exists()


def test_a_note_outside_ones_category_is_refused_and_nothing_stored(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    before = CaseNote.objects.count()
    url = f"/fulda/staff/kunden/{case.customer.pk}/vermerke/"
    advisor = staff_client(staff_a[Role.JOB_ADVISOR])
    refused = advisor.post(url, {"category": "benefit_data", "text": "Geht mich nichts an."})
    assert refused.status_code == 403
    assert "Dafür fehlt Ihnen die Berechtigung" in refused.content.decode()
    reception = staff_client(staff_a[Role.RECEPTION])
    assert reception.post(url, {"category": "placement_data", "text": "x"}).status_code == 403
    assert CaseNote.objects.count() == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"category": "placement_data", "text": "   "}, "Bitte schreiben Sie den Vermerk."),
        ({"category": "placement_data", "text": "x" * 4001}, "höchstens 4000 Zeichen"),
        ({"category": "gossip", "text": "Hallo"}, "Bitte wählen Sie, ob der Vermerk"),
    ],
)
def test_bad_notes_come_back_with_a_reason(
    case: Case,
    staff_a: dict[Role, User],
    staff_client: Login,
    data: dict[str, str],
    message: str,
) -> None:
    before = CaseNote.objects.count()
    client = staff_client(staff_a[Role.JOB_ADVISOR])
    response = client.post(f"/fulda/staff/kunden/{case.customer.pk}/vermerke/", data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert CaseNote.objects.count() == before


def test_each_section_shows_its_newest_few_and_all_in_the_timeline(
    case: Case, staff_a: dict[Role, User], staff_client: Login
) -> None:
    """A long case shows the newest ``LIST_LIMIT`` notes; "Alle anzeigen" opens the
    timeline of the notes alone, paged (the rest of the case left out), and the audit
    entry says so."""
    author = staff_a[Role.CASEWORKER]
    for n in range(LIST_LIMIT + 25):
        case_note_add(
            request=None,
            author=author,
            roles=[Role.CASEWORKER],
            customer=case.customer,
            category="benefit_data",
            text=f"Vermerk Nummer {n}",
        )
    client = staff_client(author)
    page = case_page(client, case)
    notes = section(page, "notes-title")
    assert notes.count("Vermerk Nummer") == LIST_LIMIT
    assert f"Vermerk Nummer {LIST_LIMIT + 24}" in notes
    assert '<a href="?nur=vermerke#timeline-title">Alle anzeigen' in notes
    assert "?nur=antraege" not in page  # one application: nothing more to show
    only = section(case_page(client, case, "?nur=vermerke"), "timeline-title")
    assert only.count("<time ") == 20 and only.count("Vermerk Nummer") == 20
    assert "Frage zum Bescheid" not in only  # the conversation is not a note
    assert "?verlauf=2&amp;nur=vermerke" in only
    second = section(case_page(client, case, "?verlauf=2&nur=vermerke"), "timeline-title")
    assert "Vermerk Nummer 0" in second and "Ganzen Verlauf anzeigen" in second
    entry = AuditEntry.objects.filter(object_type="customer_case").latest("pk")
    assert "timeline=2 only=vermerke" in entry.detail
    # An unknown section shows the whole timeline, never an error.
    whole = section(case_page(client, case, "?nur=alles"), "timeline-title")
    assert "Ganzen Verlauf anzeigen" not in whole and "?verlauf=2#timeline-title" in whole
