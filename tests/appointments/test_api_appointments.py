"""The appointments API: customers (session or token) and staff (session with second factor)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.accounts.services import api_token_create
from openjobcenter.appointments import services
from openjobcenter.appointments.models import Appointment, AppointmentType, Status
from openjobcenter.core.models import AuditEntry
from openjobcenter.tenants.models import Jobcenter, Office
from tests.conftest import login_with_mfa

# Monday 2 March 2026, 07:00 in Berlin. With 12 hours' notice the first free slot is
# Tuesday 08:00 Berlin = 07:00 UTC.
NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
TUESDAY_8 = "2026-03-03T07:00:00Z"
BASE = "/api/v1/appointments/fulda"


@pytest.fixture(autouse=True)
def _frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def customer_api(
    client: Client, customer: CustomerProfile, advisor: User, appt_type: AppointmentType
) -> Client:
    client.force_login(customer.user)
    return client


def book(
    client: Client,
    appt_type: AppointmentType,
    advisor: User,
    starts_at: str = TUESDAY_8,
    **extra: Any,
) -> Any:
    body = {
        "type_id": appt_type.pk,
        "staff_id": advisor.pk,
        "starts_at": starts_at,
        "channel": "video",
        **extra,
    }
    return client.post(f"{BASE}/appointments", body, content_type="application/json")


def field_of(response: Any) -> str:
    return str(response.json()["detail"][0]["loc"][-1])


def test_openapi_documents_the_endpoints(client: Client, db: None) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    paths = set(spec["paths"])
    for path in (
        "/api/v1/appointments/{jc}/types/{type_id}/slots",
        "/api/v1/appointments/{jc}/appointments",
        "/api/v1/appointments/{jc}/appointments/{pk}/cancel",
        "/api/v1/appointments/{jc}/appointments/{pk}/reschedule-request",
        "/api/v1/appointments/{jc}/appointments/{pk}/confirm",
        "/api/v1/appointments/{jc}/appointments/{pk}/video",
        "/api/v1/appointments/{jc}/staff/calendar",
        "/api/v1/appointments/{jc}/staff/invitations",
        "/api/v1/appointments/{jc}/staff/appointments/{pk}/check-in",
    ):
        assert path in paths
    book_op = spec["paths"]["/api/v1/appointments/{jc}/appointments"]["post"]
    assert book_op["tags"] == ["appointments"]
    assert {"201", "409", "422"} <= set(book_op["responses"])


# --- customers: slots and booking ----------------------------------------------------------


def test_types_and_free_slots(
    customer_api: Client, appt_type: AppointmentType, advisor: User
) -> None:
    types = customer_api.get(f"{BASE}/types").json()
    assert [t["id"] for t in types] == [appt_type.pk]
    assert types[0]["channels"] == ["in_person", "phone", "video"]
    slots = customer_api.get(
        f"{BASE}/types/{appt_type.pk}/slots", {"von": "2026-03-03", "bis": "2026-03-03"}
    ).json()
    assert len(slots) == 8  # 08:00 to 12:00, 30 minutes each
    assert slots[0]["starts_at"] == TUESDAY_8
    assert slots[-1]["starts_at"] == "2026-03-03T10:30:00Z"
    assert {s["staff_id"] for s in slots} == {advisor.pk}
    # Without a range: everything within the horizon of 8 weeks.
    assert len(customer_api.get(f"{BASE}/types/{appt_type.pk}/slots").json()) > 200


def test_slot_range_errors_name_the_field(customer_api: Client, appt_type: AppointmentType) -> None:
    response = customer_api.get(
        f"{BASE}/types/{appt_type.pk}/slots", {"von": "2026-03-05", "bis": "2026-03-04"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "bis"]
    response = customer_api.get(f"{BASE}/types/{appt_type.pk}/slots", {"von": "morgen"})
    assert response.status_code == 422
    assert field_of(response) == "von"


def test_booking_and_a_taken_slot(
    customer_api: Client, customer2: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    response = book(customer_api, appt_type, advisor)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["channel"], created["starts_at"]) == (
        "booked",
        "video",
        TUESDAY_8,
    )
    assert created["staff_name"] == advisor.display_name

    customer2.advisor = advisor
    customer2.save(update_fields=["advisor"])
    other = Client()
    other.force_login(customer2.user)
    response = book(other, appt_type, advisor)
    assert response.status_code == 409
    body = response.json()
    assert body["detail"].startswith("Dieser Termin ist gerade vergeben worden")
    assert body["alternatives"][0]["starts_at"] == "2026-03-03T07:30:00Z"
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"starts_at": "2026-03-01T08:00:00Z"}, 422, "starts_at"),  # in the past
        ({"starts_at": "2026-03-02T08:00:00Z"}, 422, "starts_at"),  # within the notice period
        ({"starts_at": "2026-06-01T07:00:00Z"}, 422, "starts_at"),  # beyond the horizon
        ({"starts_at": "2026-03-03T08:00:00"}, 422, "starts_at"),  # no time zone
        ({"channel": "fax"}, 422, "channel"),
        ({"colour": "blue"}, 422, "colour"),  # unknown fields are refused
        # A time in range that is not offered: the service treats it as taken and
        # offers the next free slots.
        ({"starts_at": "2026-03-03T07:10:00Z"}, 409, None),
    ],
)
def test_bad_bookings_are_refused_naming_the_field(
    customer_api: Client,
    appt_type: AppointmentType,
    advisor: User,
    change: dict[str, str],
    status: int,
    field: str | None,
) -> None:
    response = book(customer_api, appt_type, advisor, **change)
    assert response.status_code == status, response.content
    if field is not None:
        assert field_of(response) == field
    else:
        assert response.json()["alternatives"][0]["starts_at"] == "2026-03-03T07:30:00Z"
    assert not Appointment.objects.exists()


def test_types_the_customer_may_not_book(
    customer_api: Client, appt_type: AppointmentType, advisor: User, jc_b: Jobcenter
) -> None:
    appt_type.channels = ["in_person"]
    appt_type.save()
    response = book(customer_api, appt_type, advisor)
    assert (response.status_code, field_of(response)) == (422, "channel")
    appt_type.self_bookable = False
    appt_type.save()
    response = book(customer_api, appt_type, advisor, channel="in_person")
    assert (response.status_code, field_of(response)) == (422, "type_id")
    assert customer_api.get(f"{BASE}/types/{appt_type.pk}/slots").status_code == 404
    other_type = AppointmentType.objects.create(
        jobcenter=jc_b, name="Wiesbaden", channels=["video"]
    )
    assert book(customer_api, other_type, advisor).status_code == 404
    assert not Appointment.objects.exists()


# --- customers: their appointments ---------------------------------------------------------


@pytest.fixture
def booked(customer_api: Client, appt_type: AppointmentType, advisor: User) -> dict[str, Any]:
    response = book(customer_api, appt_type, advisor)
    assert response.status_code == 201
    return dict(response.json())


def test_my_appointments_and_outsiders(
    customer_api: Client,
    booked: dict[str, Any],
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
) -> None:
    mine = customer_api.get(f"{BASE}/appointments").json()
    assert [a["id"] for a in mine] == [booked["id"]]
    assert customer_api.get(f"{BASE}/appointments/{booked['id']}").json()["type"] == booked["type"]

    other = Client()
    other.force_login(customer2.user)
    assert other.get(f"{BASE}/appointments").json() == []
    cancel = {"reason": "illness", "message": ""}
    for method, path, body in (
        ("get", f"{BASE}/appointments/{booked['id']}", None),
        ("get", f"{BASE}/appointments/{booked['id']}/video", None),
        ("post", f"{BASE}/appointments/{booked['id']}/cancel", cancel),
        ("post", f"{BASE}/appointments/{booked['id']}/reschedule-request", cancel),
        ("post", f"{BASE}/appointments/{booked['id']}/confirm", None),
    ):
        kwargs = {"content_type": "application/json", "data": body} if body else {}
        assert getattr(other, method)(path, **kwargs).status_code == 404, path
    # A customer of another job centre is nobody at this one.
    stranger = Client()
    stranger.force_login(customer_b.user)
    assert stranger.get(f"{BASE}/appointments").status_code == 404
    assert Appointment.objects.get().status == Status.BOOKED


def test_cancel_with_a_reason(customer_api: Client, booked: dict[str, Any]) -> None:
    url = f"{BASE}/appointments/{booked['id']}/cancel"
    response = customer_api.post(url, {"reason": "sick"}, content_type="application/json")
    assert (response.status_code, field_of(response)) == (422, "reason")
    response = customer_api.post(
        url, {"reason": "illness", "message": "x" * 1001}, content_type="application/json"
    )
    assert (response.status_code, field_of(response)) == (422, "message")
    assert Appointment.objects.get().status == Status.BOOKED

    response = customer_api.post(
        url, {"reason": "illness", "message": "Ich bin krank."}, content_type="application/json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["change_reason"]) == ("cancelled", "illness")
    # Cancelled is final.
    response = customer_api.post(url, {"reason": "illness"}, content_type="application/json")
    assert response.status_code == 409


def test_answering_an_invitation(
    customer_api: Client, customer: CustomerProfile, advisor: User, appt_type: AppointmentType
) -> None:
    def invite(hours: int) -> Appointment:
        return services.appointment_invite(
            request=None,
            actor=advisor,
            customer=customer,
            appt_type=appt_type,
            staff=advisor,
            starts_at=NOW + timedelta(days=2, hours=hours),
            channel="phone",
            office_id=None,
        )

    first, second = invite(2), invite(3)
    response = customer_api.post(f"{BASE}/appointments/{first.pk}/confirm")
    assert response.json()["status"] == "confirmed"
    assert customer_api.post(f"{BASE}/appointments/{first.pk}/confirm").status_code == 409

    response = customer_api.post(
        f"{BASE}/appointments/{second.pk}/reschedule-request",
        {"reason": "job_interview", "message": "Vorstellungsgespräch um 10 Uhr"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "change_requested"
    assert response.json()["legal_notice"].startswith("Wenn Sie ohne wichtigen Grund")


def test_video_link_opens_ten_minutes_before(
    customer_api: Client, booked: dict[str, Any], customer: CustomerProfile
) -> None:
    url = f"{BASE}/appointments/{booked['id']}/video"
    early = customer_api.get(url).json()
    assert (early["state"], early["url"], early["provider"]) == ("early", None, "builtin")
    assert early["opens_at"] == "2026-03-03T06:50:00Z"
    with time_machine.travel(datetime(2026, 3, 3, 6, 55, tzinfo=UTC), tick=False):
        customer_api.force_login(customer.user)
        now_open = customer_api.get(url).json()
    assert now_open["state"] == "open"
    assert now_open["url"] == f"http://testserver/fulda/mein-bereich/termine/{booked['id']}/video/"
    assert now_open["embed"] is True
    assert AuditEntry.objects.filter(detail="video join (builtin, customer)").count() == 1


def test_video_link_of_a_phone_appointment_is_404(
    customer_api: Client, appt_type: AppointmentType, advisor: User
) -> None:
    created = book(customer_api, appt_type, advisor, channel="phone").json()
    assert customer_api.get(f"{BASE}/appointments/{created['id']}/video").status_code == 404


def test_tokens_work_for_customers_only(
    booked: dict[str, Any], customer: CustomerProfile, advisor: User
) -> None:
    _token, key = api_token_create(user=customer.user, name="App")
    app = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert [a["id"] for a in app.get(f"{BASE}/appointments").json()] == [booked["id"]]
    _token, staff_key = api_token_create(user=advisor, name="Skript")
    script = Client(HTTP_AUTHORIZATION=f"Bearer {staff_key}")
    assert script.get(f"{BASE}/staff/calendar").status_code == 401


def test_session_writes_need_the_csrf_token(
    customer: CustomerProfile, appt_type: AppointmentType, advisor: User
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(customer.user)
    assert book(browser, appt_type, advisor).status_code == 403
    assert not Appointment.objects.exists()


def test_module_switched_off_is_404(customer_api: Client, jc_a: Jobcenter) -> None:
    jc_a.refresh_from_db()
    jc_a.enabled_modules = [m for m in jc_a.enabled_modules if m != "appointments"]
    jc_a.save()
    assert customer_api.get(f"{BASE}/appointments").status_code == 404


# --- staff --------------------------------------------------------------------------------


def test_staff_endpoints_need_a_session_with_the_second_factor(
    client: Client, advisor: User, booked: dict[str, Any]
) -> None:
    anonymous = Client()
    assert anonymous.get(f"{BASE}/staff/calendar").status_code == 401
    half = Client()
    half.force_login(advisor)
    assert half.get(f"{BASE}/staff/calendar").status_code == 401
    full = login_with_mfa(Client(), advisor)
    response = full.get(f"{BASE}/staff/calendar", {"tag": "2026-03-03"})
    assert response.status_code == 200
    (entry,) = response.json()
    assert (entry["id"], entry["customer_number"], entry["customer_name"]) == (
        booked["id"],
        "A-1001",
        "Karl Kunde",
    )
    assert AuditEntry.objects.filter(
        actor=advisor, action="read", detail__startswith="calendar"
    ).exists()
    assert full.get(f"{BASE}/staff/calendar", {"tag": "2026-03-04"}).json() == []
    assert len(full.get(f"{BASE}/staff/calendar", {"tag": "2026-03-02", "tage": "7"}).json()) == 1
    assert full.get(f"{BASE}/staff/calendar", {"tage": 8}).status_code == 422


def test_calendar_of_colleagues_and_other_job_centres(
    advisor: User, staff_a: dict[Role, User], staff_b: dict[Role, User], booked: dict[str, Any]
) -> None:
    query: dict[str, Any] = {"tag": "2026-03-03", "person": advisor.pk}
    caseworker = login_with_mfa(Client(), staff_a[Role.CASEWORKER])
    assert caseworker.get(f"{BASE}/staff/calendar", query).status_code == 403
    for role in (Role.TEAM_LEAD, Role.RECEPTION):
        colleague = login_with_mfa(Client(), staff_a[role])
        assert len(colleague.get(f"{BASE}/staff/calendar", query).json()) == 1
    lead = login_with_mfa(Client(), staff_a[Role.TEAM_LEAD])
    assert (
        lead.get(f"{BASE}/staff/calendar", {"person": staff_b[Role.JOB_ADVISOR].pk}).status_code
        == 404
    )
    outsider = login_with_mfa(Client(), staff_b[Role.TEAM_LEAD])
    assert outsider.get(f"{BASE}/staff/calendar", query).status_code == 404


def test_staff_invite(
    advisor: User,
    staff_a: dict[Role, User],
    customer: CustomerProfile,
    customer_b: CustomerProfile,
    appt_type: AppointmentType,
    jc_a: Jobcenter,
    jc_b: Jobcenter,
) -> None:
    office = Office.objects.filter(jobcenter=jc_a).first()
    assert office is not None
    body = {
        "customer_id": customer.pk,
        "type_id": appt_type.pk,
        "starts_at": "2026-03-04T09:00:00Z",
        "channel": "in_person",
        "office_id": office.pk,
        "note": "Bitte Lebenslauf mitbringen.",
    }
    staff = login_with_mfa(Client(), advisor)

    def invite(client: Client, **change: Any) -> Any:
        return client.post(
            f"{BASE}/staff/invitations", {**body, **change}, content_type="application/json"
        )

    response = invite(staff)
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["staff_id"]) == ("invited", advisor.pk)
    assert response.json()["office"]["name"] == office.name

    # Forged ids from elsewhere are 404; bad input names the field.
    other_office = Office.objects.create(
        jobcenter=jc_b, name="Wiesbaden Mitte", street="Weg 1", postcode="65183", city="Wiesbaden"
    )
    other_type = AppointmentType.objects.create(jobcenter=jc_b, name="Wiesbaden")
    assert invite(staff, customer_id=customer_b.pk).status_code == 404
    assert invite(staff, type_id=other_type.pk).status_code == 404
    assert invite(staff, office_id=other_office.pk).status_code == 404
    response = invite(staff, office_id=None)
    assert (response.status_code, field_of(response)) == (422, "office_id")
    response = invite(staff, starts_at="2026-03-01T09:00:00Z")
    assert (response.status_code, field_of(response)) == (422, "starts_at")
    # The same time again: the slot is taken.
    assert invite(staff).status_code == 409
    # Inviting for a colleague is the team lead's.
    lead = staff_a[Role.TEAM_LEAD]
    assert invite(staff, staff_id=lead.pk, starts_at="2026-03-05T09:00:00Z").status_code == 403
    response = invite(
        login_with_mfa(Client(), lead), staff_id=advisor.pk, starts_at="2026-03-05T09:00:00Z"
    )
    assert response.status_code == 201
    assert response.json()["staff_id"] == advisor.pk
    reception = login_with_mfa(Client(), staff_a[Role.RECEPTION])
    assert invite(reception, starts_at="2026-03-06T09:00:00Z").status_code == 403
    assert Appointment.objects.filter(status=Status.INVITED).count() == 2


def test_reception_checks_in(
    advisor: User, staff_a: dict[Role, User], staff_b: dict[Role, User], booked: dict[str, Any]
) -> None:
    url = f"{BASE}/staff/appointments/{booked['id']}/check-in"
    assert login_with_mfa(Client(), advisor).post(url).status_code == 403
    assert login_with_mfa(Client(), staff_b[Role.RECEPTION]).post(url).status_code == 404
    reception = login_with_mfa(Client(), staff_a[Role.RECEPTION])
    assert (
        reception.post(f"{BASE}/staff/appointments/{booked['id'] + 99}/check-in").status_code == 404
    )
    response = reception.post(url)
    assert response.status_code == 200
    assert response.json()["checked_in_at"] == "2026-03-02T06:00:00Z"
    assert Appointment.objects.get().checked_in_at is not None
