"""Video appointments: the provider registry, Jitsi tokens, the join page and its window."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
import time_machine
from django.test import Client

from openjobcenter.accounts.models import CustomerProfile, Role, User
from openjobcenter.appointments import video
from openjobcenter.appointments.models import Appointment, AppointmentType, Status
from openjobcenter.core.models import AuditEntry
from tests.conftest import login_with_mfa

# Monday 2 March 2026, 09:00 in Berlin (CET, UTC+1).
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SECRET = "jitsi-test-secret-0123456789abcdef"
JITSI = {
    "provider": "jitsi",
    "jitsi_url": "https://meet.example.org",
    "jitsi_app_id": "ojc",
    "jitsi_secret": SECRET,
}


def make_appointment(
    customer: CustomerProfile,
    staff: User,
    appt_type: AppointmentType,
    starts_at: datetime = START,
    *,
    channel: str = "video",
    status: str = Status.BOOKED,
) -> Appointment:
    return Appointment.objects.create(
        jobcenter=customer.jobcenter,
        type=appt_type,
        customer=customer,
        staff=staff,
        channel=channel,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=appt_type.duration_min),
        status=status,
    )


@pytest.fixture
def appointment(
    customer: CustomerProfile, advisor: User, appt_type: AppointmentType
) -> Appointment:
    return make_appointment(customer, advisor, appt_type)


def customer_url(appointment: Appointment) -> str:
    return f"/fulda/mein-bereich/termine/{appointment.pk}/video/"


def staff_url(appointment: Appointment) -> str:
    return f"/fulda/staff/termine/{appointment.pk}/video/"


# --- registry -----------------------------------------------------------------------------


def test_registry_knows_the_three_providers_and_refuses_unknown_ones(settings: Any) -> None:
    assert {"builtin", "jitsi", "link"} <= set(video.provider_keys())
    settings.VIDEO = {}
    assert isinstance(video.get_provider(), video.BuiltinProvider)  # the demo default
    with pytest.raises(LookupError, match="nope"):
        video.get_provider("nope")


def test_registering_a_provider_makes_it_available(settings: Any, appointment: Appointment) -> None:
    class EchoProvider(video.VideoProvider):
        key = "echo-test"
        label = "Echo"

        @classmethod
        def from_config(cls, config: Mapping[str, Any]) -> EchoProvider:
            return cls()

        def join(self, request: video.JoinRequest) -> video.JoinInfo:
            start, end = video.room_window(request.appointment)
            return video.JoinInfo(
                f"echo:{request.appointment.video_room}", self.key, start, end, False
            )

    video.register(EchoProvider)
    try:
        with pytest.raises(ValueError, match="registered twice"):
            video.register(type("Other", (EchoProvider,), {}))
        settings.VIDEO = {"provider": "echo-test"}
        provider = video.provider_for(appointment)
        info = provider.join(video.JoinRequest(appointment, appointment.staff, True))
        assert info.url == f"echo:{appointment.video_room}"
        assert info.valid_from == START - timedelta(minutes=10)
    finally:
        video._registry.pop("echo-test")


def test_job_centre_can_have_its_own_provider(
    settings: Any, appointment: Appointment, jc_b: Any
) -> None:
    settings.VIDEO = {"provider": "builtin", "jobcenters": {"fulda": JITSI}}
    assert isinstance(video.provider_for(appointment), video.JitsiProvider)
    assert isinstance(video.get_provider(jobcenter=jc_b), video.BuiltinProvider)


def test_bad_configuration_is_refused_with_the_key_named() -> None:
    with pytest.raises(ValueError, match="jitsi_secret"):
        video.JitsiProvider.from_config({"jitsi_url": "https://meet.example.org"})
    with pytest.raises(ValueError, match="jitsi_url"):
        video.JitsiProvider.from_config({"jitsi_url": "meet.example.org", "jitsi_secret": "x"})
    with pytest.raises(ValueError, match="link_pattern"):
        video.LinkProvider.from_config({"link_pattern": "https://conf.example.org/"})
    with pytest.raises(ValueError, match="ice_servers"):
        video.BuiltinProvider.from_config({"ice_servers": ["http://stun.example.org"]})


# --- jitsi --------------------------------------------------------------------------------


def _decode(token: str) -> dict[str, Any]:
    # Decoded as Jitsi's Prosody would, but at any time (nbf and exp are checked by value).
    return jwt.decode(
        token,
        SECRET,
        algorithms=["HS256"],
        audience="jitsi",
        options={"verify_nbf": False, "verify_exp": False},
    )


def test_jitsi_token_is_bound_to_room_and_time_and_names_nobody(
    appointment: Appointment, customer: CustomerProfile, advisor: User
) -> None:
    provider = video.JitsiProvider.from_config(JITSI)
    staff_info = provider.join(video.JoinRequest(appointment, advisor, is_staff=True))
    customer_info = provider.join(video.JoinRequest(appointment, customer.user, is_staff=False))
    assert staff_info.provider == "jitsi"
    assert staff_info.embed is False
    room = appointment.video_room.lower()
    assert staff_info.url.startswith(f"https://meet.example.org/{room}?jwt=")

    staff_claims = _decode(staff_info.url.split("jwt=", 1)[1])
    customer_claims = _decode(customer_info.url.split("jwt=", 1)[1])
    for claims in (staff_claims, customer_claims):
        assert claims["room"] == room
        assert claims["iss"] == "ojc"
        assert claims["sub"] == "meet.example.org"
        assert claims["nbf"] == int((START - timedelta(minutes=10)).timestamp())
        assert claims["exp"] == int((START + timedelta(minutes=30 + 30)).timestamp())
        assert claims["context"]["features"]["lobby"] is True
        assert claims["context"]["features"]["recording"] is False
    assert staff_claims["moderator"] is True
    assert staff_claims["context"]["user"] == {
        "name": "Jobcenter",
        "moderator": True,
        "affiliation": "owner",
    }
    assert customer_claims["moderator"] is False
    assert customer_claims["context"]["user"] == {
        "name": "Gast",
        "moderator": False,
        "affiliation": "member",
    }

    # No personal data in link or token.
    everything = staff_info.url + customer_info.url + str(staff_claims) + str(customer_claims)
    for personal in (
        customer.user.email,
        customer.user.last_name,
        advisor.email,
        advisor.last_name,
        "A-1001",
    ):
        assert personal not in everything


def test_jitsi_token_is_refused_outside_its_window(appointment: Appointment, advisor: User) -> None:
    provider = video.JitsiProvider.from_config(JITSI)
    with time_machine.travel(START - timedelta(minutes=12), tick=False):
        token = provider.token(video.JoinRequest(appointment, advisor, is_staff=True))
    with (
        time_machine.travel(START - timedelta(minutes=11), tick=False),
        pytest.raises(jwt.ImmatureSignatureError),
    ):
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi")
    with time_machine.travel(START + timedelta(minutes=5), tick=False):
        assert jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi")["room"]
    with (
        time_machine.travel(START + timedelta(minutes=61), tick=False),
        pytest.raises(jwt.ExpiredSignatureError),
    ):
        jwt.decode(token, SECRET, algorithms=["HS256"], audience="jitsi")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(
            token, "another-secret-0123456789abcdefghij", algorithms=["HS256"], audience="jitsi"
        )


def test_room_names_are_unguessable_and_distinct(
    appointment: Appointment, customer: Any, advisor: User, appt_type: Any
) -> None:
    other = make_appointment(customer, advisor, appt_type, START + timedelta(hours=1))
    assert appointment.video_room != other.video_room
    assert re.fullmatch(r"[A-Za-z0-9_-]{24}", appointment.video_room)


# --- link and builtin ----------------------------------------------------------------------


def test_link_provider_fills_the_pattern(appointment: Appointment, advisor: User) -> None:
    provider = video.LinkProvider.from_config(
        {"link_pattern": "https://conf.example.org/r/{room}?lang=de"}
    )
    info = provider.join(video.JoinRequest(appointment, advisor, is_staff=True))
    assert info.url == f"https://conf.example.org/r/{appointment.video_room}?lang=de"
    assert (info.provider, info.embed) == ("link", False)


def test_builtin_provider_points_to_the_own_page_and_gives_turn_credentials(
    appointment: Appointment, customer: CustomerProfile, advisor: User
) -> None:
    provider = video.BuiltinProvider.from_config({})
    assert provider.ice_servers(user_id=1, until=START) == []  # host candidates only
    info = provider.join(video.JoinRequest(appointment, customer.user, is_staff=False))
    assert (info.url, info.embed) == (customer_url(appointment), True)
    assert provider.join(video.JoinRequest(appointment, advisor, is_staff=True)).url == staff_url(
        appointment
    )

    provider = video.BuiltinProvider.from_config(
        {
            "ice_servers": ["stun:turn.example.org:3478", "turn:turn.example.org:3478"],
            "turn_secret": "s3cret",
        }
    )
    stun, turn = provider.ice_servers(user_id=7, until=START)
    assert stun.as_json() == {"urls": "stun:turn.example.org:3478"}
    assert turn.username == f"{int(START.timestamp())}:ojc7"
    expected = base64.b64encode(
        hmac.new(b"s3cret", turn.username.encode(), hashlib.sha1).digest()
    ).decode()
    assert turn.credential == expected


# --- join window and page ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "state"),
    [
        (timedelta(minutes=-11), "early"),
        (timedelta(minutes=-10), "open"),
        (timedelta(minutes=29), "open"),
        (timedelta(minutes=30), "over"),
    ],
)
def test_join_state_around_the_appointment(
    appointment: Appointment, offset: timedelta, state: str
) -> None:
    assert video.join_state(appointment, START + offset) == state


def test_cancelled_appointment_cannot_be_joined(appointment: Appointment) -> None:
    appointment.status = Status.CANCELLED
    assert video.join_state(appointment, START) == "cancelled"


@pytest.fixture
def frozen_open() -> Iterator[None]:
    with time_machine.travel(START - timedelta(minutes=5), tick=False):
        yield


def test_customer_page_before_the_window_says_when(
    client: Client, customer: CustomerProfile, appointment: Appointment
) -> None:
    client.force_login(customer.user)
    with time_machine.travel(START - timedelta(hours=2), tick=False):
        response = client.get(customer_url(appointment))
    assert response.status_code == 200
    text = response.content.decode()
    assert "ab 08:50 Uhr am 2. März 2026" in text  # Berlin time, 10 minutes early
    assert "data-video-call" not in text
    assert not AuditEntry.objects.filter(detail__startswith="video join").exists()


def test_customer_page_in_the_window_hosts_the_call_and_is_audited(
    client: Client, customer: CustomerProfile, appointment: Appointment, frozen_open: None
) -> None:
    client.force_login(customer.user)
    response = client.get(customer_url(appointment))
    assert response.status_code == 200
    text = response.content.decode()
    assert f'data-ws-path="/ws/video/{appointment.video_room}/"' in text
    assert 'data-role="customer"' in text
    assert 'aria-live="polite"' in text
    assert "appointments/video_call.js" in text
    # CSP: no inline script or style.
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text)
    assert " style=" not in text
    entry = AuditEntry.objects.get(detail__startswith="video join")
    assert entry.detail == "video join (builtin, customer)"
    assert entry.actor == customer.user
    assert entry.object_id == str(appointment.pk)


def test_page_after_the_end_says_it_is_over(
    client: Client, customer: CustomerProfile, appointment: Appointment
) -> None:
    client.force_login(customer.user)
    with time_machine.travel(START + timedelta(minutes=31), tick=False):
        response = client.get(customer_url(appointment))
    assert "Dieser Termin ist vorbei." in response.content.decode()


def test_staff_page_with_jitsi_shows_the_link(
    client: Client, settings: Any, advisor: User, appointment: Appointment, frozen_open: None
) -> None:
    settings.VIDEO = JITSI
    login_with_mfa(client, advisor)
    response = client.get(staff_url(appointment))
    assert response.status_code == 200
    link = re.search(r'href="(https://meet\.example\.org/[^"]+)"', response.content.decode())
    assert link is not None
    token = link.group(1).split("jwt=", 1)[1]
    assert _decode(token)["moderator"] is True
    assert AuditEntry.objects.filter(detail="video join (jitsi, staff)", actor=advisor).exists()


def test_outsiders_get_404(
    client: Client,
    customer2: CustomerProfile,
    customer_b: CustomerProfile,
    staff_b: dict[Role, User],
    appointment: Appointment,
    frozen_open: None,
) -> None:
    client.force_login(customer2.user)
    assert client.get(customer_url(appointment)).status_code == 404
    client.force_login(customer_b.user)
    assert client.get(customer_url(appointment)).status_code == 404
    login_with_mfa(client, staff_b[Role.JOB_ADVISOR])
    assert client.get(staff_url(appointment)).status_code == 404
    assert client.get(f"/fulda/staff/termine/{appointment.pk + 1000}/video/").status_code == 404


def test_colleagues_without_the_appointment_get_403(
    client: Client, staff_a: dict[Role, User], appointment: Appointment, frozen_open: None
) -> None:
    login_with_mfa(client, staff_a[Role.CASEWORKER])
    assert client.get(staff_url(appointment)).status_code == 403
    login_with_mfa(client, staff_a[Role.RECEPTION])
    assert client.get(staff_url(appointment)).status_code == 403


def test_assigned_staff_member_gets_the_call(
    client: Client, advisor: User, appointment: Appointment, frozen_open: None
) -> None:
    login_with_mfa(client, advisor)
    response = client.get(staff_url(appointment))
    assert response.status_code == 200
    assert 'data-role="staff"' in response.content.decode()
    assert "Kunde" in response.content.decode()  # the customer's name, for staff


def test_not_a_video_appointment_is_404(
    client: Client,
    customer: CustomerProfile,
    advisor: User,
    appt_type: AppointmentType,
    frozen_open: None,
) -> None:
    phone = make_appointment(
        customer, advisor, appt_type, START + timedelta(hours=1), channel="phone"
    )
    client.force_login(customer.user)
    assert client.get(customer_url(phone)).status_code == 404


def test_module_switched_off_is_404(
    client: Client, customer: CustomerProfile, appointment: Appointment
) -> None:
    jobcenter = customer.jobcenter
    jobcenter.enabled_modules = [m for m in jobcenter.enabled_modules if m != "appointments"]
    jobcenter.save()
    client.force_login(customer.user)
    assert client.get(customer_url(appointment)).status_code == 404


def test_strangers_are_sent_to_the_login(client: Client, appointment: Appointment) -> None:
    response = client.get(customer_url(appointment))
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]
