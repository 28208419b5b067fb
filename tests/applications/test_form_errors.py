"""Errors that read as a caseworker would ask (issue 17, part 5): each names the field and
the person, appears once in the summary and once at its field, and a POST with errors
never adds or drops a household row."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications import engine
from openjobcenter.applications.engine import Answers, get_definition
from openjobcenter.applications.models import Application
from openjobcenter.applications.services import application_start
from tests.applications.customer_data import COUPLE, enable, post_data, save, step_url

TODAY = date(2026, 6, 1)
INITIAL = get_definition("initial", 1)

EMPTY = {"id": "", "role": "", "first_name": "", "last_name": "", "birth_date": ""}


def row(role: str, first: str, last: str, birth: str) -> dict[str, str]:
    return {"id": "", "role": role, "first_name": first, "last_name": last, "birth_date": birth}


def test_member_errors_name_their_field() -> None:
    raw = {"members": [row("partner", "", "", ""), row("king", "A", "B", "31.02.1990")]}
    _cleaned, errors = engine.validate_step(INITIAL, "household", raw, Answers({}), today=TODAY)
    assert errors == {
        "members.0.first_name": "Bitte geben Sie den Vornamen an.",
        "members.0.last_name": "Bitte geben Sie den Nachnamen an.",
        "members.0.birth_date": "Bitte geben Sie das Geburtsdatum an.",
        "members.1.role": "Bitte wählen Sie, wer diese Person für Sie ist.",
        "members.1.birth_date": (
            "Geburtsdatum: Bitte geben Sie ein gültiges Datum ein, zum Beispiel 31.01.1980."
        ),
    }


def test_person_label_never_shows_the_internal_key() -> None:
    answers = Answers(
        {
            "filing": {"first_name": "Karl", "last_name": "Kunde"},
            "household": {
                "members": [row("partner", "Anna", "Beispiel", "1990-01-01") | {"id": "p2"}]
            },
        }
    )
    labels = [p.label for p in answers.persons]
    assert labels == ["Person 1 (Karl Kunde)", "Person 2 (Anna Beispiel)"]
    assert engine.person_label(3, "") == "Person 3"


@pytest.fixture
def app(customer: CustomerProfile) -> Application:
    enable(customer.jobcenter)
    return application_start(request=None, customer=customer, kind="initial")


def _summary(page: str) -> list[str]:
    block = page.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    return [re.sub(r"<[^>]+>", "", li).strip() for li in re.findall(r"<li>(.*?)</li>", block, re.S)]


@pytest.mark.django_db
def test_household_error_names_person_once_and_keeps_rows(
    customer_client: Client, app: Application
) -> None:
    posted = [
        row("partner", "", "Beispiel", "30.09.1988"),
        row("child", "Mia", "Kunde", "01.03.2019"),
        EMPTY,  # the customer added an extra row and left it empty
    ]
    response = customer_client.post(step_url(app, "household"), post_data({"members": posted}))
    assert response.status_code == 400
    page = response.content.decode()
    message = "Person 2 (Beispiel): Bitte geben Sie den Vornamen an."
    assert _summary(page) == [message]
    # Once in the summary (linking to the field) and once at the field, nowhere else.
    assert page.count(message) == 2
    assert f'<a href="#m-0-first_name">{message}</a>' in page
    assert f'id="m-0-first_name-error">{message}</p>' in page
    # Exactly the three posted rows come back, as posted: none added, none dropped.
    assert page.count('name="members-count" value="3"') == 1
    assert 'name="members-2-role"' in page
    assert 'name="members-3-role"' not in page
    assert 'name="members-0-last_name" value="Beispiel"' in page
    assert 'name="members-1-first_name" value="Mia"' in page
    assert 'name="members-2-first_name" value=""' in page
    # Person 1 is the applicant: the first household row is Person 2.
    assert "<legend>Person 2</legend>" in page
    assert "<legend>Person 4</legend>" in page
    assert not app.steps.filter(step_key="household", answers__has_key="members").exists()


@pytest.mark.django_db
def test_household_error_without_extra_row_adds_none(
    customer_client: Client, app: Application
) -> None:
    posted = [row("partner", "Anna", "Beispiel", "")]
    response = customer_client.post(step_url(app, "household"), post_data({"members": posted}))
    page = response.content.decode()
    assert _summary(page) == ["Person 2 (Anna Beispiel): Bitte geben Sie das Geburtsdatum an."]
    assert 'name="members-0-role"' in page
    assert 'name="members-1-role"' not in page


@pytest.mark.django_db
def test_per_person_step_error_names_the_person(customer_client: Client, app: Application) -> None:
    for key in ("filing", "household"):
        assert save(customer_client, app, key, COUPLE[key]).status_code == 302
    response = customer_client.post(
        step_url(app, "income:p2"), post_data({"kinds": ["employment"]})
    )
    assert response.status_code == 400
    page = response.content.decode()
    lines = _summary(page)
    assert lines
    assert all(line.startswith("Person 2 (Eva Kunde), ") for line in lines)
    first = lines[0]
    label, _sep, message = first.partition(": ")
    assert label.removeprefix("Person 2 (Eva Kunde), ")  # the question is named
    assert page.count(f"Person 2 (Eva Kunde): {message}") >= 1  # at the field
    assert len(lines) == len(set(lines))


def test_person_errors_are_translated() -> None:
    from django.utils import translation

    raw = {"members": [row("partner", "", "Beispiel", "1990-01-01")]}
    with translation.override("uk"):
        _cleaned, errors = engine.validate_step(INITIAL, "household", raw, Answers({}), today=TODAY)
        assert engine.person_label(2, "Anna Beispiel") == "Особа 2 (Anna Beispiel)"
    assert errors == {"members.0.first_name": "Будь ласка, вкажіть ім’я."}
    with translation.override("en"):
        assert engine.person_label(2, "") == "Person 2"
