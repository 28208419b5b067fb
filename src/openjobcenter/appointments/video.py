"""Video providers (DESIGN §4.4): a registry of implementations behind one contract.

A provider turns "this person joins this appointment" (``JoinRequest``) into where and
when to join (``JoinInfo``). Three are built in:

- ``builtin``: a one-to-one WebRTC call in the browser; signalling runs over the
  platform's own WebSocket (``consumers.VideoSignalConsumer`` at ``/ws/video/<room>/``).
  It is the default because it needs nothing outside the machine: two browsers on the
  same computer can meet. Without STUN/TURN servers only host candidates are used,
  which works on one machine and inside one network; production behind NAT needs a
  TURN server (``ice_servers``, and ``turn_secret`` for coturn's time-limited
  credentials, ``use-auth-secret`` / ``static-auth-secret``).
- ``jitsi``: Jitsi Meet with token authentication (``JWT_APP_ID`` / ``JWT_APP_SECRET``
  of the Prosody ``token`` auth, HS256). See ``JitsiProvider``.
- ``link``: a job centre's own conference system, reached by a configured URL pattern
  containing ``{room}``.

Configuration is ``settings.VIDEO`` (parsed from the environment by the settings
module); a job centre can have its own under ``settings.VIDEO["jobcenters"][slug]``,
whose keys override the installation's. Room names are ``Appointment.video_room``:
unguessable and free of personal data.
"""

from __future__ import annotations

import abc
import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from urllib.parse import quote

import jwt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.http import HttpRequest
    from django.utils.functional import Promise

    from openjobcenter.accounts.models import User
    from openjobcenter.appointments.models import Appointment
    from openjobcenter.tenants.models import Jobcenter

# Room and token are valid from shortly before the start until a while after the end
# (appointments run over); the join page opens JOIN_EARLY before the start.
JOIN_EARLY = timedelta(minutes=10)
STAY_LATE = timedelta(minutes=30)

DEFAULTS: dict[str, Any] = {
    "provider": "builtin",
    "jitsi_url": "",
    "jitsi_app_id": "",
    "jitsi_secret": "",
    "link_pattern": "",
    "ice_servers": [],
    "turn_secret": "",
}


@dataclass(frozen=True)
class JoinRequest:
    """Who wants to join which appointment. ``is_staff``: the appointment's staff member."""

    appointment: Appointment
    user: User
    is_staff: bool


@dataclass(frozen=True)
class JoinInfo:
    """Where and when to join. ``embed``: the platform's own page hosts the call."""

    url: str
    provider: str
    valid_from: datetime
    valid_until: datetime
    embed: bool


def room_window(appointment: Appointment) -> tuple[datetime, datetime]:
    """From when until when the room (and a token for it) is valid."""
    return appointment.starts_at - JOIN_EARLY, appointment.ends_at + STAY_LATE


def join_window(appointment: Appointment) -> tuple[datetime, datetime]:
    """From when until when the join page and the join link are offered."""
    return appointment.starts_at - JOIN_EARLY, appointment.ends_at


def join_state(appointment: Appointment, now: datetime | None = None) -> str:
    """``cancelled``, ``early``, ``open`` or ``over``: may one join this appointment now?"""
    if not appointment.is_active:
        return "cancelled"
    now = now or timezone.now()
    opens_at, closes_at = join_window(appointment)
    if now < opens_at:
        return "early"
    if now >= closes_at:
        return "over"
    return "open"


class VideoProvider(abc.ABC):
    """Contract of a video provider.

    Subclasses set ``key`` and ``label``, build themselves from a configuration mapping
    (``from_config``; raise ``ValueError`` naming the missing key) and answer ``join``.
    ``join`` must not write anything: the caller audits the join.
    """

    key: ClassVar[str]
    label: ClassVar[str | Promise]

    @classmethod
    @abc.abstractmethod
    def from_config(cls, config: Mapping[str, Any]) -> VideoProvider:
        """Build the provider from ``settings.VIDEO`` merged with the job centre's part."""

    @abc.abstractmethod
    def join(self, request: JoinRequest) -> JoinInfo:
        """Where ``request.user`` joins ``request.appointment``."""


P = TypeVar("P", bound=type[VideoProvider])
_registry: dict[str, type[VideoProvider]] = {}


def register(cls: P) -> P:
    """Class decorator: make a provider available under its ``key``."""
    existing = _registry.get(cls.key)
    if existing is not None and existing is not cls:
        msg = f"Video provider {cls.key!r} registered twice"
        raise ValueError(msg)
    _registry[cls.key] = cls
    return cls


def provider_keys() -> list[str]:
    return sorted(_registry)


