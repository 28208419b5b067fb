"""Issue 18 part 9: a refusal says so in plain words, names who may, links back to the
person's start page, and is logged as one line without a stack trace."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.core.access import MissingPermission, Perm
from openjobcenter.core.logging import JsonFormatter
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.web.views import permission_denied

pytestmark = pytest.mark.django_db


def test_staff_without_the_role_get_a_plain_page_naming_who_may(
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = staff_client(staff_a[Role.JOB_ADVISOR])
    caplog.set_level(logging.INFO)
    # The pre-calculation: a permission of the benefits roles (the applications pages
    # answer a job advisor with the need-to-know page instead, tests/test_need_to_know.py).
    response = client.get("/fulda/staff/vorabberechnung/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Dafür fehlt Ihnen die Berechtigung" in page
    assert "Das dürfen: Leistungssachbearbeitung, Teamleitung, Jobcenter-Administration." in page
    assert 'href="/fulda/staff/"' in page  # back to their start page
    refusals = [r for r in caplog.records if r.name == "django.request"]
    assert len(refusals) == 1
    assert refusals[0].levelno == logging.WARNING
    assert refusals[0].exc_info is None and refusals[0].exc_text is None
    line = JsonFormatter().format(refusals[0])
    assert "\n" not in line and "Traceback" not in line
    assert json.loads(line)["status_code"] == 403


def test_a_refused_write_names_the_role_and_changes_nothing(
    staff_a: dict[Role, User],
    staff_client: Callable[[User], Client],
    customer: CustomerProfile,
) -> None:
    client = staff_client(staff_a[Role.JOB_ADVISOR])
    response = client.post(f"/fulda/staff/kunden/{customer.pk}/", {"customer_number": "A-9999"})
    assert response.status_code == 403
    assert "Empfang, Leistungssachbearbeitung" in response.content.decode()
    customer.refresh_from_db()
    assert customer.customer_number == "A-1001"


def test_customers_and_strangers_are_sent_to_their_own_start(
    jc_a: Jobcenter, customer: CustomerProfile
) -> None:
    request = RequestFactory().get("/fulda/irgendwas/")
    request.jobcenter = jc_a  # type: ignore[attr-defined]
    request.user = customer.user
    page = permission_denied(request, MissingPermission(Perm.STAFF_MANAGE)).content.decode()
    assert 'href="/fulda/mein-bereich/"' in page
    assert "Das dürfen" not in page  # roles are staff business
    request.user = AnonymousUser()
    assert 'href="/"' in permission_denied(request).content.decode()


def test_the_api_keeps_its_json_refusal(customer: CustomerProfile) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer.user)
    response = client.patch(
        "/api/v1/me", data=json.dumps({"city": "X"}), content_type="application/json"
    )
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
