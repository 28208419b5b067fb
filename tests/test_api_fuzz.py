"""Schemathesis over the whole API, in-process through Django's WSGI handler.

Every operation of the OpenAPI document, a few generated requests each (derandomized, so
every run sends the same ones), each sent three times: without credentials, with a
customer's bearer token, and with a staff member's session (second factor used) plus CSRF
token, with Django's CSRF checks on as in production. Checked: no server error, and the
status code, content type and body are what the document says.

Path parameters that name something (the job centre, an application, a conversation, ...)
are set to things that exist, so requests get past the 404 into the operations; query and
body stay generated. Bounded: ``MAX_EXAMPLES`` per operation keeps both CI passes fast.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from ninja.responses import NinjaJSONEncoder
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.accounts.services import api_token_create
from openjobcenter.api.urls import api
from openjobcenter.appointments.models import AppointmentType
from openjobcenter.messaging import services as messaging
from openjobcenter.messaging.models import Topic
from openjobcenter.postbox import backoffice
from openjobcenter.tenants.models import Jobcenter
from openjobcenter.tenants.modules import all_modules
from tests.applications.staff_data import make_application
from tests.conftest import login_with_mfa

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 2
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema(), cls=NinjaJSONEncoder))
)
# In-process: the requests go through the full middleware stack, no server needed.
schema.app = WSGIHandler()


@contextmanager
def _test_transaction_kept() -> Iterator[None]:
    """The WSGI handler closes "old" connections at each request's start and end, which
    would end the test's transaction (on PostgreSQL: the connection goes back to the pool);
    Django's test client disconnects the same receiver around its requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(
    jc_a: Jobcenter,
    customer: CustomerProfile,
    staff_a: dict[Role, User],
    appt_type: AppointmentType,
) -> dict[str, Any]:
    """Fulda with every module on; a customer with applications and a conversation."""
    jc_a.enabled_modules = [m.key for m in all_modules()]
    jc_a.save()
    messaging.topics_ensure_defaults(jobcenter=jc_a)
    draft = make_application(customer, status="draft")
    submitted = make_application(customer)
    conversation = messaging.conversation_start(
        customer=customer,
        author=customer.user,
        data=messaging.StartRequest(
            subject="Frage zum Bescheid",
            body="Hallo, ich habe eine Frage.",
            topic=Topic.objects.filter(jobcenter=jc_a).first(),
        ),
    )
    _token, key = api_token_create(user=customer.user, name="Fuzzer")
    _bo, backoffice_key = backoffice.token_create(
        request=None, jobcenter=jc_a, actor=staff_a[Role.ADMIN], name="Fuzzer"
    )
    staff = login_with_mfa(Client(), staff_a[Role.ADMIN])
    page = staff.get("/")
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert found
    return {
        "customer_headers": {"Authorization": f"Bearer {key}"},
        "backoffice_headers": {"Authorization": f"Bearer {backoffice_key}"},
        "staff_headers": {"X-CSRFToken": found.group(1).decode()},
        "staff_cookies": {name: morsel.value for name, morsel in staff.cookies.items()},
        "ids": {
            "jc": jc_a.slug,
            "slug": jc_a.slug,
            "type_id": appt_type.pk,
            "key": "initial",
            "step_key": "filing",
            "customer_number": customer.customer_number,
        },
        "draft": draft.pk,
        "submitted": submitted.pk,
        "conversation": conversation.pk,
    }


def _point_at_existing(case: Any, world: dict[str, Any]) -> None:
    params = case.path_parameters or {}
    for name in params:
        if name in world["ids"]:
            params[name] = world["ids"][name]
    path = case.operation.path
    if "application_id" in params:
        params["application_id"] = world["submitted" if "/staff/" in path else "draft"]
    if "pk" in params and "/messaging/" in path:
        params["pk"] = world["conversation"]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    # The explicit phase runs schemathesis' coverage cases (boundary values of each
    # parameter's schema, e.g. a time with a zone offset, which found a 500); generate adds
    # MAX_EXAMPLES random ones.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz(case: Any, world: dict[str, Any]) -> None:
    _point_at_existing(case, world)
    with _test_transaction_kept():
        if not case.operation.definition.raw.get("security"):
            case.call_and_validate(checks=CHECKS)  # public; refusals without login: ownership
        as_customer = case.call_and_validate(checks=CHECKS, headers=world["customer_headers"])
        as_staff = case.call_and_validate(
            checks=CHECKS, headers=world["staff_headers"], cookies=world["staff_cookies"]
        )
        if "/backoffice/" in case.operation.path:
            # The back-office system's own credential (postbox.backoffice), no person's:
            # customers and staff are refused (401, documented); the machine token works.
            # (set on the case: schemathesis drops an Authorization passed beside it here)
            case.headers = {**(case.headers or {}), **world["backoffice_headers"]}
            as_machine = case.call_and_validate(checks=CHECKS)
            assert as_machine.status_code != 401, as_machine.content
            return
    # Refusals are documented, so the checks alone would pass if the credentials stopped
    # working: every operation takes the token (customers) or the session (staff), and the
    # staff session's CSRF token is accepted.
    assert (as_customer.status_code, as_staff.status_code) != (401, 401)
    assert b"CSRF check Failed" not in as_staff.content