def config_for(jobcenter: Jobcenter | None) -> dict[str, Any]:
    """The installation's video configuration with the job centre's overrides."""
    video: Mapping[str, Any] = getattr(settings, "VIDEO", {}) or {}
    merged = {**DEFAULTS, **{k: v for k, v in video.items() if k != "jobcenters"}}
    if jobcenter is not None:
        merged.update((video.get("jobcenters") or {}).get(jobcenter.slug, {}))
    return merged


def get_provider(key: str | None = None, *, jobcenter: Jobcenter | None = None) -> VideoProvider:
    """The provider ``key`` (default: the one configured for ``jobcenter``), configured."""
    config = config_for(jobcenter)
    key = key or str(config["provider"])
    try:
        cls = _registry[key]
    except KeyError:
        msg = f"Unknown video provider {key!r}; known: {', '.join(provider_keys())}"
        raise LookupError(msg) from None
    return cls.from_config(config)


def provider_for(appointment: Appointment) -> VideoProvider:
    return get_provider(jobcenter=appointment.jobcenter)


@dataclass(frozen=True)
class JoinAttempt:
    state: str  # see join_state
    provider: VideoProvider
    info: JoinInfo | None  # only while the appointment can be joined


def join_appointment(
    *, request: HttpRequest | None, appointment: Appointment, user: User, is_staff: bool
) -> JoinAttempt:
    """Join now if the window is open (the join is audited), else say why not.

    Callers have already checked that ``user`` is the appointment's customer or staff
    member (tenant-scoped selectors) and that it is a video appointment.
    """
    from openjobcenter.core.audit import audit
    from openjobcenter.core.models import AuditAction

    state = join_state(appointment)
    provider = provider_for(appointment)
    if state != "open":
        return JoinAttempt(state, provider, None)
    info = provider.join(JoinRequest(appointment=appointment, user=user, is_staff=is_staff))
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="appointment",
        object_id=appointment.pk,
        jobcenter=appointment.jobcenter,
        subject=appointment.customer.user,
        actor=user,
        detail=f"video join ({provider.key}, {'staff' if is_staff else 'customer'})",
    )
    return JoinAttempt(state, provider, info)


# --- builtin ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IceServer:
    """One entry of ``RTCConfiguration.iceServers``."""

    urls: str
    username: str = ""
    credential: str = ""

    def as_json(self) -> dict[str, str]:
        data = {"urls": self.urls}
        if self.username:
            data["username"] = self.username
            data["credential"] = self.credential
        return data


@register
class BuiltinProvider(VideoProvider):
    """One-to-one WebRTC call in the platform's page, signalling over its WebSocket."""

    key = "builtin"
    label = _("Eingebaute Videosprechstunde (WebRTC)")

    def __init__(self, *, ice_servers: tuple[str, ...] = (), turn_secret: str = "") -> None:
        self.ice_server_urls = ice_servers
        self.turn_secret = turn_secret

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BuiltinProvider:
        servers = config.get("ice_servers") or []
        if isinstance(servers, str):
            servers = [s.strip() for s in servers.split(",") if s.strip()]
        for url in servers:
            if not str(url).startswith(("stun:", "turn:", "turns:")):
                msg = f"VIDEO ice_servers: {url!r} is not a stun:, turn: or turns: URL"
                raise ValueError(msg)
        return cls(
            ice_servers=tuple(str(s) for s in servers),
            turn_secret=str(config.get("turn_secret") or ""),
        )

    @staticmethod
    def ws_path(room: str) -> str:
        return f"/ws/video/{room}/"

    def ice_servers(self, *, user_id: int, until: datetime) -> list[IceServer]:
        """STUN/TURN servers for ``RTCPeerConnection``; none configured = host candidates.

        With ``turn_secret`` TURN servers get coturn's time-limited credentials
        (username ``<expiry>:<id>``, password base64(HMAC-SHA1(secret, username))), valid
        until the room closes, so no long-lived TURN password reaches a browser.
        """
        result = []
        for url in self.ice_server_urls:
            if url.startswith(("turn:", "turns:")) and self.turn_secret:
                username = f"{int(until.timestamp())}:ojc{user_id}"
                digest = hmac.new(
                    self.turn_secret.encode(), username.encode(), hashlib.sha1
                ).digest()
                result.append(IceServer(url, username, base64.b64encode(digest).decode()))
            else:
                result.append(IceServer(url))
        return result

    def join(self, request: JoinRequest) -> JoinInfo:
        appointment = request.appointment
        valid_from, valid_until = room_window(appointment)
        namespace = "staff" if request.is_staff else "customer"
        url = reverse(
            f"{namespace}:appointment_video",
            kwargs={"jc": appointment.jobcenter.slug, "pk": appointment.pk},
        )
        return JoinInfo(
            url=url, provider=self.key, valid_from=valid_from, valid_until=valid_until, embed=True
        )


