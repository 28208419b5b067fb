"""The first steps of an application read smoothly: "Weiter ausfüllen" opens the next
open step, no internal person key ("p2") is ever shown, and an application filed but
not yet sent says exactly that, once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications import engine
from openjobcenter.applications.models import Application, ApplicationStep, StepState
from openjobcenter.applications.services import application_start
from tests.applications.customer_data import COUPLE, enable, save, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(customer: CustomerProfile) -> Application:
    enable(customer.jobcenter)
    return application_start(request=None, customer=customer, kind="initial")


def overview(client: Client, app: Application) -> str:
    url = reverse("customer:application", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def continue_link(page: str) -> str:
    head, _sep, _tail = page.partition(">Weiter ausfüllen</a>")
    return head.rsplit('href="', 1)[1].split('"', 1)[0]


def test_weiter_ausfuellen_opens_the_next_open_step(
    customer_client: Client, app: Application
) -> None:
    save(customer_client, app, "filing", COUPLE["filing"])
    assert continue_link(overview(customer_client, app)) == step_url(app, "personal")
    save(customer_client, app, "personal", COUPLE["personal"])
    assert continue_link(overview(customer_client, app)) == step_url(app, "bank")


def test_filed_draft_says_so_once(customer_client: Client, app: Application) -> None:
    page = overview(customer_client, app)
    assert "Entwurf" in page and "Gestellt, noch nicht abgeschickt" not in page
    save(customer_client, app, "filing", COUPLE["filing"])
    page = overview(customer_client, app)
    assert page.count("Gestellt, noch nicht abgeschickt") == 1
    assert page.count("Ihr Antragsdatum ist gesichert") == 1
    assert "Entwurf" not in page  # not "gestellt" and "Entwurf" side by side
    listing = customer_client.get(
        reverse("customer:applications", kwargs={"jc": app.jobcenter.slug})
    ).content.decode()
    assert listing.count("Gestellt, noch nicht abgeschickt") == 1
    assert "Entwurf" not in listing


def test_progress_never_shows_person_keys(customer_client: Client, app: Application) -> None:
    save(customer_client, app, "filing", COUPLE["filing"])
    # A household member whose name is not given yet (an older draft, an import).
    ApplicationStep.objects.create(
        application=app,
        step_key="household",
        state=StepState.DONE,
        answers={
            "members": [
                {"id": "p2", "role": "partner", "first_name": "", "last_name": ""},
                {"id": "p3", "role": "child", "first_name": "Mia", "last_name": "Kunde"},
            ]
        },
    )
    page = overview(customer_client, app)
    progress = page.split('class="progress-list"', 1)[1].split("</ol>", 1)[0]
    assert "Person 2" in progress and "Mia Kunde" in progress
    assert ": p2" not in progress and ":p2<" not in progress and ">p2" not in progress


def test_person_name_falls_back_to_the_number_in_the_readers_language() -> None:
    from django.utils import translation

    person = engine.Person(id="p2", role="partner", first_name="", last_name="", birth_date=None)
    assert person.name == "Person 2"
    with translation.override("uk"):
        assert person.name == "Особа 2"
    named = engine.Person(id="p3", role="child", first_name="Mia", last_name="", birth_date=None)
    assert named.name == "Mia"
