"""Signalling for the built-in video call: ``/ws/video/<room>/``.

The two browsers of a video appointment (the customer and the appointment's staff
member) exchange WebRTC offer, answer and ICE candidates through this consumer; media
flows directly between them. Each room is one channel-layer group, so it works across
app nodes with the Redis layer. The consumer keeps no state beyond its own connection.

Who may connect is checked once, when the socket opens: a logged-in session of the
customer or of the staff member (staff with the second factor used in that session),
an active video appointment of a job centre with the appointments module on and the
built-in provider, and only from 10 minutes before the start until 30 minutes after
the end; the socket is closed when that window ends. A malformed frame gets an
``error`` event and the connection stays up.

Client → server: ``{"type": "offer"|"answer", "sdp": str, "id": int}``,
``{"type": "ice", "candidate": {...} | null}``, ``{"type": "bye"}``.
Server → client: the other peer's frames as above, plus ``peer-joined`` / ``peer-present``
(the other one is there: the staff side then makes the offer; with late group delivery
a client may get both), ``peer-left``,
``replaced`` (the same person opened the call elsewhere), ``ended`` and ``error``.

A socket outlives neither the room window nor its login session. Close codes: ``4403``
(refused, before accepting), ``4409`` (replaced), ``4410`` (the room closed, after
``ended``) and ``4401`` (the session is over: the page reloads and shows the login):

- On logout the ``accounts.logout_hooks`` registry runs ``realtime.close_session_sockets``,
  which sends ``video.session_ended`` with the session's tag (a hash, never the key) to
  the person's group ``video.u.<user id>``; the sockets that this session opened close,
  the person's other sessions stay in their calls.
- The session's idle and absolute time (``SessionLifetimeMiddleware``'s rules, asked of
  ``session_deadline`` as the chat does) are checked when the socket opens and again
  whenever the deadline comes. Activity is any signalling frame from this browser
  (``offer``, ``answer``, ``ice``, ``bye``), and also, which the chat does not have, the
  other side being in the room: once connected, a call sends no signalling for as long
  as it runs, and a 45-minute consultation must not be cut off by the idle time. So while
  the other peer is present every check counts as activity, and its ``peer-left`` counts
  once more (the idle time starts when the call ends). The absolute end closes a call
  all the same. A socket alone in the room with no frames ends after the idle time.
  The activity is the socket's own: like the chat's, it does not move the session's
  last-seen mark in the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone

from openjobcenter.accounts import logout_hooks
from openjobcenter.accounts.middleware import (
    SOCKET_ACTIVITY_EVERY,
    note_socket_activity,
    session_deadline,
)
from openjobcenter.appointments import realtime
from openjobcenter.appointments.models import Appointment, Channel
from openjobcenter.appointments.video import BuiltinProvider, provider_for, room_window
from openjobcenter.core import clock
from openjobcenter.core.access import Perm, has_perm, staff_roles, staff_second_factor_in_session
from openjobcenter.core.metrics import CountedSocketMixin
from openjobcenter.tenants.modules import is_enabled

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.accounts.models import User

MAX_FRAME = 64 * 1024  # an SDP is a few kB; anything near this is not signalling
MAX_FIELD = 16 * 1024
CLOSE_SESSION_ENDED = 4401
CLOSE_REFUSED = 4403
CLOSE_REPLACED = 4409
CLOSE_ENDED = 4410


@dataclass(frozen=True)
class Admission:
    role: str  # "staff" or "customer"
    group: str
    closes_at: datetime


def admit(room: str, user: User | None, session: Any) -> Admission | None:
    """May ``user`` (with this session) take part in the call of ``room``? None = no."""
    if user is None or not user.is_authenticated or len(room) > 64:
        return None
    appointment = (
        Appointment.objects.select_related("jobcenter", "customer")
        .filter(video_room=room, channel=Channel.VIDEO)
        .first()
    )
    if appointment is None or not appointment.is_active:
        return None
    jobcenter = appointment.jobcenter
    if not jobcenter.is_active or not is_enabled(jobcenter, "appointments"):
        return None
    if not isinstance(provider_for(appointment), BuiltinProvider):
        return None
    opens_at, closes_at = room_window(appointment)
    if not opens_at <= timezone.now() < closes_at:
        return None
    if user.pk == appointment.staff_id:
        roles = staff_roles(user, jobcenter)
        fake_request = cast("HttpRequest", SimpleNamespace(session=session, user=user))
        if not has_perm(roles, Perm.APPOINTMENTS_OWN) or not staff_second_factor_in_session(
            fake_request
        ):
            return None
        role = "staff"
    elif user.pk == appointment.customer.user_id:
        role = "customer"
    else:
        return None
    return Admission(role=role, group=f"video.{room}", closes_at=closes_at)


def clean_frame(text: str | None) -> dict[str, Any] | str:
    """The frame to relay, rebuilt from known fields only, or the reason it is refused."""
    if text is None:
        return "Only text frames are accepted."
    if len(text) > MAX_FRAME:
        return "Frame too large."
    try:
        data = json.loads(text)
    except ValueError:
        return "Frame is not JSON."
    if not isinstance(data, dict):
        return "Frame must be a JSON object."
    kind = data.get("type")
    if kind in ("offer", "answer"):
        sdp = data.get("sdp")
        if not isinstance(sdp, str) or not sdp or len(sdp) > MAX_FRAME:
            return "sdp must be a non-empty string."
        # The offerer numbers its offers; the answer repeats the number, so an answer
        # to an offer that was superseded meanwhile can be recognised and dropped.
        number = data.get("id", 0)
        if not isinstance(number, int) or isinstance(number, bool) or not 0 <= number < 2**31:
            return "id must be a non-negative number."
        return {"type": kind, "sdp": sdp, "id": number}
    if kind == "ice":
        candidate = data.get("candidate")
        if candidate is None:
            return {"type": "ice", "candidate": None}  # end of candidates
        if not isinstance(candidate, dict):
            return "candidate must be an object or null."
        clean: dict[str, Any] = {}
        for key in ("candidate", "sdpMid", "usernameFragment"):
            value = candidate.get(key)
            if value is not None and (not isinstance(value, str) or len(value) > MAX_FIELD):
                return f"candidate.{key} must be a string."
            clean[key] = value
        index = candidate.get("sdpMLineIndex")
        if index is not None and (
            not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < 64
        ):
            return "candidate.sdpMLineIndex must be a small number."
        clean["sdpMLineIndex"] = index
        if not isinstance(clean["candidate"], str):
            return "candidate.candidate must be a string."
        return {"type": "ice", "candidate": clean}
    if kind == "bye":
        return {"type": "bye"}
    return "Unknown frame type."


class VideoSignalConsumer(CountedSocketMixin, AsyncWebsocketConsumer):  # type: ignore[misc]
    socket_kind = "video"
    admission: Admission | None = None
    _expiry: asyncio.Task[None] | None = None
    _session_watch: asyncio.Task[None] | None = None
    _groups: tuple[str, ...] = ()
    _session_tag = ""
    _replaced = False
    _joined_at = 0.0
    _closing = False
    _connected_at = 0.0
    _active_at = 0.0
    _noted_at = 0.0
    _peer_here = False

    async def connect(self) -> None:
        room = str(self.scope["url_route"]["kwargs"].get("room", ""))
        admission = await database_sync_to_async(admit)(
            room, self.scope.get("user"), self.scope.get("session")
        )
        if admission is None:
            # Closing before accepting refuses the handshake (HTTP 403 to the browser).
            await self.close(code=CLOSE_REFUSED)
            return
        session_key = getattr(self.scope.get("session"), "session_key", None)
        self._session_tag = logout_hooks.session_tag(session_key)
        # Join the person's group before looking at the session: a logout after the
        # look reaches this socket (its event waits until connect is done).
        person = realtime.user_group(self.scope["user"].pk)
        await self.channel_layer.group_add(person, self.channel_name)
        self._groups = (person,)
        self._connected_at = self._active_at = clock.now()
        deadline = await database_sync_to_async(session_deadline)(
            session_key, since=self._connected_at, active_at=self._active_at
        )
        if deadline is None:
            # Idle or absolute time is up, though no page request has noticed yet. Accept
            # to close with 4401, so the page reloads and shows the login; the other
            # side hears nothing, as this socket never entered the room.
            await self.accept()
            await self._close(CLOSE_SESSION_ENDED)
            return
        self.admission = admission
        await self.channel_layer.group_add(admission.group, self.channel_name)
        self._groups = (person, admission.group)
        # Announce before accepting: the other side's answer (peer.present) is handled
        # after this handler, and a peer connecting right after us cannot see our
        # announcement as well as answer it.
        self._joined_at = clock.now()
        await self.channel_layer.group_send(
            admission.group,
            {
                "type": "peer.joined",
                "role": admission.role,
                "sender": self.channel_name,
                "joined_at": self._joined_at,
            },
        )
        await self.accept()
        self._expiry = asyncio.ensure_future(self._close_when_room_closes(admission.closes_at))
        self._session_watch = asyncio.ensure_future(
            self._close_when_session_ends(session_key, deadline)
        )

    async def _close_when_room_closes(self, closes_at: datetime) -> None:
        await asyncio.sleep(max(0.0, (closes_at - timezone.now()).total_seconds()))
        await self._send({"type": "ended"})
        await self._close(CLOSE_ENDED)

    async def _close_when_session_ends(self, session_key: str | None, deadline: float) -> None:
        # The rules and the reasons for what counts as activity: the module docstring.
        while True:
            await clock.sleep(max(1.0, deadline - clock.now()))
            if self._peer_here:
                self._active_at = clock.now()
                await self._note_activity()
            found = await database_sync_to_async(session_deadline)(
                session_key, since=self._connected_at, active_at=self._active_at
            )
            if found is None:
                await self._close(CLOSE_SESSION_ENDED)
                return
            deadline = found

    async def _close(self, code: int) -> None:
        if self._closing:
            return
        # Stop receiving group events first: nothing may be sent after the close.
        for group in self._groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        self._closing = True
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        for task in (self._expiry, self._session_watch):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.admission is not None and not self._replaced:
            await self.channel_layer.group_send(
                self.admission.group,
                {"type": "peer.left", "role": self.admission.role, "sender": self.channel_name},
            )
        for group in self._groups:
            await self.channel_layer.group_discard(group, self.channel_name)
        self._groups = ()
        self.admission = None

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.admission is None or self._closing:
            return
        frame = clean_frame(text_data)
        if isinstance(frame, str):
            await self._send({"type": "error", "code": "malformed", "message": frame})
            return
        self._active_at = clock.now()
        await self._note_activity()
        await self.channel_layer.group_send(
            self.admission.group,
            {"type": "signal.relay", "sender": self.channel_name, "payload": frame},
        )

    async def _note_activity(self) -> None:
        """Pages count the call as activity too (throttled): after a long call the
        person is still logged in."""
        if self._active_at - self._noted_at >= SOCKET_ACTIVITY_EVERY:
            self._noted_at = self._active_at
            key = getattr(self.scope.get("session"), "session_key", None)
            await database_sync_to_async(note_socket_activity)(key, self._active_at)

    async def _send(self, data: dict[str, Any]) -> None:
        if self._closing:
            return
        await self.send(text_data=json.dumps(data))

    # --- group events ------------------------------------------------------------------

    async def peer_joined(self, event: dict[str, Any]) -> None:
        if event["sender"] == self.channel_name or self.admission is None:
            return
        if event["role"] == self.admission.role:
            # The same person opened the call again (another tab, a reload): the newer
            # connection wins, so a call is always one-to-one. Group messages may be
            # delivered late, so both connections may see each other's announcement:
            # only the older one gives way.
            if (event["joined_at"], event["sender"]) < (self._joined_at, self.channel_name):
                return
            self._replaced = True
            await self._send({"type": "replaced"})
            await self._close(CLOSE_REPLACED)
            return
        self._peer_here = True
        await self._send({"type": "peer-joined", "role": event["role"]})
        await self.channel_layer.send(
            event["sender"],
            {"type": "peer.present", "role": self.admission.role, "sender": self.channel_name},
        )

    async def peer_present(self, event: dict[str, Any]) -> None:
        self._peer_here = True
        await self._send({"type": "peer-present", "role": event["role"]})

    async def peer_left(self, event: dict[str, Any]) -> None:
        if self.admission is not None and event["role"] != self.admission.role:
            # The call was on until now: the idle time starts here.
            self._peer_here = False
            self._active_at = clock.now()
            await self._send({"type": "peer-left", "role": event["role"]})

    async def signal_relay(self, event: dict[str, Any]) -> None:
        if event["sender"] != self.channel_name:
            await self._send(event["payload"])

    async def video_session_ended(self, event: dict[str, Any]) -> None:
        """This socket's session was logged out: it may not stay open. The other side
        gets the usual ``peer-left`` when the socket is gone."""
        if event.get("session") == self._session_tag:
            await self._close(CLOSE_SESSION_ENDED)