# --- jitsi -----------------------------------------------------------------------------


@register
class JitsiProvider(VideoProvider):
    """Jitsi Meet with token authentication (Prosody ``authentication = "token"``).

    The token (HS256, ``aud`` "jitsi", ``iss`` the app id, ``sub`` the server's host) is
    bound to the appointment's room and valid only from 10 minutes before the start to
    30 minutes after the end (``nbf``/``exp``). It carries no real names: staff appear
    as "Jobcenter", the customer as "Gast". Staff are moderators
    (``context.user.moderator`` and ``affiliation`` "owner" for
    ``mod_token_affiliation``); customers are members.

    The lobby (customer waits until staff let them in) is a room setting of the Jitsi
    server: enable ``muc_lobby_rooms`` and a module that switches the lobby on for
    token rooms (e.g. ``mod_muc_lobby_rooms`` with a ``muc_room_pre_create`` hook, or
    JaaS' ``context.features``). The token states the wish in ``context.features.lobby``
    and ``context.room.lobby`` so such a module can read it; recording, live streaming
    and transcription are marked off.
    """

    key = "jitsi"
    label = _("Jitsi Meet")

    def __init__(self, *, base_url: str, app_id: str, secret: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id or "openjobcenter"
        self.secret = secret

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> JitsiProvider:
        base_url = str(config.get("jitsi_url") or "")
        secret = str(config.get("jitsi_secret") or "")
        if not base_url.startswith(("https://", "http://")):
            msg = "VIDEO jitsi_url must be the Jitsi server's URL (https://...)"
            raise ValueError(msg)
        if not secret:
            msg = "VIDEO jitsi_secret must be set (the server's JWT_APP_SECRET)"
            raise ValueError(msg)
        return cls(base_url=base_url, app_id=str(config.get("jitsi_app_id") or ""), secret=secret)

    @staticmethod
    def room_name(appointment: Appointment) -> str:
        # Prosody lower-cases room names (XMPP node parts); the token must match.
        return appointment.video_room.lower()

    def claims(self, request: JoinRequest) -> dict[str, Any]:
        valid_from, valid_until = room_window(request.appointment)
        moderator = request.is_staff
        return {
            "aud": "jitsi",
            "iss": self.app_id,
            "sub": self.base_url.split("://", 1)[1].split("/", 1)[0],
            "room": self.room_name(request.appointment),
            "iat": int(time.time()),
            "nbf": int(valid_from.timestamp()),
            "exp": int(valid_until.timestamp()),
            "moderator": moderator,
            "context": {
                "user": {
                    "name": "Jobcenter" if moderator else "Gast",
                    "moderator": moderator,
                    "affiliation": "owner" if moderator else "member",
                },
                "features": {
                    "lobby": True,
                    "recording": False,
                    "livestreaming": False,
                    "transcription": False,
                },
                "room": {"lobby": True},
            },
        }

    def token(self, request: JoinRequest) -> str:
        return jwt.encode(self.claims(request), self.secret, algorithm="HS256")

    def join(self, request: JoinRequest) -> JoinInfo:
        valid_from, valid_until = room_window(request.appointment)
        room = quote(self.room_name(request.appointment), safe="")
        url = f"{self.base_url}/{room}?jwt={self.token(request)}"
        return JoinInfo(
            url=url, provider=self.key, valid_from=valid_from, valid_until=valid_until, embed=False
        )


# --- link ------------------------------------------------------------------------------


@register
class LinkProvider(VideoProvider):
    """A job centre's own conference system: ``link_pattern`` with ``{room}`` in it."""

    key = "link"
    label = _("Eigenes Konferenzsystem (Link)")

    def __init__(self, *, pattern: str) -> None:
        self.pattern = pattern

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LinkProvider:
        pattern = str(config.get("link_pattern") or "")
        if "{room}" not in pattern or not pattern.startswith(("https://", "http://")):
            msg = "VIDEO link_pattern must be an https:// URL containing {room}"
            raise ValueError(msg)
        return cls(pattern=pattern)

    def join(self, request: JoinRequest) -> JoinInfo:
        valid_from, valid_until = room_window(request.appointment)
        # Plain replacement, not str.format: the pattern may contain other braces.
        url = self.pattern.replace("{room}", quote(request.appointment.video_room, safe=""))
        return JoinInfo(
            url=url, provider=self.key, valid_from=valid_from, valid_until=valid_until, embed=False
        )
