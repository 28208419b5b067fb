"""Staff pages: inbox (filters, search, pagination, query count), one application
(answers, proofs, history, hand-off, pre-calculation), assign, status, question,
downloads, settings, funnel; audit of every read."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from openjobcenter.accounts.models import Role
from openjobcenter.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationSettings,
    ApplicationStatus,
    DeliveryStatus,
    EventKind,
    HandoffConfig,
    HandoffDelivery,
)
from openjobcenter.core import sealed
from openjobcenter.core.models import AuditEntry
from tests.applications.staff_data import enable_module, make_application
from tests.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker(jc_a: Any, staff_a: Any) -> Any:
    enable_module(jc_a)
    return staff_a[Role.CASEWORKER]


def _inbox(jc: Any) -> str:
    return f"/{jc.slug}/staff/antraege/"


def _detail(app: Any) -> str:
    return f"/{app.jobcenter.slug}/staff/antraege/{app.pk}/"


def test_inbox_lists_submitted_applications_but_never_drafts(
    caseworker: Any, customer: Any, customer_b: Any, staff_client: Any
) -> None:
    mine = make_application(customer)
    draft = make_application(customer, status="draft")
    # Issue 18: a filed draft is listed apart ("gestellt, unvollständig"); one that is not
    # filed stays the customer's alone.
    filed = make_application(customer, status="draft")
    Application.objects.filter(pk=draft.pk).update(filed_at=None)
    enable_module(customer_b.jobcenter)
    other = make_application(customer_b)
    response = staff_client(caseworker).get(_inbox(customer.jobcenter))
    assert response.status_code == 200
    body = response.content.decode()
    assert mine.reference in body
    assert draft.reference not in body
    assert other.reference not in body
    submitted_part = body.split("Abgeschickte Anträge", 1)[1]
    assert filed.reference in body and filed.reference not in submitted_part
    assert "1 Antrag" in submitted_part
    assert AuditEntry.objects.filter(object_type="application_list", actor=caseworker).exists()


def test_inbox_filters_and_search(
    caseworker: Any, customer: Any, customer2: Any, staff_client: Any
) -> None:
    a = make_application(customer, name="Karl Kunde")
    b = make_application(
        customer2, name="Berta Beispiel", status=ApplicationStatus.IN_PROGRESS, kind="renewal"
    )
    old = make_application(
        customer2, name="Otto Alt", submitted_at=timezone.now() - timedelta(days=40)
    )
    b.assignee = caseworker
    b.save()
    client = staff_client(caseworker)

    def refs(query: str) -> set[str]:
        response = client.get(_inbox(customer.jobcenter) + "?" + query)
        assert response.status_code == 200, response.content
        body = response.content.decode()
        return {x.reference for x in (a, b, old) if x.reference in body}

    assert refs("") == {a.reference, b.reference, old.reference}
    assert refs("kind=renewal") == {b.reference}
    assert refs("status=in_progress") == {b.reference}
    assert refs("assignee=mine") == {b.reference}
    assert refs("assignee=unassigned") == {a.reference, old.reference}
    assert refs(f"assignee={caseworker.pk}") == {b.reference}
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert refs(f"von={since}") == {a.reference, b.reference}
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert refs(f"bis={until}") == {old.reference}
    assert refs("q=berta") == {b.reference}
    assert refs("q=A-1001") == {a.reference}
    assert refs(f"q={a.reference.lower()}") == {a.reference}


def test_inbox_refuses_bad_filters_with_400(caseworker: Any, staff_client: Any, jc_a: Any) -> None:
    client = staff_client(caseworker)
    for query in (
        "status=draft",
        "kind=nope",
        "von=kaputt",
        "von=2026-02-01&bis=2026-01-01",
        "q=" + "x" * 500,
        "assignee=999999",
    ):
        response = client.get(_inbox(jc_a) + "?" + query)
        assert response.status_code == 400, query
        assert "Bitte prüfen Sie Ihre Angaben" in response.content.decode()


def test_inbox_paginates_50_with_a_constant_number_of_queries(
    caseworker: Any, customer: Any, staff_client: Any, staff_a: Any
) -> None:
    for i in range(55):
        app = make_application(customer, answers={}, name=f"Person {i}")
        if i % 2:
            app.assignee = staff_a[Role.TEAM_LEAD]
            app.save()
    client = staff_client(caseworker)
    client.get(_inbox(customer.jobcenter))  # warm the session and caches
    with CaptureQueriesContext(connection) as first:
        response = client.get(_inbox(customer.jobcenter))
    body = response.content.decode()
    assert body.count("/staff/antraege/") - body.count("einstellungen") >= 50
    # No total: "more than 50" and a keyset link to the next 50.
    assert "Mehr als 50 Anträge." in body
    after = re.search(r'href="\?nach=(\d+)" rel="next"', body)
    assert after
    with CaptureQueriesContext(connection) as second:
        response = client.get(_inbox(customer.jobcenter) + f"?nach={after.group(1)}")
    body = response.content.decode()
    assert 'rel="next"' not in body
    assert "Person 4<" in body and "Person 54<" not in body
    # No N+1: the same queries for 50 rows as for 5, and only a handful in all.
    # (The second page reads its cursor row and skips the filings: as many queries.)
    assert len(first) == len(second)
    assert len(first) <= 14, [q["sql"] for q in first.captured_queries]


def test_application_page_shows_answers_proofs_precalc_and_is_audited(
    caseworker: Any, customer: Any, staff_client: Any
) -> None:
    app = make_application(customer)
    ApplicationEvent.objects.create(application=app, kind=EventKind.SUBMITTED)
    HandoffDelivery.objects.create(
        application=app,
        backend="inbox",
        idempotency_key="k",
        status=DeliveryStatus.DELIVERED,
        attempts=1,
    )
    response = staff_client(caseworker).get(_detail(app))
    assert response.status_code == 200
    body = response.content.decode()
    for text in (
        "Wohnung und Heizung",
        "500,00 €",
        "Eva Kunde",
        "Mia Kunde",
        "Einkommen",
        "Vorabberechnung",
        "Voraussichtlicher Anspruch",
        "Übergabe",
        "Verlauf",
        "Posteingang im Fachbereich",
        "Mietvertrag",
    ):
        assert text in body, text
    entry = AuditEntry.objects.get(object_type="application", object_id=str(app.pk))
    assert entry.actor == caseworker
    assert entry.subject == customer.user


def test_assign_to_self_and_colleague_and_refuse_outsiders(
    caseworker: Any, customer: Any, staff_client: Any, staff_a: Any, staff_b: Any
) -> None:
    app = make_application(customer)
    client = staff_client(caseworker)
    response = client.post(_detail(app), {"action": "assign", "assignee": caseworker.pk})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.assignee == caseworker
    lead = staff_a[Role.TEAM_LEAD]
    client.post(_detail(app), {"action": "assign", "assignee": lead.pk})
    app.refresh_from_db()
    assert app.assignee == lead
    assert ApplicationEvent.objects.filter(application=app, kind=EventKind.ASSIGNED).count() == 2
    # Reception may not process applications; staff of B is not a colleague.
    for outsider in (staff_a[Role.RECEPTION], staff_b[Role.CASEWORKER]):
        response = client.post(_detail(app), {"action": "assign", "assignee": outsider.pk})
        assert response.status_code == 400
        app.refresh_from_db()
        assert app.assignee == lead
    client.post(_detail(app), {"action": "assign", "assignee": ""})
    app.refresh_from_db()
    assert app.assignee is None


def test_status_change_with_reason_tells_customer_without_social_data(
    caseworker: Any,
    customer: Any,
    staff_client: Any,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = make_application(customer)
    client = staff_client(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _detail(app),
            {
                "action": "status",
                "status": "documents_requested",
                "reason": "Bitte reichen Sie die Lohnabrechnungen nach.",
            },
        )
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.DOCUMENTS_REQUESTED
    event = ApplicationEvent.objects.get(application=app, kind=EventKind.STATUS_CHANGED)
    assert (event.status_from, event.status_to) == ("received", "documents_requested")
    page = client.get(_detail(app)).content.decode()
    assert "Eingegangen → Unterlagen angefordert" in page
    assert event.message == "Bitte reichen Sie die Lohnabrechnungen nach."
    assert not event.internal
    [mail] = outbox
    assert mail.to == [customer.user.email]
    assert app.reference in mail.subject
    assert "Lohnabrechnung" not in mail.body
    assert "Bäckerei" not in mail.body


@pytest.mark.parametrize(
    "data",
    [
        {"action": "status", "status": "documents_requested", "reason": ""},
        {"action": "status", "status": "draft", "reason": "x"},
        {"action": "status", "status": "received", "reason": "schon so"},
        {"action": "status", "status": "decided", "reason": "x" * 2001},
        {"action": "question", "question": ""},
        {"action": "nonsense"},
        {"action": "retry", "delivery": "abc"},
    ],
)
def test_bad_actions_are_refused_and_change_nothing(
    caseworker: Any, customer: Any, staff_client: Any, data: dict[str, Any]
) -> None:
    app = make_application(customer)
    response = staff_client(caseworker).post(_detail(app), data)
    assert response.status_code in (400, 404)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RECEIVED
    assert not ApplicationEvent.objects.filter(application=app).exists()


def test_question_to_customer(
    caseworker: Any,
    customer: Any,
    staff_client: Any,
    outbox: list[Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    app = make_application(customer)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client(caseworker).post(
            _detail(app), {"action": "question", "question": "Seit wann arbeiten Sie dort?"}
        )
    assert response.status_code == 302
    event = ApplicationEvent.objects.get(application=app, kind=EventKind.QUESTION)
    assert event.message == "Seit wann arbeiten Sie dort?"
    [mail] = outbox
    assert "Seit wann" not in mail.body


def test_retry_now_restarts_a_failed_delivery(
    caseworker: Any, customer: Any, staff_client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    app = make_application(customer)
    HandoffConfig.objects.create(
        jobcenter=customer.jobcenter,
        backend="mailbox",
        config={"address": "postfach@jobcenter.example.org"},
    )
    delivery = HandoffDelivery.objects.create(
        application=app,
        backend="mailbox",
        idempotency_key="k",
        status=DeliveryStatus.FAILED,
        attempts=8,
        last_error="no mailbox address configured",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client(caseworker).post(
            _detail(app), {"action": "retry", "delivery": delivery.pk}
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED


def test_pdf_and_json_downloads(
    caseworker: Any, customer: Any, staff_client: Any, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    app = make_application(customer)
    client = staff_client(caseworker)
    response = client.get(_detail(app) + "antrag.pdf")
    assert response.status_code == 302  # not generated yet
    # A PDF stored before sealing existed is still served as it is ...
    app.pdf_name = default_storage.save("antraege/x.pdf", ContentFile(b"%PDF-1.7"))
    app.save()
    response = client.get(_detail(app) + "antrag.pdf")
    assert response.status_code == 200
    assert response.content == b"%PDF-1.7"
    # ... and a sealed one is opened for the download.
    app.pdf_name = sealed.save(app.jobcenter, "applications", ".pdf", b"%PDF-1.7 sealed")
    app.save()
    response = client.get(_detail(app) + "antrag.pdf")
    assert response.content == b"%PDF-1.7 sealed"
    response = client.get(_detail(app) + "antrag.json")
    assert response.status_code == 200
    data = response.json()
    assert data["reference"] == app.reference
    assert data["data"]["answers"]["housing"]["cold_rent"] == "500.00"
    assert AuditEntry.objects.filter(object_type="application_json").exists()
    assert AuditEntry.objects.filter(object_type="application_pdf").exists()


def test_admin_settings_texts_and_handoff(jc_a: Any, staff_a: Any, staff_client: Any) -> None:
    enable_module(jc_a)
    admin = staff_a[Role.ADMIN]
    client = staff_client(admin)
    url = f"/{jc_a.slug}/staff/antraege/einstellungen/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "section": "texts",
            "introduction": "Willkommen",
            "receipt_contact": "Tel. 0661 1",
            "help_texts": "housing.cold_rent: Steht im Mietvertrag, Seite 1.",
            "renewal_enabled": "on",
            "notify_mailbox": "antraege@jobcenter.example.org",
        },
    )
    assert response.status_code == 302
    found = ApplicationSettings.objects.get(jobcenter=jc_a)
    assert found.help_texts == {"housing.cold_rent": "Steht im Mietvertrag, Seite 1."}
    assert found.renewal_enabled and not found.change_notice_enabled
    response = client.post(url, {"section": "texts", "help_texts": "gibt.esnicht: x"})
    assert response.status_code == 400
    assert "gibt.esnicht" in response.content.decode()
    # Hand-off: http to a foreign host is refused, https saved; the secret is kept.
    response = client.post(
        url,
        {
            "section": "handoff-json_push",
            "handoff-json_push-enabled": "on",
            "handoff-json_push-url": "http://fach.example.org/in",
            "handoff-json_push-secret": "0123456789abcdef",
        },
    )
    assert response.status_code == 400
    assert not HandoffConfig.objects.filter(jobcenter=jc_a).exists()
    response = client.post(
        url,
        {
            "section": "handoff-json_push",
            "handoff-json_push-enabled": "on",
            "handoff-json_push-url": "https://fach.example.org/in",
            "handoff-json_push-secret": "0123456789abcdef",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "section": "handoff-json_push",
            "handoff-json_push-enabled": "on",
            "handoff-json_push-url": "https://fach2.example.org/in",
            "handoff-json_push-secret": "",
        },
    )
    assert response.status_code == 302
    cfg = HandoffConfig.objects.get(jobcenter=jc_a, backend="json_push")
    assert cfg.config == {"url": "https://fach2.example.org/in", "secret": "0123456789abcdef"}
    assert "0123456789abcdef" not in client.get(url).content.decode()


def test_settings_and_funnel_need_the_configure_permission(
    caseworker: Any, staff_client: Any, jc_a: Any
) -> None:
    client = staff_client(caseworker)
    assert client.get(f"/{jc_a.slug}/staff/antraege/einstellungen/").status_code == 403
    assert client.get(f"/{jc_a.slug}/staff/antraege/auswertung/").status_code == 403


def test_funnel_page_shows_counts_without_personal_data(
    jc_a: Any, staff_a: Any, staff_client: Any, customer: Any
) -> None:
    enable_module(jc_a)
    make_application(customer, status="draft", answers={"filing": {"first_name": "Zoran"}})
    response = staff_client(staff_a[Role.ADMIN]).get(f"/{jc_a.slug}/staff/antraege/auswertung/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Zoran" not in body
    assert customer.user.email not in body


def test_module_switched_off_is_404(
    jc_a: Any, staff_a: Any, staff_client: Any, customer: Any
) -> None:
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "applications"]
    jc_a.save()
    app = make_application(customer)
    client = staff_client(staff_a[Role.CASEWORKER])
    assert client.get(_inbox(jc_a)).status_code == 404
    assert client.get(_detail(app)).status_code == 404


def test_nav_link_for_processing_staff(caseworker: Any, staff_client: Any, jc_a: Any) -> None:
    body = staff_client(caseworker).get(f"/{jc_a.slug}/staff/").content.decode()
    assert f'href="/{jc_a.slug}/staff/antraege/"' in body


def test_new_customer_fixture_helper(jc_a: Any) -> None:
    # make_customer from the shared conftest gives customer numbers used by the search.
    assert make_customer(jc_a, "x@example.org", "A-9").customer_number == "A-9"


def test_handoff_config_service_refuses_unknown_and_always_on(jc_a: Any, staff_a: Any) -> None:
    from openjobcenter.applications.services_staff import StaffActionError, handoff_config_save

    admin = staff_a[Role.ADMIN]
    for backend in ("inbox", "nope"):
        with pytest.raises(StaffActionError):
            handoff_config_save(
                request=None, actor=admin, jobcenter=jc_a, backend=backend, enabled=True, config={}
            )
    # Switched off, a backend may be saved without a valid configuration.
    saved = handoff_config_save(
        request=None,
        actor=admin,
        jobcenter=jc_a,
        backend="json_push",
        enabled=False,
        config={"url": "", "unknown": "dropped"},
    )
    assert saved.config == {"url": ""}
    assert not saved.enabled


def test_history_names_handoff_backends(caseworker: Any, customer: Any, staff_client: Any) -> None:
    app = make_application(customer)
    ApplicationEvent.objects.create(
        application=app,
        kind=EventKind.HANDOFF,
        internal=True,
        data={"backend": "json_push", "status": "failed"},
    )
    body = staff_client(caseworker).get(_detail(app)).content.decode()
    assert "Signierter JSON-Versand: Fehlgeschlagen" in body


def test_inbox_never_counts_beyond_the_page(
    caseworker: Any, customer: Any, staff_client: Any
) -> None:
    for _ in range(5):
        make_application(customer, answers={})
    body = staff_client(caseworker).get(_inbox(customer.jobcenter)).content.decode()
    assert "5 Anträge" in body
    body = staff_client(caseworker).get(_inbox(customer.jobcenter) + "?kind=renewal").content
    assert "0 Anträge" in body.decode()
