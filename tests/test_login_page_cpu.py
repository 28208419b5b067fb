"""The login page and the login, with less CPU (issue 20): the platform layout's parts
kept per process, the account pages' job centre read through the per-process cache and
the person's own once per request, sessions created without a look-up before the key."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from openjobcenter.accounts import branding, session_store
from openjobcenter.accounts.models import CustomerProfile, Role
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.web import fragments

from .conftest import PASSWORD, make_staff

pytestmark = pytest.mark.django_db


def _layout(html: str) -> str:
    """The page without its CSRF tokens."""
    return "".join(
        part.split('"', 1)[-1] for part in html.split('name="csrfmiddlewaretoken" value="')
    )


def test_the_login_page_without_job_centre_is_the_same_from_memory(client: Client) -> None:
    fragments.reset()
    first = client.get("/konto/login/").content.decode()
    second = Client().get("/konto/login/").content.decode()
    assert _layout(second) == _layout(first)
    assert 'href="/konto/signup/"' in second
    assert '<option value="de" lang="de" selected>Deutsch</option>' in second
    english = Client().get("/konto/login/", headers={"accept-language": "en"}).content.decode()
    assert '<option value="en" lang="en" selected>English</option>' in english
    assert "Skip to content" in english
    assert "Zum Inhalt springen" not in english
    # A full store starts again, and keeps serving the right language.
    fragments.MAX_ENTRIES, limit = 1, fragments.MAX_ENTRIES
    try:
        again = Client().get("/konto/login/").content.decode()
        assert _layout(again) == _layout(first)
    finally:
        fragments.MAX_ENTRIES = limit


def test_a_changed_setting_shows_on_the_login_page(client: Client) -> None:
    client.get("/konto/login/")
    names = {**settings.LANGUAGE_NATIVE_NAMES, "en": "Englisch (geändert)"}
    with override_settings(LANGUAGE_NATIVE_NAMES=names):
        assert "Englisch (geändert)" in Client().get("/konto/login/").content.decode()
    assert "Englisch (geändert)" not in Client().get("/konto/login/").content.decode()


def test_the_login_page_of_a_job_centre_wears_its_brand(client: Client, jc_a: Jobcenter) -> None:
    page = client.get("/konto/login/?jobcenter=fulda").content.decode()
    assert jc_a.name in page
    assert "?jobcenter=fulda" in page
    # Remembered for the session: the next page without the link wears it too.
    assert jc_a.name in client.get("/konto/login/").content.decode()
    Jobcenter.objects.filter(pk=jc_a.pk).update(name="Jobcenter Fulda (neu)")
    assert "Jobcenter Fulda (neu)" in client.get("/konto/login/").content.decode()


def test_a_customer_of_an_inactive_job_centre_keeps_its_brand(customer: CustomerProfile) -> None:
    Jobcenter.objects.filter(pk=customer.jobcenter_id).update(is_active=False)
    found = branding.jobcenter_of_user(customer.user_id)
    assert found is not None
    assert found.pk == customer.jobcenter_id


def test_staff_wear_their_active_job_centre(jc_a: Jobcenter, jc_b: Jobcenter) -> None:
    staff = make_staff(jc_a, Role.CASEWORKER, "sachbearbeitung@example.org", mfa=False)
    found = branding.jobcenter_of_user(staff.pk)
    assert found is not None
    assert found.pk == jc_a.pk
    Jobcenter.objects.filter(pk=jc_a.pk).update(is_active=False)
    assert branding.jobcenter_of_user(staff.pk) is None
    assert branding.jobcenter_of_user(None) is None


def test_the_own_job_centre_is_read_once_per_request(customer: CustomerProfile) -> None:
    request = RequestFactory().get("/konto/login/")
    request.user = customer.user
    request.session = Client().session
    with CaptureQueriesContext(connection) as ctx:
        first = branding.account_jobcenter(request)
        second = branding.account_jobcenter(request)
    assert first is not None
    assert second is first
    assert first.pk == customer.jobcenter_id
    profile_reads = [q for q in ctx.captured_queries if "accounts_customerprofile" in q["sql"]]
    assert len(profile_reads) == 1


def test_login_cycles_the_session_key(client: Client, customer: CustomerProfile) -> None:
    client.get("/konto/login/?jobcenter=fulda")  # a session before the login
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.post("/konto/login/", {"login": customer.user.email, "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert Session.objects.filter(session_key=after).exists()
    assert client.get("/konto/login/").wsgi_request.user == customer.user


def _a_taken_key_is_drawn_again(monkeypatch: pytest.MonkeyPatch, fresh: str) -> None:
    """A new session whose first drawn key is taken gets the next one (``fresh``); the
    owner of the taken key keeps their session."""
    taken = session_store.SessionStore()
    taken["owner"] = "first"
    taken.create()
    keys = iter([taken.session_key, fresh])
    monkeypatch.setattr(session_store, "get_random_string", lambda n, chars: next(keys))
    store = session_store.SessionStore()
    store["owner"] = "second"
    store.create()
    assert store.session_key == fresh
    assert set(VALID_KEY_CHARS) >= set(store.session_key)
    assert session_store.SessionStore(taken.session_key).load() == {"owner": "first"}
    assert session_store.SessionStore(fresh).load() == {"owner": "second"}


def test_a_taken_session_key_is_drawn_again(monkeypatch: pytest.MonkeyPatch) -> None:
    _a_taken_key_is_drawn_again(monkeypatch, "z" * 32)


def _around(captured: list[dict[str, str]], table: str) -> list[tuple[str, str, str]]:
    """Each statement on ``table`` with the statements just before and after it."""
    sql = [q["sql"].split()[0].upper() for q in captured]
    return [
        (sql[i - 1] if i else "", sql[i], sql[i + 1] if i + 1 < len(sql) else "")
        for i, q in enumerate(captured)
        if table in q["sql"]
    ]


@pytest.mark.django_db(transaction=True)
def test_a_login_writes_its_session_in_two_statements_without_transactions(
    customer: CustomerProfile,
) -> None:
    client = Client()
    client.get("/konto/login/")
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            "/konto/login/", {"login": customer.user.email, "password": PASSWORD}
        )
    assert response.status_code == 302
    writes = _around(ctx.captured_queries, '"django_session"')
    # The new key's row, then the signed-in data: one statement each, no BEGIN/COMMIT.
    assert [w[1] for w in writes] == ["INSERT", "UPDATE"]
    assert all(before != "BEGIN" and after != "COMMIT" for before, _, after in writes)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.get(session_key=key).get_decoded()["_auth_user_id"] == str(
        customer.user.pk
    )
    assert client.get("/konto/login/").wsgi_request.user == customer.user


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_taken_key_is_drawn_again_and_the_owner_keeps_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _a_taken_key_is_drawn_again(monkeypatch, "y" * 32)
    assert Session.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_saving_a_deleted_session_is_refused() -> None:
    """A session deleted meanwhile (logged out on another device) is not brought back."""
    from django.contrib.sessions.backends.base import UpdateError

    store = session_store.SessionStore()
    store["owner"] = "gone"
    store.create()
    Session.objects.filter(session_key=store.session_key).delete()
    store["more"] = 1
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()


def test_inside_a_transaction_a_taken_key_leaves_the_transaction_usable(
    monkeypatch: pytest.MonkeyPatch, customer: CustomerProfile
) -> None:
    """In a transaction the store keeps Django's savepoint: the refused insert is rolled
    back alone and the transaction's other work goes on."""
    with transaction.atomic():
        _a_taken_key_is_drawn_again(monkeypatch, "x" * 32)
        assert CustomerProfile.objects.filter(pk=customer.pk).exists()  # still usable


def test_the_login_message_says_who_without_the_pages_context(
    client: Client, customer: CustomerProfile
) -> None:
    """allauth's "signed in" line is rendered from its own context: no context processor
    runs for it (the job centre's look-up among them), and the next page shows it."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            "/konto/login/", {"login": customer.user.email, "password": PASSWORD}
        )
    assert response.status_code == 302
    # The brand's look-up of the account pages: the person's job centre by profile.
    assert not [q for q in ctx.captured_queries if 'FROM "accounts_customerprofile"' in q["sql"]]
    page = client.get(f"/{customer.jobcenter.slug}/mein-bereich/").content.decode()
    assert "Erfolgreich als" in page and "angemeldet." in page


def test_the_message_templates_need_no_request() -> None:
    """What ``AccountAdapter.add_message`` relies on: allauth's message templates (and any
    of ours) use their own context only."""
    from pathlib import Path

    import allauth

    from openjobcenter import accounts

    roots = [Path(allauth.__file__).parent, Path(accounts.__file__).parents[1]]
    found = [p for root in roots for p in root.rglob("templates/*/messages/*.txt")]
    assert len(found) >= 10
    for path in found:
        text = path.read_text()
        assert "request" not in text and "jobcenter" not in text, path
