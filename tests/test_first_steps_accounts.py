"""Confirming the e-mail address logs the customer in and continues where they were; the
account mails carry the chosen job centre's name, not a host name or "OpenJobcenter"."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

SIGNUP = {
    "jobcenter": "fulda",
    "first_name": "Olena",
    "last_name": "Kovalenko",
    "email": "olena@example.org",
    "password1": "Ein-sicheres-Passwort-9",
    "password2": "Ein-sicheres-Passwort-9",
}


def confirm_path(body: str) -> str:
    link = re.search(r"https?://[^\s]+/konto/confirm-email/[^\s]+/", body)
    assert link is not None, body
    return "/" + link.group(0).split("/", 3)[3]


def test_confirming_logs_in_and_continues_where_they_were(
    client: Client, jc_a: Any, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    wanted = "/fulda/mein-bereich/profil/"
    login = client.get(wanted, follow=True)  # not logged in yet: the login page
    signup_link = "/konto/signup/?next=%2Ffulda%2Fmein-bereich%2Fprofil%2F"
    assert f'href="{signup_link}"' in login.content.decode()  # "next" goes along
    form = client.get(f"/konto/signup/?jobcenter=fulda&next={wanted}").content.decode()
    assert f'value="{wanted}"' in form  # carried through the signup form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/konto/signup/?next={wanted}", {**SIGNUP, "next": wanted})
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(confirm_path(outbox[0].body))
    assert confirmed.status_code == 302
    assert confirmed["Location"] == wanted
    assert client.get(wanted).status_code == 200  # logged in


def test_account_mail_speaks_for_the_chosen_job_centre(
    client: Client, jc_a: Any, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/konto/signup/", SIGNUP)
    mail = outbox[0]
    assert mail.subject == f"{jc_a.name}: Bitte bestätigen Sie Ihre E-Mail-Adresse"
    assert mail.from_email.startswith(f"{jc_a.name} <")
    assert f"Ihr Konto bei {jc_a.name}" in mail.body
    assert mail.body.rstrip().endswith(jc_a.name)
    for foreign in ("testserver", "OpenJobcenter", "Hallo von"):
        assert foreign not in mail.subject + re.sub(r"https?://\S+", "", mail.body)


def test_password_reset_mail_names_the_customers_job_centre(
    client: Client, customer: Any, outbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/konto/password/reset/", {"email": customer.user.email})
    assert response.status_code == 302
    name = customer.jobcenter.name
    assert outbox[0].subject.startswith(f"{name}: ")
    assert outbox[0].from_email.startswith(f"{name} <")
    assert "testserver" not in outbox[0].subject and "OpenJobcenter" not in outbox[0].body


def brand_of(html: str) -> str:
    return html.split('class="brand"', 1)[1].split("</a>", 1)[0]


def test_account_pages_wear_the_job_centres_brand(client: Client, jc_a: Any) -> None:
    theme = reverse("tenant:theme", kwargs={"jc": jc_a.slug})
    signup = client.get("/konto/signup/?jobcenter=fulda").content.decode()
    assert jc_a.name in brand_of(signup) and theme in signup
    assert "OpenJobcenter</title>" not in signup
    # The choice is kept for this browser: the login page after it wears it too.
    login = client.get("/konto/login/").content.decode()
    assert jc_a.name in brand_of(login) and theme in login
    # A "next" address into the job centre says which one, too.
    fresh = Client()
    page = fresh.get("/konto/login/?next=/fulda/mein-bereich/").content.decode()
    assert jc_a.name in brand_of(page)
    # Without any choice, or with a made-up one, the platform's own page (no error).
    plain = Client().get("/konto/login/?jobcenter=atlantis")
    assert plain.status_code == 200
    assert "OpenJobcenter" in brand_of(plain.content.decode())
