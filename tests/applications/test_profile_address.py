"""The application's address follows the person only after the customer confirms it
(issue 17, part 2): on the submit page, through ``customer_profile_update`` (audited)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import Application, ApplicationStatus
from openjobcenter.applications.services import application_start
from openjobcenter.core import audit_buffer
from openjobcenter.core.models import AuditEntry
from tests.applications.customer_data import enable, fill_all

pytestmark = pytest.mark.django_db

CHECKBOX = 'name="save_address"'


@pytest.fixture
def app(customer: CustomerProfile) -> Application:
    enable(customer.jobcenter)
    return application_start(request=None, customer=customer, kind="initial")


def submit_url(app: Application) -> str:
    return reverse("customer:application_submit", kwargs={"jc": app.jobcenter.slug, "pk": app.pk})


def profile_audits(customer: CustomerProfile) -> int:
    audit_buffer.flush()  # the customer's own reads are written in bulk
    return AuditEntry.objects.filter(object_type="customer_profile", object_id=customer.pk).count()


def _address(customer: CustomerProfile) -> tuple[str, str, str]:
    customer.refresh_from_db()
    return (customer.street, customer.postcode, customer.city)


def test_without_confirmation_the_profile_stays_unchanged(
    customer_client: Client, app: Application, customer: CustomerProfile
) -> None:
    fill_all(customer_client, app)
    page = customer_client.get(submit_url(app)).content.decode()
    # The profile has no street yet: the offer is shown, ticked by default.
    assert "Diese Anschrift auch in Ihrem Profil speichern" in page
    assert 'name="save_address" value="1" checked' in page
    before = _address(customer)
    audits = profile_audits(customer)
    response = customer_client.post(submit_url(app), {"idempotency_key": "k1"})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == ApplicationStatus.RECEIVED
    assert _address(customer) == before == ("", "", "Fulda")
    assert profile_audits(customer) == audits


def test_confirmed_address_goes_to_the_profile_audited(
    customer_client: Client, app: Application, customer: CustomerProfile
) -> None:
    fill_all(customer_client, app)
    audits = profile_audits(customer)
    response = customer_client.post(submit_url(app), {"idempotency_key": "k1", "save_address": "1"})
    assert response.status_code == 302
    assert _address(customer) == ("Hauptstraße 1", "36037", "Fulda")
    entry = AuditEntry.objects.filter(object_type="customer_profile", object_id=customer.pk).last()
    assert entry is not None
    assert profile_audits(customer) == audits + 1
    assert "street" in entry.detail
    assert "postcode" in entry.detail
    # A second click changes nothing twice.
    customer_client.post(submit_url(app), {"idempotency_key": "k1", "save_address": "1"})
    assert profile_audits(customer) == audits + 1


def test_existing_profile_address_is_not_preticked(
    customer_client: Client, customer: CustomerProfile
) -> None:
    customer.street = "Alte Gasse 2"
    customer.postcode = "36041"
    customer.save()
    enable(customer.jobcenter)
    app = application_start(request=None, customer=customer, kind="initial")
    # The filing step starts with the profile's address; the customer moved since.
    fill_all(customer_client, app)
    page = customer_client.get(submit_url(app)).content.decode()
    assert CHECKBOX in page
    assert 'name="save_address" value="1" checked' not in page
    assert "eine andere Anschrift als in Ihrem Profil" in page
    customer_client.post(submit_url(app), {"idempotency_key": "k2"})
    assert _address(customer) == ("Alte Gasse 2", "36041", "Fulda")


def test_same_address_offers_nothing(
    customer_client: Client, customer: CustomerProfile, app: Application
) -> None:
    customer.street, customer.postcode = "Hauptstraße 1", "36037"
    customer.save()
    fill_all(customer_client, app)
    page = customer_client.get(submit_url(app)).content.decode()
    assert CHECKBOX not in page
