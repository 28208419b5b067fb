from __future__ import annotations

import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, StaffMembership, User
from openjobcenter.tenants.demo import load_jobcenters
from openjobcenter.tenants.models import Jobcenter, Office, ServiceArea


def test_demo_load_is_idempotent_and_prints_logins(db) -> None:
    out = StringIO()
    call_command("demo_load", stdout=out)
    counts = (
        Jobcenter.objects.count(),
        ServiceArea.objects.count(),
        Office.objects.count(),
        User.objects.count(),
        StaffMembership.objects.count(),
        CustomerProfile.objects.count(),
    )
    call_command("demo_load", stdout=StringIO())
    again = (
        Jobcenter.objects.count(),
        ServiceArea.objects.count(),
        Office.objects.count(),
        User.objects.count(),
        StaffMembership.objects.count(),
        CustomerProfile.objects.count(),
    )
    assert counts == again
    assert counts[0] == 27
    assert (
        ServiceArea.objects.filter(jobcenter__slug="fulda")
        .values("municipality")
        .distinct()
        .count()
        == 23
    )
    # The demo job centres show news and ask "War diese Seite verständlich?".
    from openjobcenter.news.models import Post

    for slug in ("fulda", "main-kinzig"):
        jobcenter = Jobcenter.objects.get(slug=slug)
        assert {"news", "feedback", "videos"} <= set(jobcenter.enabled_modules)
        texts = list(Post.objects.filter(jobcenter=jobcenter).values_list("text", flat=True))
        assert len(texts) == 2  # loaded twice, stored once
        assert any("24.12." in t for t in texts) and any("Jobmesse" in t for t in texts)
    text = out.getvalue()
    assert "admin@fulda.example.org" in text
    assert "kunde@example.org" in text
    assert "TOTP" in text


def test_loading_again_restores_reference_names_and_keeps_local_texts(
    client: Client, jobcenters: dict[str, Jobcenter]
) -> None:
    """The reference data owns a job centre's name and kind; what the job centre wrote
    itself (texts, offices) stays. The page shows the restored name at once."""
    fulda = jobcenters["fulda"]
    reference_name = fulda.name
    assert reference_name in client.get("/fulda/").content.decode()
    Jobcenter.objects.filter(pk=fulda.pk).update(name="Umbenannt", intro="Eigener Text")
    assert "Umbenannt" in client.get("/fulda/").content.decode()
    ids = dict(Jobcenter.objects.values_list("slug", "pk"))
    offices = set(Office.objects.values_list("pk", flat=True))

    assert load_jobcenters() == 27

    fulda.refresh_from_db()
    assert fulda.name == reference_name
    assert fulda.intro == "Eigener Text"
    assert dict(Jobcenter.objects.values_list("slug", "pk")) == ids
    assert set(Office.objects.values_list("pk", flat=True)) == offices
    page = client.get("/fulda/").content.decode()
    assert "Umbenannt" not in page
    assert reference_name in page


def test_demo_totp_code_logs_staff_in(client, db) -> None:
    call_command("demo_load", stdout=StringIO())
    if 30 - time.time() % 30 < 4:  # do not use a code in the last seconds of its window
        time.sleep(30 - time.time() % 30 + 0.5)
    out = StringIO()
    call_command("demo_totp", stdout=out)
    code = out.getvalue().split()[0]
    client.post(
        "/konto/login/", {"login": "admin@fulda.example.org", "password": "Demo-Passwort-2026"}
    )
    response = client.post("/konto/2fa/authenticate/", {"code": code}, follow=True)
    assert response.redirect_chain, response.content.decode()[:2000]
    assert response.redirect_chain[-1][0] == "/fulda/staff/"


def test_demo_has_conversations_to_try(client, db) -> None:
    """The demo customer finds an answered question and an unread one from the job
    advisor; loading again adds nothing."""
    from openjobcenter.messaging.models import Conversation, Message, TextTemplate

    call_command("demo_load", stdout=StringIO())
    call_command("demo_load", stdout=StringIO())
    customer = CustomerProfile.objects.get(user__email="kunde@example.org")
    conversations = Conversation.objects.filter(customer=customer).order_by("pk")
    assert [c.subject for c in conversations] == [
        "Frage zu meinem Bescheid",
        "Unterlagen für unser Gespräch",
    ]
    assert Message.objects.filter(conversation__customer=customer).count() == 3
    assert TextTemplate.objects.filter(jobcenter__slug="fulda").count() == 2
    client.force_login(customer.user)
    page = client.get("/fulda/mein-bereich/nachrichten/").content.decode()
    assert "Frage zu meinem Bescheid" in page and "Unterlagen für unser Gespräch" in page
    assert page.count("1 neue Nachricht") == 1
    answered, unread = conversations
    assert answered.customer_read_upto == answered.last_message_id
    assert unread.customer_read_upto < unread.last_message_id  # shows as new


def test_demo_operator_logs_in_to_the_admin_with_the_demo_totp(client, db) -> None:
    call_command("demo_load", stdout=StringIO())
    if 30 - time.time() % 30 < 4:
        time.sleep(30 - time.time() % 30 + 0.5)
    out = StringIO()
    call_command("demo_totp", stdout=out)
    code = out.getvalue().split()[0]
    response = client.post(
        "/konto/login/",
        {"login": "operator@example.org", "password": "Demo-Passwort-2026", "next": "/admin/"},
    )
    assert "/konto/2fa/authenticate/" in response["Location"]
    assert client.get("/admin/").status_code == 302  # password alone: not in
    response = client.post("/konto/2fa/authenticate/", {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    assert response.status_code == 200


def test_demo_load_refuses_production(db, settings) -> None:
    settings.ENVIRONMENT = "production"
    users = User.objects.count()
    with pytest.raises(CommandError, match="OJC_ENV=production"):
        call_command("demo_load", stdout=StringIO())
    assert User.objects.count() == users
    assert Jobcenter.objects.count() == 0
