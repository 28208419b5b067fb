"""The widget "War diese Seite verständlich?" on real pages, without and with htmx."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import pytest
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.applications import engine
from openjobcenter.applications.services import application_start
from openjobcenter.feedback import ratelimit
from openjobcenter.feedback.models import COMMENT_MAX, Audience, Feedback
from openjobcenter.tenants.models import Jobcenter
from tests.feedback.conftest import enable

RAW = "Schreiben Sie an erika.muster@example.org oder IBAN DE89 3704 0044 0532 0130 00"


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


def test_widget_sits_on_a_customer_page_named_by_its_pattern(
    feedback_on: Jobcenter, customer_client: Client
) -> None:
    html = customer_client.get("/fulda/mein-bereich/profil/").content.decode()
    assert "War diese Seite verständlich?" in html
    assert _hidden(html, "page") == "customer:profile"
    assert 'action="/fulda/rueckmeldung/"' in html


def test_no_widget_when_the_module_is_off(jc_a: Jobcenter, customer_client: Client) -> None:
    html = customer_client.get("/fulda/mein-bereich/profil/").content.decode()
    assert "War diese Seite verständlich?" not in html


def test_application_step_is_named_by_form_and_step_never_by_its_url(
    feedback_on: Jobcenter, customer: CustomerProfile, customer_client: Client
) -> None:
    enable(feedback_on, "applications")
    app = application_start(request=None, customer=customer, kind="initial")
    first = engine.get_definition(app.form_key, app.form_version).steps[0].key
    url = f"/fulda/mein-bereich/antrag/{app.pk}/schritt/{first}/"
    html = customer_client.get(url).content.decode()
    assert _hidden(html, "page") == "customer:application_step"
    form, step = _hidden(html, "form"), _hidden(html, "step")
    assert form == app.form_key
    assert step == first
    response = customer_client.post(
        "/fulda/rueckmeldung/",
        {
            "page": "customer:application_step",
            "form": form,
            "step": step,
            "answer": "no",
            "next": url,
        },
    )
    assert response.status_code == 302
    row = Feedback.objects.get()
    assert (row.page, row.form_key, row.step_key, row.answer) == (
        "customer:application_step",
        form,
        step,
        "no",
    )
    assert str(app.pk) not in row.page


def test_post_without_javascript_returns_to_the_page_with_thanks_and_scrubs(
    feedback_on: Jobcenter, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    response = client.post(
        "/fulda/rueckmeldung/",
        {
            "page": "tenant:self_check",
            "answer": "partly",
            "text": RAW,
            "next": "/fulda/vorabcheck/",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/fulda/vorabcheck/"
    assert "Vielen Dank für Ihre Rückmeldung!" in response.content.decode()
    row = Feedback.objects.get()
    assert row.audience == Audience.CUSTOMER
    assert row.comment == "Schreiben Sie an [E-Mail] oder IBAN [IBAN]"
    assert "erika" not in caplog.text and "0532" not in caplog.text


def test_htmx_answer_is_the_widget_in_place(feedback_on: Jobcenter, client: Client) -> None:
    response = client.post(
        "/fulda/rueckmeldung/",
        {"page": "tenant:home", "answer": "yes", "next": "/fulda/"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "data-feedback" in html and "Vielen Dank" in html and "<html" not in html


def test_oversized_text_is_refused_with_a_message_and_nothing_stored(
    feedback_on: Jobcenter, client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    long_text = "erika@example.org " + "x" * COMMENT_MAX
    for htmx in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.post(
            "/fulda/rueckmeldung/",
            {"page": "tenant:home", "answer": "no", "text": long_text, "next": "/fulda/"},
            **htmx,  # type: ignore[arg-type]
        )
        assert response.status_code == 400
        assert "Ihr Kommentar ist zu lang: höchstens 1000 Zeichen" in response.content.decode()
    assert not Feedback.objects.exists()
    assert "erika@example.org" not in caplog.text


@pytest.mark.parametrize(
    "data",
    [
        {"page": "tenant:nicht_da", "answer": "no"},
        {"page": "staff:dashboard", "answer": "no"},
        {"page": "customer:application_step", "form": "erfunden", "step": "x", "answer": "no"},
        {"page": "tenant:home", "answer": "vielleicht"},
    ],
)
def test_forged_or_unknown_values_are_refused(
    feedback_on: Jobcenter, client: Client, data: dict[str, str]
) -> None:
    response = client.post("/fulda/rueckmeldung/", {**data, "next": "/fulda/"})
    assert response.status_code == 400
    assert not Feedback.objects.exists()


@pytest.mark.usefixtures("one_rate_window")
def test_rate_limit_per_session(feedback_on: Jobcenter, client: Client) -> None:
    data = {"page": "tenant:home", "answer": "yes", "next": "/fulda/"}
    for _ in range(ratelimit.LIMIT):
        assert client.post("/fulda/rueckmeldung/", data).status_code == 302
    response = client.post("/fulda/rueckmeldung/", data)
    assert response.status_code == 429
    assert "schon viele Rückmeldungen" in response.content.decode()
    assert Feedback.objects.count() == ratelimit.LIMIT
    # Another session is counted on its own.
    assert Client().post("/fulda/rueckmeldung/", data).status_code == 302


def test_open_redirect_is_not_followed(feedback_on: Jobcenter, client: Client) -> None:
    response = client.post(
        "/fulda/rueckmeldung/",
        {"page": "tenant:home", "answer": "yes", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_module_off_refuses_and_stores_nothing(jc_a: Jobcenter, client: Client) -> None:
    response = client.post("/fulda/rueckmeldung/", {"page": "tenant:home", "answer": "yes"})
    assert response.status_code == 404
    assert not Feedback.objects.exists()


def test_staff_page_widget_stores_staff_feedback(
    feedback_on: Jobcenter,
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
) -> None:
    client = staff_client(staff_a[Role.RECEPTION])
    html = client.get("/fulda/staff/").content.decode()
    assert _hidden(html, "page") == "staff:dashboard"
    assert 'action="/fulda/staff/rueckmeldung/"' in html
    assert "keine Daten von Kundinnen und Kunden" in html
    response = client.post(
        "/fulda/staff/rueckmeldung/",
        {
            "page": "staff:dashboard",
            "answer": "no",
            "text": "Filter unklar",
            "next": "/fulda/staff/",
        },
    )
    assert response.status_code == 302
    row = Feedback.objects.get()
    assert (row.audience, row.page, row.comment) == (
        Audience.STAFF,
        "staff:dashboard",
        "Filter unklar",
    )
    # A customer page's name is refused on the staff path (and the other way round).
    bad = client.post("/fulda/staff/rueckmeldung/", {"page": "tenant:home", "answer": "no"})
    assert bad.status_code == 400
    assert Feedback.objects.count() == 1
