"""Representatives (issue 25 §3): granting by code, accepting, acting within scope,
revoking and expiry, the audit's "acting for", guardians and advice centres."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.access import ACTING_SESSION_KEY
from openjobcenter.core.models import AuditEntry
from openjobcenter.mandates import selectors, services
from openjobcenter.mandates.codes import code_hash
from openjobcenter.mandates.models import Mandate, MandateState, Organisation
from openjobcenter.tenants.models import Jobcenter
from tests.applications.staff_data import make_application
from tests.conftest import login_with_mfa
from tests.mandates.conftest import acting_client, grant

pytestmark = pytest.mark.django_db


def test_customer_grants_by_code_stored_only_as_hash(
    mandates_on: Jobcenter, customer_client: Client, customer: CustomerProfile
) -> None:
    until = (timezone.localdate() + timedelta(days=100)).isoformat()
    response = customer_client.post(
        reverse("customer:mandates", kwargs={"jc": "fulda"}),
        {"scopes": ["read", "documents"], "valid_until": until, "label": "Tochter"},
    )
    assert response.status_code == 200
    code = response.context["code"]
    assert code and code in response.content.decode()
    mandate = Mandate.objects.get(customer=customer)
    assert mandate.code_hash == code_hash(code) != code
    assert mandate.state() == MandateState.INVITED
    assert mandate.scopes == ["read", "documents"]


@pytest.mark.parametrize(
    ("scopes", "days", "message"),
    [
        (["read"], 400, "höchstens zwölf Monate"),
        ([], 30, "mindestens einen Bereich"),
        (["everything"], 30, "Auswahl"),
    ],
)
def test_bad_grant_is_refused_with_a_message(
    mandates_on: Jobcenter,
    customer_client: Client,
    customer: CustomerProfile,
    scopes: list[str],
    days: int,
    message: str,
) -> None:
    until = (timezone.localdate() + timedelta(days=days)).isoformat()
    response = customer_client.post(
        reverse("customer:mandates", kwargs={"jc": "fulda"}),
        {"scopes": scopes, "valid_until": until},
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Mandate.objects.exists()


def test_code_is_single_use_and_never_for_oneself(
    mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User, customer2: CustomerProfile
) -> None:
    mandate, code = grant(customer, ["read"])
    with pytest.raises(services.MandateError):
        services.mandate_accept(request=None, user=customer.user, jobcenter=mandates_on, code=code)
    services.mandate_accept(
        request=None, user=rep_user, jobcenter=mandates_on, code=code.lower().replace("-", " ")
    )
    with pytest.raises(services.MandateError):
        services.mandate_accept(request=None, user=customer2.user, jobcenter=mandates_on, code=code)
    mandate.refresh_from_db()
    assert mandate.representative == rep_user
    assert mandate.code_hash is None


def test_expired_code_and_other_job_centre_refused(
    mandates_on: Jobcenter, jc_b: Jobcenter, customer: CustomerProfile, rep_user: User
) -> None:
    mandate, code = grant(customer, ["read"])
    with pytest.raises(services.MandateError):
        services.mandate_accept(request=None, user=rep_user, jobcenter=jc_b, code=code)
    Mandate.objects.filter(pk=mandate.pk).update(
        code_expires_at=timezone.now() - timedelta(seconds=1)
    )
    client = Client()
    client.force_login(rep_user)
    response = client.post(
        reverse("customer:mandate_accept", kwargs={"jc": "fulda"}), {"code": code}
    )
    assert response.status_code == 422
    assert "ungültig, abgelaufen oder schon benutzt" in response.content.decode()
    mandate.refresh_from_db()
    assert mandate.representative is None


def test_accept_page_and_switch(
    mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User
) -> None:
    mandate, code = grant(customer, ["read"])
    client = Client()
    client.force_login(rep_user)
    response = client.post(
        reverse("customer:mandate_accept", kwargs={"jc": "fulda"}), {"code": code}
    )
    assert response.status_code == 302
    page = client.get(reverse("customer:mandates_switch", kwargs={"jc": "fulda"}))
    assert "Karl Kunde" in page.content.decode()
    client.post(
        reverse("customer:mandates_switch", kwargs={"jc": "fulda"}), {"mandate": mandate.pk}
    )
    assert client.session[ACTING_SESSION_KEY] == mandate.pk
    # Back to the own account.
    client.post(reverse("customer:mandates_switch", kwargs={"jc": "fulda"}), {"mandate": ""})
    assert ACTING_SESSION_KEY not in client.session


def test_switch_to_someone_elses_mandate_is_404(
    active_mandate: Mandate, customer2: CustomerProfile
) -> None:
    client = Client()
    client.force_login(customer2.user)
    response = client.post(
        reverse("customer:mandates_switch", kwargs={"jc": "fulda"}), {"mandate": active_mandate.pk}
    )
    assert response.status_code == 404
    assert ACTING_SESSION_KEY not in client.session


def test_acting_within_scope_resolves_the_customer_and_audits(
    active_mandate: Mandate, customer: CustomerProfile, rep_user: User
) -> None:
    application = make_application(customer)
    client = acting_client(rep_user, active_mandate)
    response = client.get(
        reverse("customer:application", kwargs={"jc": "fulda", "pk": application.pk})
    )
    assert response.status_code == 200
    assert application.reference in response.content.decode()
    documents = client.get(reverse("customer:documents", kwargs={"jc": "fulda"}))
    assert documents.status_code == 200
    entry = AuditEntry.objects.filter(acting_for=customer.user).order_by("-pk").first()
    assert entry is not None
    assert entry.actor == rep_user
    # The customer sees what was done for them.
    own = Client()
    own.force_login(customer.user)
    page = own.get(reverse("customer:mandates", kwargs={"jc": "fulda"}))
    assert rep_user.email in page.content.decode()
    assert selectors.actions_for(customer)


def test_beyond_scope_is_404_and_changes_nothing(
    active_mandate: Mandate, customer: CustomerProfile, rep_user: User
) -> None:
    client = acting_client(rep_user, active_mandate)
    # "read": the appointments list is readable, booking is not in the scope.
    assert client.get(reverse("customer:appointments", kwargs={"jc": "fulda"})).status_code == 200
    count = AuditEntry.objects.count()
    new = client.post(
        reverse("customer:conversation_new", kwargs={"jc": "fulda"}), {"subject": "x", "body": "y"}
    )
    assert new.status_code == 404
    assert not customer.conversations.exists()
    # Pages of the customer's own account: never while acting.
    for name in ("profile", "card", "mandates"):
        assert client.get(reverse(f"customer:{name}", kwargs={"jc": "fulda"})).status_code == 404
    assert AuditEntry.objects.filter(acting_for=customer.user).count() <= AuditEntry.objects.count()
    assert AuditEntry.objects.count() == count
    # The home of "Mein Bereich" sends the representative to their overview.
    home = client.get(reverse("customer:home", kwargs={"jc": "fulda"}))
    assert home.status_code == 302
    assert home["Location"].endswith("/vertretung/wechseln/")


def test_revoked_mandate_ends_acting_at_once(
    active_mandate: Mandate, customer: CustomerProfile, rep_user: User
) -> None:
    client = acting_client(rep_user, active_mandate)
    own = Client()
    own.force_login(customer.user)
    response = own.post(
        reverse("customer:mandate_revoke", kwargs={"jc": "fulda", "pk": active_mandate.pk})
    )
    assert response.status_code == 302
    after = client.get(reverse("customer:documents", kwargs={"jc": "fulda"}), follow=True)
    assert "abgelaufen oder wurde widerrufen" in after.content.decode()
    assert ACTING_SESSION_KEY not in client.session
    assert not selectors.may_act_for(rep_user, customer, "documents")


def test_expired_mandate_sends_back_to_own_account(
    active_mandate: Mandate, customer: CustomerProfile, rep_user: User
) -> None:
    client = acting_client(rep_user, active_mandate)
    Mandate.objects.filter(pk=active_mandate.pk).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    response = client.get(reverse("customer:documents", kwargs={"jc": "fulda"}))
    assert response.status_code == 302
    assert ACTING_SESSION_KEY not in client.session


def test_other_customer_cannot_revoke(
    active_mandate: Mandate, customer2: CustomerProfile, rep_user: User
) -> None:
    client = Client()
    client.force_login(customer2.user)
    for name in ("mandate_revoke", "mandate_renew"):
        response = client.post(
            reverse(f"customer:{name}", kwargs={"jc": "fulda", "pk": active_mandate.pk}),
            {"valid_until": timezone.localdate().isoformat()},
        )
        assert response.status_code == 404
    active_mandate.refresh_from_db()
    assert active_mandate.revoked_at is None
    # Nor can the representative revoke or see the customer's list.
    assert (
        acting_client(rep_user, active_mandate)
        .post(reverse("customer:mandate_revoke", kwargs={"jc": "fulda", "pk": active_mandate.pk}))
        .status_code
        == 404
    )


def test_renew_keeps_the_twelve_month_limit(
    active_mandate: Mandate, customer: CustomerProfile
) -> None:
    client = Client()
    client.force_login(customer.user)
    url = reverse("customer:mandate_renew", kwargs={"jc": "fulda", "pk": active_mandate.pk})
    before = active_mandate.valid_until
    client.post(url, {"valid_until": (timezone.localdate() + timedelta(days=500)).isoformat()})
    active_mandate.refresh_from_db()
    assert active_mandate.valid_until == before
    new = timezone.localdate() + timedelta(days=360)
    client.post(url, {"valid_until": new.isoformat()})
    active_mandate.refresh_from_db()
    assert active_mandate.valid_until == new


def test_may_act_for_and_acting_scope(
    active_mandate: Mandate, customer: CustomerProfile, rep_user: User
) -> None:
    assert selectors.acting_scope(rep_user, customer) == {"read", "documents"}
    assert selectors.may_act_for(rep_user, customer, "documents")
    assert selectors.may_act_for(rep_user, customer, "notices", write=False)
    assert not selectors.may_act_for(rep_user, customer, "notices")


def _guardian_world(customer: CustomerProfile) -> int:
    from unittest import mock

    from django.db import transaction

    from openjobcenter.documents import services as document_services
    from tests.documents.conftest import photo, upload

    with mock.patch.object(transaction, "on_commit", lambda func, using=None, robust=False: func()):
        document = document_services.document_store_attachment(
            request=None, customer=customer, uploaded_file=upload(photo(1)), kind="other"
        )
    return document.pk


def test_staff_enter_a_guardian_with_the_courts_document(
    mandates_on: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    staff_b: dict[Role, User],
    rep_user: User,
) -> None:
    proof = _guardian_world(customer)
    url = reverse("staff:mandates_guardian", kwargs={"jc": "fulda", "pk": customer.pk})
    until = (timezone.localdate() + timedelta(days=1500)).isoformat()
    body = {
        "scopes": ["read", "applications"],
        "valid_until": until,
        "court_reference": "XVII 12/26",
        "proof": proof,
    }
    refused = login_with_mfa(Client(), staff_a[Role.JOB_ADVISOR]).post(url, body)
    assert refused.status_code == 403
    other_jc = login_with_mfa(Client(), staff_b[Role.ADMIN]).post(url, body)
    assert other_jc.status_code == 404
    assert not Mandate.objects.exists()
    client = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    response = client.post(url, body)
    assert response.status_code == 200, response.content.decode()[:2000]
    code = response.context["code"]
    mandate = Mandate.objects.get(customer=customer)
    assert mandate.kind == "guardian" and mandate.proof_document_id == proof
    services.mandate_accept(request=None, user=rep_user, jobcenter=mandates_on, code=code)
    case = client.get(reverse("staff:customer", kwargs={"jc": "fulda", "pk": customer.pk}))
    text = case.content.decode()
    assert "Rechtliche Betreuung" in text and rep_user.email in text and "XVII 12/26" in text
    assert "data-guardian-link" in text
    # The customer cannot revoke a court's order; staff can end it.
    own = Client()
    own.force_login(customer.user)
    assert (
        own.post(
            reverse("customer:mandate_revoke", kwargs={"jc": "fulda", "pk": mandate.pk})
        ).status_code
        == 404
    )
    client.post(
        reverse(
            "staff:mandate_end", kwargs={"jc": "fulda", "pk": customer.pk, "mandate": mandate.pk}
        )
    )
    mandate.refresh_from_db()
    assert mandate.state() == MandateState.REVOKED


def test_guardian_needs_a_document_of_this_customer(
    mandates_on: Jobcenter,
    customer: CustomerProfile,
    customer2: CustomerProfile,
    staff_a: dict[Role, User],
) -> None:
    foreign = _guardian_world(customer2)
    client = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    response = client.post(
        reverse("staff:mandates_guardian", kwargs={"jc": "fulda", "pk": customer.pk}),
        {
            "scopes": ["read"],
            "valid_until": timezone.localdate().isoformat(),
            "court_reference": "X",
            "proof": foreign,
        },
    )
    assert response.status_code == 422
    assert not Mandate.objects.exists()


def test_advice_centre_registers_is_approved_and_accepts_in_its_name(
    mandates_on: Jobcenter, customer: CustomerProfile, rep_user: User, staff_a: dict[Role, User]
) -> None:
    client = Client()
    client.force_login(rep_user)
    client.post(
        reverse("tenant:organisation_register", kwargs={"jc": "fulda"}),
        {
            "name": "Sozialberatung Fulda",
            "address": "Marktplatz 1, 36037 Fulda",
            "email": "info@beratung.example",
        },
    )
    organisation = Organisation.objects.get()
    assert organisation.status == "pending"
    _mandate, code = grant(customer, ["read", "chat"])
    with pytest.raises(services.MandateError):
        services.mandate_accept(
            request=None, user=rep_user, jobcenter=mandates_on, code=code, organisation=organisation
        )
    url = reverse("staff:organisations", kwargs={"jc": "fulda"})
    assert (
        login_with_mfa(Client(), staff_a[Role.CASEWORKER])
        .post(url, {"organisation": organisation.pk, "decision": "approve"})
        .status_code
        == 403
    )
    login_with_mfa(Client(), staff_a[Role.ADMIN]).post(
        url, {"organisation": organisation.pk, "decision": "approve"}
    )
    organisation.refresh_from_db()
    assert organisation.status == "approved"
    response = client.post(
        reverse("customer:mandate_accept", kwargs={"jc": "fulda"}),
        {"code": code, "organisation": organisation.pk},
    )
    assert response.status_code == 302
    assert Mandate.objects.get().organisation == organisation
