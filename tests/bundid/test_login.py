"""Real BundID logins through pysaml2's IdP in its own process (tests/bundid/conftest.py):
first login with confirmation, linking an existing account (password or e-mail link),
and every refused answer: a German page, a 4xx, nothing created but the audit entry."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, User
from openjobcenter.bundid.models import BundIDIdentity, SeenAssertion
from openjobcenter.core.models import AuditAction, AuditEntry
from openjobcenter.tenants.models import Jobcenter
from tests.bundid.conftest import ATTRS, Idp, enable_bundid, idp_answer, login, post_answer
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundid(client: Client, jc_a: Jobcenter, saml_idp: Idp) -> Idp:
    enable_bundid(client, jc_a, saml_idp)
    saml_idp.scenario()
    return saml_idp


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def _nothing_created(users_before: int) -> None:
    assert User.objects.count() == users_before
    assert not BundIDIdentity.objects.exists()


def _failed(jobcenter: Jobcenter, reason: str) -> None:
    assert AuditEntry.objects.filter(
        jobcenter=jobcenter, action=AuditAction.LOGIN_FAILED, detail__contains=reason
    ).exists()


def test_first_login_creates_the_account_only_after_confirmation(
    client: Client, jc_a: Jobcenter, bundid: Idp
) -> None:
    users = User.objects.count()
    response = login(client, jc_a)
    assert response.status_code == 302
    assert response["Location"] == f"/{jc_a.slug}/bundid/bestaetigen/"
    _nothing_created(users)  # the answer alone creates nothing

    page = client.get(response["Location"])
    text = _text(page)
    assert page.status_code == 200
    assert "Mustermann" in text and "1984-08-12" in text and "Heinrichstraße 8" in text
    assert "aus BundID, bestätigt" in text
    assert "substanziell" in text

    refused = client.post(
        response["Location"], {"action": "create", "create-email": "erika@example.org"}
    )
    assert refused.status_code == 400
    assert "Bitte bestätigen Sie, dass Sie die Hinweise gelesen haben." in _text(refused)
    _nothing_created(users)

    done = client.post(
        response["Location"],
        {"action": "create", "create-email": "erika@example.org", "create-terms": "on"},
    )
    assert done.status_code == 302
    assert done["Location"] == f"/{jc_a.slug}/mein-bereich/"
    user = User.objects.get(email="erika@example.org")
    assert (user.first_name, user.last_name) == ("Erika", "Mustermann")
    assert not user.has_usable_password()
    profile = CustomerProfile.objects.get(user=user, jobcenter=jc_a)
    assert (profile.street, profile.postcode, profile.city) == (
        "Heinrichstraße 8",
        "36037",
        "Fulda",
    )
    identity = BundIDIdentity.objects.get(user=user)
    assert identity.level == 3
    assert identity.attributes["birth_date"] == "1984-08-12"
    assert AuditEntry.objects.filter(
        object_type="bundid_identity", action=AuditAction.CREATE, detail__contains="via=new"
    ).exists()
    assert client.get(f"/{jc_a.slug}/mein-bereich/bundid/").status_code == 200

    # The next login goes straight in, at the level of that login.
    bundid.scenario(level="STORK-QAA-Level-4")
    again = Client()
    response = login(again, jc_a)
    assert response.status_code == 302
    assert response["Location"] == f"/{jc_a.slug}/mein-bereich/"
    assert again.session["_auth_user_id"] == str(user.pk)
    identity.refresh_from_db()
    assert identity.level == 4
    assert AuditEntry.objects.filter(
        object_type="bundid_identity", action=AuditAction.LOGIN, detail="bundid level=4"
    ).exists()
    assert BundIDIdentity.objects.count() == 1


def test_encrypted_assertion_is_read(client: Client, jc_a: Jobcenter, bundid: Idp) -> None:
    bundid.scenario(encrypt=True)
    response = login(client, jc_a)
    assert response.status_code == 302
    assert response["Location"] == f"/{jc_a.slug}/bundid/bestaetigen/"
    assert "Mustermann" in _text(client.get(response["Location"]))


def test_existing_account_is_linked_only_with_its_password(
    client: Client, jc_a: Jobcenter, bundid: Idp
) -> None:
    user = make_user("erika@example.org", "Erika", "Mustermann")
    CustomerProfile.objects.create(user=user, jobcenter=jc_a)
    users = User.objects.count()
    confirm = login(client, jc_a)["Location"]
    page = _text(client.get(confirm))
    assert "Sie haben schon ein Konto" in page
    assert 'value="create"' not in page

    # Never silently, never a second account for the same address.
    assert (
        client.post(
            confirm, {"action": "create", "create-email": "x@example.org", "create-terms": "on"}
        ).status_code
        == 400
    )
    wrong = client.post(
        confirm,
        {"action": "password", "link-email": "erika@example.org", "link-password": "falsch"},
    )
    assert wrong.status_code == 400
    assert "E-Mail-Adresse oder Passwort sind nicht richtig." in _text(wrong)
    assert User.objects.count() == users
    assert not BundIDIdentity.objects.exists()

    done = client.post(
        confirm,
        {"action": "password", "link-email": "erika@example.org", "link-password": PASSWORD},
    )
    assert done.status_code == 302
    identity = BundIDIdentity.objects.get()
    assert identity.user == user
    assert client.session["_auth_user_id"] == str(user.pk)
    assert AuditEntry.objects.filter(
        object_type="bundid_identity", detail__contains="via=password"
    ).exists()


def test_existing_account_is_linked_by_the_mailed_link(
    client: Client, jc_a: Jobcenter, bundid: Idp, outbox: list[Any], after_commit_at_once: None
) -> None:
    user = make_user("erika@example.org", "Erika", "Mustermann")
    CustomerProfile.objects.create(user=user, jobcenter=jc_a)
    confirm = login(client, jc_a)["Location"]
    sent = client.post(confirm, {"action": "email"})
    assert sent.status_code == 200
    assert "Wir haben einen Link an erika@example.org geschickt" in _text(sent)
    assert len(outbox) == 1 and outbox[0].to == ["erika@example.org"]
    link = re.search(r"http://\S+/bundid/verbinden/\S+/", outbox[0].body).group(0)  # type: ignore[union-attr]
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200
    assert not BundIDIdentity.objects.exists()  # opening the link links nothing

    # Another browser (no BundID login there) cannot use the link.
    assert Client().post("/" + path).status_code == 400
    assert not BundIDIdentity.objects.exists()
    tampered = client.post("/" + path[:-3] + "xx/")
    assert tampered.status_code == 400
    assert not BundIDIdentity.objects.exists()

    done = client.post("/" + path)
    assert done.status_code == 302
    assert BundIDIdentity.objects.get().user == user


@pytest.mark.parametrize(
    ("variant", "reason", "message"),
    [
        ("wrong_issuer", "issuer", "Die Antwort kommt nicht von der eingerichteten BundID."),
        ("bad_signature", "signature", "Die Antwort der BundID ist nicht gültig signiert."),
    ],
)
def test_answers_that_are_not_from_our_idp_are_refused(
    client: Client, jc_a: Jobcenter, bundid: Idp, variant: str, reason: str, message: str
) -> None:
    users = User.objects.count()
    bundid.scenario(variant=variant)
    response = login(client, jc_a)
    assert response.status_code == 400
    assert message in _text(response)
    assert "Es wurde nichts gespeichert." in _text(response)
    _nothing_created(users)
    assert "_auth_user_id" not in client.session
    assert not SeenAssertion.objects.exists()
    _failed(jc_a, reason)


def test_expired_assertion_is_refused(client: Client, jc_a: Jobcenter, bundid: Idp) -> None:
    users = User.objects.count()
    posted = idp_answer(client, jc_a)
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)):
        response = post_answer(client, posted)
    assert response.status_code == 400
    assert "Die Anmeldung ist abgelaufen." in _text(response)
    _nothing_created(users)
    _failed(jc_a, "expired")


def test_replayed_assertion_is_refused(client: Client, jc_a: Jobcenter, bundid: Idp) -> None:
    posted = idp_answer(client, jc_a)
    first = post_answer(client, posted)
    assert first.status_code == 302
    # The same answer again, in the same browser (its request is answered) ...
    again = post_answer(client, posted)
    assert again.status_code == 400
    assert "Bitte melden Sie sich noch einmal an." in _text(again)
    # ... and in another browser that started a login of its own (InResponseTo differs).
    other = Client()
    idp_answer(other, jc_a)
    stolen = post_answer(other, posted)
    assert stolen.status_code == 400
    assert "bundid_pending" not in other.session
    _failed(jc_a, "unsolicited")


def test_assertion_id_is_used_once_even_for_a_new_request(
    client: Client, jc_a: Jobcenter, bundid: Idp
) -> None:
    posted = idp_answer(client, jc_a)
    assertion_id = "ID-used-before"
    SeenAssertion.objects.create(jobcenter=jc_a, assertion_id=assertion_id)
    # Our own record of ids: an id seen before is a replay whatever the session says.
    from openjobcenter.bundid import services

    assert services.assertion_first_use(jobcenter=jc_a, assertion_id=assertion_id) is False
    assert post_answer(client, posted).status_code == 302
    assert SeenAssertion.objects.count() == 2


def test_missing_attributes_are_refused(client: Client, jc_a: Jobcenter, bundid: Idp) -> None:
    users = User.objects.count()
    bundid.scenario(attributes={k: v for k, v in ATTRS.items() if k != "urn:oid:2.5.4.4"})
    response = login(client, jc_a)
    assert response.status_code == 400
    assert "nicht alle nötigen Angaben" in _text(response)
    _nothing_created(users)
    assert "bundid_pending" not in client.session
    _failed(jc_a, "missing attributes last_name")


def test_a_lower_level_than_requested_is_refused(
    client: Client, jc_a: Jobcenter, bundid: Idp
) -> None:
    users = User.objects.count()
    bundid.scenario(level="STORK-QAA-Level-1")
    response = login(client, jc_a, "?niveau=4")
    assert response.status_code == 403
    text = _text(response)
    assert "Sie haben sich mit dem Vertrauensniveau „basisregistriert“ angemeldet." in text
    assert "Verlangt ist mindestens „hoch“." in text
    assert f"/{jc_a.slug}/bundid/anmelden/?niveau=4" in text
    _nothing_created(users)
    _failed(jc_a, "level downgrade")


def test_idp_down_is_said_before_the_customer_leaves(
    client: Client, jc_a: Jobcenter, bundid: Idp
) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        dead = sock.getsockname()[1]
    from openjobcenter.bundid.models import BundIDSettings

    BundIDSettings.objects.filter(jobcenter=jc_a).update(
        idp_metadata_xml=bundid.metadata_xml.replace(f":{bundid.port}/", f":{dead}/")
    )
    response = client.get(f"/{jc_a.slug}/bundid/anmelden/")
    assert response.status_code == 503
    assert "Die BundID ist gerade nicht erreichbar." in _text(response)
    assert f"/konto/login/?jobcenter={jc_a.slug}" in _text(response)
    _failed(jc_a, "idp unreachable")


def test_not_offered_is_404(client: Client, jc_b: Jobcenter) -> None:
    assert client.get(f"/{jc_b.slug}/bundid/anmelden/").status_code == 404
    assert client.post(f"/{jc_b.slug}/bundid/acs/", {"SAMLResponse": "x"}).status_code == 404


def test_garbage_answer_is_a_400(client: Client, jc_a: Jobcenter, bundid: Idp) -> None:
    response = client.post(f"/{jc_a.slug}/bundid/acs/", {"SAMLResponse": "bm9uc2Vuc2U="})
    assert response.status_code == 400
    assert "Anmeldung mit BundID nicht möglich" in _text(response)
    assert client.post(f"/{jc_a.slug}/bundid/acs/", {}).status_code == 400


def test_login_page_offers_bundid(
    client: Client, jc_a: Jobcenter, jc_b: Jobcenter, bundid: Idp
) -> None:
    page = _text(client.get(f"/konto/login/?jobcenter={jc_a.slug}"))
    assert "Mit BundID anmelden" in page
    assert f'href="/{jc_a.slug}/bundid/anmelden/"' in page
    assert "Mit BundID anmelden" not in _text(client.get(f"/konto/login/?jobcenter={jc_b.slug}"))
