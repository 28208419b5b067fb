"""Mixed-direction text and bad language codes (issue 23, "Bad input").

What people type takes its own direction: a Latin name in a Farsi page, an Arabic name in a
German page, a subject in either script. Names inside translated sentences and subjects are
isolated in ``<bdi>``, chat bubbles are ``dir="auto"`` (docs/languages.md). A language code
that is not offered, wherever it comes from, gives German and never an error page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.messaging import services as chat
from openjobcenter.tenants.models import Jobcenter
from tests.conftest import login_with_mfa

ARABIC_NAME = "محمد"
FARSI_WITH_LATIN = "سلام، من Jonas Becker هستم و سؤالی دارم."


@pytest.fixture
def chat_on(jc_a: Jobcenter) -> Jobcenter:
    jc_a.enabled_modules = sorted({*jc_a.enabled_modules, "messaging"})
    jc_a.save()
    chat.topics_ensure_defaults(jobcenter=jc_a)
    return jc_a


def test_isolated_escapes_and_wraps_in_bdi() -> None:
    rendered = Template("{% load ojc %}{{ name|isolated }}").render(
        Context({"name": "<b>Jonas</b>"})
    )
    assert rendered == "<bdi>&lt;b&gt;Jonas&lt;/b&gt;</bdi>"


@pytest.mark.parametrize(
    ("language", "first_name", "lang_attr", "direction"),
    [("fa", "Jonas", "fa", "rtl"), ("de", ARABIC_NAME, "de", "ltr")],
)
def test_the_greeting_isolates_the_name(
    customer_client: Client,
    customer: CustomerProfile,
    language: str,
    first_name: str,
    lang_attr: str,
    direction: str,
) -> None:
    customer.user.first_name = first_name
    customer.user.preferred_language = language
    customer.user.save(update_fields=["first_name", "preferred_language"])
    html = customer_client.get("/fulda/mein-bereich/").content.decode()
    assert f'<html lang="{lang_attr}" dir="{direction}">' in html
    h1 = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert h1 is not None
    assert f"<bdi>{first_name} " in h1.group(1), h1.group(1)


@pytest.mark.django_db
def test_chat_subject_and_bubbles_keep_their_own_direction(
    customer_client: Client,
    customer: CustomerProfile,
    chat_on: Jobcenter,
    staff_a: dict[Role, User],
) -> None:
    customer.user.preferred_language = "fa"
    customer.user.save(update_fields=["preferred_language"])
    topic = chat_on.chat_topics.order_by("position").first()
    conversation = chat.conversation_start(
        customer=customer,
        author=customer.user,
        data=chat.StartRequest(subject="Bewerbung Jonas", body=FARSI_WITH_LATIN, topic=topic),
    )
    chat.message_send(
        conversation=conversation,
        author=staff_a[Role.CASEWORKER],
        body=f"Guten Tag, Frau {ARABIC_NAME}, wir haben Ihre Nachricht.",
    )
    listing = customer_client.get("/fulda/mein-bereich/nachrichten/").content.decode()
    assert "<bdi>Bewerbung Jonas</bdi>" in listing
    page = customer_client.get(f"/fulda/mein-bereich/nachrichten/{conversation.pk}/")
    html = page.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "<h1><bdi>Bewerbung Jonas</bdi></h1>" in html
    bubbles = re.findall(r'<p class="chat-body" dir="auto">(.*?)</p>', html, re.S)
    assert any("Jonas Becker" in b for b in bubbles), bubbles
    assert any(ARABIC_NAME in b for b in bubbles), bubbles
    # The staff side: subject and the customer's name isolated as well.
    staff = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    inbox = staff.get("/fulda/staff/nachrichten/")
    assert inbox.status_code == 200
    assert "<bdi>Bewerbung Jonas</bdi>" in inbox.content.decode()
    detail = staff.get(f"/fulda/staff/nachrichten/{conversation.pk}/").content.decode()
    assert "<h1><bdi>Bewerbung Jonas</bdi></h1>" in detail


# (A null byte is refused as a whole, 400, by core's input guard: tests/test_input_guards.py.)
BAD_CODES = ["xx", "tlh", "../../etc/passwd", "a" * 300, "", "<b>", "zh-hans-xx"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", BAD_CODES)
def test_switching_to_an_unknown_language_gives_german(
    client: Client, jc_a: Jobcenter, code: str
) -> None:
    response = client.post("/sprache/", {"language": code, "next": "/fulda/"})
    assert response.status_code == 302
    assert response["Location"] == "/fulda/"
    page = client.get("/fulda/")
    assert page.status_code == 200
    assert '<html lang="de" dir="ltr">' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["xx", "de-x-ls", "..", "a" * 300, "%3Cb%3E"])
def test_an_unknown_language_in_the_url_is_no_error_page(client: Client, code: str) -> None:
    response = client.get(f"/sprachen/{code}/", follow=True)
    assert response.status_code == 200
    assert '<html lang="de" dir="ltr">' in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_language_in_the_query_string_is_ignored(
    client: Client, jc_a: Jobcenter
) -> None:
    response = client.get("/fulda/?language=xx&lang=../../", HTTP_ACCEPT_LANGUAGE="zz")
    assert response.status_code == 200
    assert '<html lang="de" dir="ltr">' in response.content.decode()
    assert response.cookies.get(settings.LANGUAGE_COOKIE_NAME) is None or (
        response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    )
