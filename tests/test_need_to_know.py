"""The need-to-know matrix (issue 18, DESIGN §7): each staff role × data category × job
centre, against a world that holds one object per category in job centres A and B.

Expected outcomes are written out here (``EXPECTED``), not read from
``core.need_to_know``: the strict default as the issue states it (job advisors do not
read benefit documents or benefit chats; benefits caseworkers do not read placement
chats; reception knows what exists to direct people, reads only general data), and job
centre B's documented rules on top (one widening, two narrowings). For each cell the test
checks the list (the entry with its content, the entry as "exists", or nothing), opening
the content (200, 403 or 404) and the staff API; every refused answer is checked not to
carry the object's secret text.

Placement data is the case notes of the placement category (``casefile.CaseNote``),
checked in the case view beside the benefit notes.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from openjobcenter.accounts.models import User
from openjobcenter.core import need_to_know as ntk
from openjobcenter.core.models import AccessRule, AuditEntry
from openjobcenter.documents.models import Document
from openjobcenter.messaging.models import Topic
from openjobcenter.tenants.models import Jobcenter
from tests.need_to_know_world import (
    APPLICATION,
    APPLICATION_ROLES,
    BENEFIT_CHAT,
    DOCUMENT_ROLES,
    DOCUMENTS,
    EXPECTED,
    FIN_DOC,
    GENERAL_CHAT,
    HEALTH_DOC,
    JOBCENTERS,
    NOTES,
    OBJECTS,
    ROLES,
    C,
    E,
    World,
    w,
    world,
)

__all__ = ["w", "world"]  # the fixtures, used by name


def cells() -> list[tuple[str, str, str]]:
    return [(jc, role, obj) for jc in JOBCENTERS for role in ROLES for obj in OBJECTS]


def _text(response: Any) -> str:
    return str(response.content.decode("utf-8", "replace"))


def _without_query(response: Any, asked: str) -> str:
    """The body without the echo of what was searched for (the search field, the
    language switch's way back)."""
    return _text(response).replace(f'value="{asked}"', "").replace(f"text={asked}", "")


def _refused_without_secret(response: Any, status: int, hidden: str) -> None:
    assert response.status_code == status
    assert hidden not in _text(response)


@pytest.mark.parametrize(("jc", "role", "obj"), cells())
def test_matrix(w: World, jc: str, role: str, obj: str) -> None:
    expected = EXPECTED[(jc, role, obj)]
    client = w.clients[(jc, role)]
    thing = w.objects[(jc, obj)]
    hidden = w.secrets[(jc, obj)]
    if obj in DOCUMENTS:
        _check_document(client, jc, role, thing, hidden, expected)
    elif obj == APPLICATION:
        _check_application(client, jc, role, thing, hidden, expected)
    elif obj in NOTES:
        _check_note(client, jc, role, thing, hidden, expected)
    else:
        _check_conversation(client, jc, thing, hidden, expected)


def _check_document(
    client: Client, jc: str, role: str, doc: Document, hidden: str, expected: str
) -> None:
    listing = client.get(f"/{jc}/staff/unterlagen/")
    detail = client.get(f"/{jc}/staff/unterlagen/{doc.pk}/")
    download = client.get(f"/{jc}/staff/unterlagen/{doc.pk}/datei.pdf")
    found = client.get(f"/{jc}/staff/unterlagen/", {"text": hidden})
    if role not in DOCUMENT_ROLES:  # the permission gate comes first
        for response in (listing, detail, download):
            _refused_without_secret(response, 403, hidden)
        assert found.status_code == 403
        assert hidden not in _without_query(found, hidden)
        return
    link = f'href="/{jc}/staff/unterlagen/{doc.pk}/"'
    exists = f"Unterlage #{doc.pk} ·"
    page = _text(listing)
    assert listing.status_code == 200
    if expected == C:
        assert link in page
        assert detail.status_code == 200
        assert hidden in _text(detail)  # file name and recognised text
        assert download.status_code == 404  # no stored file in this world: found, empty
        assert link in _text(found)  # the text search finds it
        return
    assert link not in page
    assert (exists in page) == (expected == E)
    if expected == E:
        assert "Inhalt nur für" in page
    _refused_without_secret(detail, 403 if expected == E else 404, hidden)
    _refused_without_secret(download, 403 if expected == E else 404, hidden)
    # Searching by its words does not reveal it.
    assert f"#{doc.pk} " not in _text(found)
    assert hidden not in _without_query(found, hidden)


def _check_application(
    client: Client, jc: str, role: str, app: Any, hidden: str, expected: str
) -> None:
    inbox = client.get(f"/{jc}/staff/antraege/")
    detail = client.get(f"/{jc}/staff/antraege/{app.pk}/")
    pdf = client.get(f"/{jc}/staff/antraege/{app.pk}/antrag.pdf")
    json_export = client.get(f"/{jc}/staff/antraege/{app.pk}/antrag.json")
    api = client.get(f"/api/v1/applications/staff/{jc}/{app.pk}")
    api_inbox = client.get(f"/api/v1/applications/staff/{jc}/")
    if role in APPLICATION_ROLES and expected == C:
        assert 'name="action" value="status"' in _text(detail)
        status_post = api_post = None  # processing is theirs (tested in tests/applications)
    else:
        before = (app.status, app.assignee_id, app.events.count())
        status_post = client.post(
            f"/{jc}/staff/antraege/{app.pk}/",
            {"action": "status", "status": "in_progress", "reason": "Wir prüfen."},
        )
        api_post = client.post(
            f"/api/v1/applications/staff/{jc}/{app.pk}/assign",
            {"assignee_id": None},
            content_type="application/json",
        )
        app.refresh_from_db()
        assert (app.status, app.assignee_id, app.events.count()) == before
    if expected == C:
        assert inbox.status_code == 200
        assert hidden in _text(inbox)
        assert detail.status_code == 200
        assert hidden in _text(detail)
        assert pdf.status_code in (200, 302)  # 302: the PDF is still being made
        assert json_export.status_code == 200
        assert hidden in _text(json_export)
        assert api.status_code == 200
        assert api.json()["reference"] == hidden
        assert api_inbox.status_code == 200
        if status_post is None or api_post is None:
            return
        # Widened by the job centre's documented rule: read, never process.
        assert 'name="action" value="status"' not in _text(detail)
        assert "data-read-only" in _text(detail)
        assert status_post.status_code == 403
        assert api_post.status_code == 403
        return
    assert status_post is not None and api_post is not None
    for response in (inbox, detail, pdf, json_export, api, api_inbox, status_post, api_post):
        _refused_without_secret(response, 403, hidden)
    if role not in APPLICATION_ROLES:
        # The need-to-know page: what the role may know, and who reads the content.
        assert "Inhalt nur für" in _text(detail)


def _check_note(client: Client, jc: str, role: str, note: Any, hidden: str, expected: str) -> None:
    """The case view: a note's text where it may be read; "1 Vermerk" (with who reads it)
    where only its existence may be known; nothing otherwise."""
    case = client.get(f"/{jc}/staff/kunden/{note.customer_id}/")
    assert case.status_code == 200
    page = _text(case)
    if expected == C:
        assert hidden in page
        return
    assert hidden not in page
    # How many notes the role knows of without reading them: one line per category.
    known = sum(1 for obj in NOTES if EXPECTED[(jc, role, obj)] == E)
    assert page.count('class="case-hidden">1 Vermerk') == known


def _check_conversation(client: Client, jc: str, conv: Any, hidden: str, expected: str) -> None:
    inbox = client.get(f"/{jc}/staff/nachrichten/")
    detail = client.get(f"/{jc}/staff/nachrichten/{conv.pk}/")
    api_inbox = client.get(f"/api/v1/messaging/{jc}/staff/conversations")
    api_history = client.get(f"/api/v1/messaging/{jc}/staff/conversations/{conv.pk}/messages")
    page = _text(inbox)
    assert inbox.status_code == 200
    assert api_inbox.status_code == 200
    rows = {row["id"]: row for row in api_inbox.json()}
    link = f'href="/{jc}/staff/nachrichten/{conv.pk}/"'
    if expected == C:
        assert link in page
        assert hidden in page  # the subject
        assert detail.status_code == 200
        assert f"Nachricht {hidden}" in _text(detail)
        assert rows[conv.pk]["readable"] is True
        assert hidden in rows[conv.pk]["subject"]
        assert api_history.status_code == 200
        assert hidden in api_history.json()["messages"][0]["body"]
        return
    assert link not in page
    assert hidden not in page
    assert hidden not in _text(api_inbox)
    if expected == E:
        assert f"Unterhaltung #{conv.pk}" in page
        assert rows[conv.pk]["readable"] is False
        assert rows[conv.pk]["subject"] == ""
    else:
        assert conv.pk not in rows
    _refused_without_secret(detail, 403 if expected == E else 404, hidden)
    _refused_without_secret(api_history, 403 if expected == E else 404, hidden)
    sent = client.post(f"/{jc}/staff/nachrichten/{conv.pk}/", {"body": "Antwort"})
    assert sent.status_code == (403 if expected == E else 404)
    assert not conv.messages.filter(body="Antwort").exists()


def test_refusal_page_says_who_reads_the_content(w: World) -> None:
    doc = w.objects[("fulda", FIN_DOC)]
    response = w.clients[("fulda", "job_advisor")].get(f"/fulda/staff/unterlagen/{doc.pk}/")
    assert response.status_code == 403
    text = _text(response)
    assert "Inhalt nur für: Leistungssachbearbeitung, Teamleitung, Jobcenter-Administration" in text
    assert 'href="/fulda/staff/"' in text


def test_other_job_centre_sees_nothing(w: World) -> None:
    """B's admin (everything in B) gets 404 for A's objects, lists without them."""
    client = w.clients[("wiesbaden", "admin")]
    for obj in OBJECTS:
        thing, hidden = w.objects[("fulda", obj)], w.secrets[("fulda", obj)]
        if obj in DOCUMENTS:
            url = f"/wiesbaden/staff/unterlagen/{thing.pk}/"
        elif obj == APPLICATION:
            url = f"/wiesbaden/staff/antraege/{thing.pk}/"
        elif obj in NOTES:
            url = f"/wiesbaden/staff/kunden/{thing.customer_id}/"
        else:
            url = f"/wiesbaden/staff/nachrichten/{thing.pk}/"
        _refused_without_secret(client.get(url), 404, hidden)


def test_customers_get_404_from_staff_api_operations(w: World) -> None:
    client = w.clients[("fulda", "customer")]
    conv = w.objects[("fulda", GENERAL_CHAT)]
    app = w.objects[("fulda", APPLICATION)]
    for url in (
        "/api/v1/messaging/fulda/staff/conversations",
        f"/api/v1/messaging/fulda/staff/conversations/{conv.pk}/messages",
        f"/api/v1/applications/staff/fulda/{app.pk}",
        "/api/v1/applications/staff/fulda/",
    ):
        assert client.get(url).status_code == 404, url
    # A stranger is still asked to authenticate.
    assert Client().get("/api/v1/messaging/fulda/staff/conversations").status_code == 401


def test_reads_are_audited(w: World) -> None:
    client = w.clients[("fulda", "caseworker")]
    user = User.objects.get(email="caseworker@fulda.example.org")
    doc = w.objects[("fulda", FIN_DOC)]
    conv = w.objects[("fulda", BENEFIT_CHAT)]
    client.get(f"/fulda/staff/unterlagen/{doc.pk}/")
    client.get(f"/fulda/staff/nachrichten/{conv.pk}/")
    client.get("/api/v1/messaging/fulda/staff/conversations")
    client.get(f"/fulda/staff/kunden/{w.customers['fulda'].pk}/")
    mine = AuditEntry.objects.filter(actor=user, action="read")
    assert mine.filter(object_type="document", object_id=str(doc.pk)).exists()
    assert mine.filter(object_type="conversation", object_id=str(conv.pk)).exists()
    assert mine.filter(object_type="conversation_list", detail="api").exists()
    assert mine.filter(object_type="customer_case").exists()


def test_policy_defaults() -> None:
    """Placement data: the job advisors' own; benefits caseworkers only know it exists."""
    seen = ntk.visibility
    assert (
        seen(roles=["job_advisor"], category=ntk.Category.PLACEMENT_DATA) == ntk.Visibility.CONTENT
    )
    assert (
        seen(roles=["caseworker"], category=ntk.Category.PLACEMENT_DATA) == ntk.Visibility.EXISTENCE
    )
    assert seen(roles=["reception"], category=ntk.Category.PLACEMENT_DATA) == ntk.Visibility.NONE
    # Several roles add up; unknown roles count for nothing.
    assert (
        seen(roles=["reception", "caseworker"], category=ntk.Category.FINANCIAL_DOCUMENTS)
        == ntk.Visibility.CONTENT
    )
    assert seen(roles=["nobody"], category=ntk.Category.GENERAL) == ntk.Visibility.NONE


def test_rules_are_read_once_per_request(w: World, django_assert_num_queries: Any) -> None:
    jobcenter = Jobcenter.objects.get(slug="wiesbaden")
    with django_assert_num_queries(1):
        for _ in range(3):
            for category in ntk.Category:
                ntk.visibility(roles=ROLES, category=category, jobcenter=jobcenter)


def test_admin_widens_on_the_rules_page_with_a_reason(w: World) -> None:
    admin = w.clients[("fulda", "admin")]
    advisor = w.clients[("fulda", "job_advisor")]
    doc = w.objects[("fulda", HEALTH_DOC)]
    assert advisor.get(f"/fulda/staff/unterlagen/{doc.pk}/").status_code == 403
    page = admin.get("/fulda/staff/zugriffsregeln/")
    assert page.status_code == 200
    assert "Keine: es gilt die Voreinstellung." in _text(page)
    form = {"role": "job_advisor", "category": "health_documents", "visibility": "2"}
    # Without a reason: refused, nothing stored, nothing widened.
    refused = admin.post("/fulda/staff/zugriffsregeln/", {**form, "reason": " "})
    assert refused.status_code == 422
    assert not AccessRule.objects.filter(jobcenter__slug="fulda").exists()
    assert advisor.get(f"/fulda/staff/unterlagen/{doc.pk}/").status_code == 403
    short = admin.post("/fulda/staff/zugriffsregeln/", {**form, "reason": "weil"})
    assert short.status_code == 422
    assert "mindestens 10 Zeichen" in _text(short)
    saved = admin.post(
        "/fulda/staff/zugriffsregeln/", {**form, "reason": "Reha-Beratung nach DA 7/2026"}
    )
    assert saved.status_code == 302
    rule = AccessRule.objects.get(jobcenter__slug="fulda")
    assert (rule.role, rule.category, rule.visibility) == ("job_advisor", "health_documents", 2)
    assert rule.changed_by_label == "admin@fulda.example.org"
    assert AuditEntry.objects.filter(
        object_type="access_rule", action="update", detail__contains="EXISTENCE -> CONTENT"
    ).exists()
    opened = advisor.get(f"/fulda/staff/unterlagen/{doc.pk}/")
    assert opened.status_code == 200
    assert w.secrets[("fulda", HEALTH_DOC)] in _text(opened)
    shown = _text(admin.get("/fulda/staff/zugriffsregeln/"))
    assert "Reha-Beratung nach DA 7/2026" in shown
    assert "abweichend" in shown
    # Back to the default: the rule goes, the default applies again.
    admin.post(
        "/fulda/staff/zugriffsregeln/", {**form, "visibility": "1", "reason": "Projekt beendet."}
    )
    assert not AccessRule.objects.filter(jobcenter__slug="fulda").exists()
    assert advisor.get(f"/fulda/staff/unterlagen/{doc.pk}/").status_code == 403


def test_the_administration_keeps_its_access(w: World) -> None:
    admin = w.clients[("fulda", "admin")]
    response = admin.post(
        "/fulda/staff/zugriffsregeln/",
        {"role": "admin", "category": "general", "visibility": "0", "reason": "Versuch ohne Sinn"},
    )
    assert response.status_code == 422
    assert not AccessRule.objects.filter(jobcenter__slug="fulda").exists()


def test_topic_category_is_chosen_by_the_admin(w: World) -> None:
    admin = w.clients[("fulda", "admin")]
    response = admin.post(
        "/fulda/staff/nachrichten/einstellungen/",
        {
            "action": "topic",
            "topic-name": "Reha und Gesundheit",
            "topic-description": "",
            "topic-position": "9",
            "topic-is_active": "on",
            "topic-category": "benefit_chat",
        },
    )
    assert response.status_code == 302
    topic = Topic.objects.get(jobcenter__slug="fulda", name="Reha und Gesundheit")
    assert topic.category == "benefit_chat"
    defaults = dict(Topic.objects.filter(jobcenter__slug="fulda").values_list("name", "category"))
    assert defaults["Bürgergeld und Leistungen"] == "benefit_chat"
    assert defaults["Arbeitsvermittlung"] == "placement_chat"
    assert defaults["Termine"] == defaults["Allgemeines"] == "general"


def test_a_customers_token_gets_404_from_staff_operations(w: World) -> None:
    from openjobcenter.accounts.services import api_token_create

    _token, key = api_token_create(user=w.customers["fulda"].user, name="App")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert client.get("/api/v1/messaging/fulda/staff/conversations").status_code == 404
    # Its own operations still answer.
    assert client.get("/api/v1/messaging/fulda/conversations").status_code == 200


def test_a_team_lead_cannot_choose_who_reads_a_topic(w: World) -> None:
    lead = w.clients[("fulda", "team_lead")]
    page = lead.get("/fulda/staff/nachrichten/einstellungen/")
    assert 'name="topic-category"' not in page.content.decode()
    lead.post(
        "/fulda/staff/nachrichten/einstellungen/",
        {
            "action": "topic",
            "topic-name": "Umzug",
            "topic-position": "8",
            "topic-is_active": "on",
            "topic-category": "general",
        },
    )
    assert Topic.objects.get(jobcenter__slug="fulda", name="Umzug").category == "general"
    lead.post(
        "/fulda/staff/nachrichten/einstellungen/",
        {
            "action": "topic",
            "topic-name": "Umzug2",
            "topic-position": "8",
            "topic-is_active": "on",
            "topic-category": "placement_chat",
        },
    )
    # The choice is not the team lead's: a new topic is general.
    assert Topic.objects.get(jobcenter__slug="fulda", name="Umzug2").category == "general"


def test_a_widened_read_of_an_application_is_audited(w: World) -> None:
    """B's rule lets job advisors read benefit data: each read is in the audit log, marked
    as read under the rule; A's job advisor (no rule) is refused without a read entry."""
    app_b = w.objects[("wiesbaden", APPLICATION)]
    advisor_b = User.objects.get(email="job_advisor@wiesbaden.example.org")
    client = w.clients[("wiesbaden", "job_advisor")]
    assert client.get(f"/wiesbaden/staff/antraege/{app_b.pk}/").status_code == 200
    assert client.get("/wiesbaden/staff/antraege/").status_code == 200
    mine = AuditEntry.objects.filter(actor=advisor_b, action="read")
    assert mine.filter(
        object_type="application", object_id=str(app_b.pk), detail="read-only (access rule)"
    ).exists()
    assert mine.filter(object_type="application_list").exists()
    app_a = w.objects[("fulda", APPLICATION)]
    advisor_a = User.objects.get(email="job_advisor@fulda.example.org")
    refused = w.clients[("fulda", "job_advisor")].get(f"/fulda/staff/antraege/{app_a.pk}/")
    assert refused.status_code == 403
    assert not AuditEntry.objects.filter(
        actor=advisor_a, action="read", object_type="application"
    ).exists()
