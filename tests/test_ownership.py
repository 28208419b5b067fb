"""Every staff and customer endpoint refuses outsiders (DESIGN §4.7): 404, not 403,
so an outsider cannot even learn that the object exists."""

from __future__ import annotations

import pytest
from django.test import Client

from openjobcenter.accounts.models import Role, StaffMembership
from openjobcenter.tenants.models import Office

from .conftest import login_with_mfa

# (method, path template); {customer}, {membership}, {office} are job centre A's objects.
STAFF_ENDPOINTS = [
    ("get", "/fulda/staff/"),
    ("get", "/fulda/staff/kunden/"),
    ("get", "/fulda/staff/kunden/{customer}/"),
    ("post", "/fulda/staff/kunden/{customer}/"),
    ("get", "/fulda/staff/team/"),
    ("post", "/fulda/staff/team/"),
    ("post", "/fulda/staff/team/{membership}/entfernen/"),
    ("get", "/fulda/staff/standorte/"),
    ("get", "/fulda/staff/standorte/neu/"),
    ("get", "/fulda/staff/standorte/{office}/"),
    ("post", "/fulda/staff/standorte/{office}/loeschen/"),
    ("get", "/fulda/staff/einstellungen/branding/"),
    ("post", "/fulda/staff/einstellungen/legal/"),
    ("get", "/fulda/staff/einstellungen/modules/"),
    ("get", "/fulda/staff/protokoll/"),
]
OBJECT_ENDPOINTS = [(m, p) for m, p in STAFF_ENDPOINTS if "{" in p]
CUSTOMER_ENDPOINTS = [
    ("get", "/fulda/mein-bereich/"),
    ("get", "/fulda/mein-bereich/profil/"),
    ("post", "/fulda/mein-bereich/profil/"),
]


@pytest.fixture
def objects(jc_a, customer, staff_a):
    office = Office.objects.filter(jobcenter=jc_a).first()
    assert office is not None
    membership = StaffMembership.objects.get(user=staff_a[Role.CASEWORKER])
    return {"customer": customer.pk, "membership": membership.pk, "office": office.pk}


def _call(client: Client, method: str, path: str):
    return getattr(client, method)(path)


@pytest.mark.parametrize(("method", "path"), STAFF_ENDPOINTS)
def test_staff_endpoints_refuse_other_job_centres_staff(
    client, objects, staff_b, method, path
) -> None:
    login_with_mfa(client, staff_b[Role.ADMIN])
    assert _call(client, method, path.format(**objects)).status_code == 404


@pytest.mark.parametrize(("method", "path"), STAFF_ENDPOINTS)
def test_staff_endpoints_refuse_customers(client, objects, customer2, method, path) -> None:
    client.force_login(customer2.user)
    assert _call(client, method, path.format(**objects)).status_code == 404


@pytest.mark.parametrize(("method", "path"), STAFF_ENDPOINTS)
def test_staff_endpoints_send_strangers_to_login(client, objects, method, path) -> None:
    response = _call(client, method, path.format(**objects))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


@pytest.mark.parametrize(("method", "path"), OBJECT_ENDPOINTS)
def test_staff_endpoints_refuse_objects_of_another_job_centre(
    client, staff_a, customer_b, jc_b, method, path
) -> None:
    # Staff of A asking for B's objects through A's URLs: 404.
    office_b = Office.objects.create(
        jobcenter=jc_b, name="B", street="x", postcode="65183", city="Wiesbaden"
    )
    admin_b = StaffMembership.objects.create(
        user=customer_b.user, jobcenter=jc_b, role=Role.RECEPTION
    )
    login_with_mfa(client, staff_a[Role.ADMIN])
    url = path.format(customer=customer_b.pk, membership=admin_b.pk, office=office_b.pk)
    assert _call(client, method, url).status_code == 404


@pytest.mark.parametrize(("method", "path"), CUSTOMER_ENDPOINTS)
def test_customer_endpoints_refuse_customers_of_other_job_centres(
    client, customer, customer_b, method, path
) -> None:
    client.force_login(customer_b.user)
    assert _call(client, method, path).status_code == 404


@pytest.mark.parametrize(("method", "path"), CUSTOMER_ENDPOINTS)
def test_customer_endpoints_refuse_staff(client, staff_a, method, path) -> None:
    login_with_mfa(client, staff_a[Role.ADMIN])
    assert _call(client, method, path).status_code == 404


@pytest.mark.parametrize(("method", "path"), CUSTOMER_ENDPOINTS)
def test_customer_endpoints_send_strangers_to_login(client, jc_a, method, path) -> None:
    response = _call(client, method, path)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/")


def test_customer_sees_only_own_data(client, customer, customer2) -> None:
    client.force_login(customer2.user)
    html = client.get("/fulda/mein-bereich/profil/").content.decode()
    assert "A-1002" in html
    assert "A-1001" not in html
