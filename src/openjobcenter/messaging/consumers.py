"""The chat WebSocket ``/ws/chat/`` (protocol: ``docs/websocket-protocol.md``).

One socket per browser tab carries any number of conversations. The session
authenticates the socket; every ``subscribe`` checks anew that this person may read that
conversation (customer: their own; staff: their job centre's, with the second factor
used in this session and personal conversations only for the advisor and team leads).
Messages are written through ``services.message_send``; what others write arrives via
the conversation's channel-layer group. A malformed frame gets an ``error`` event and
the connection stays up.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import TYPE_CHECKING, Any

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.core.exceptions import PermissionDenied
from django.http import Http404

from openjobcenter.accounts import logout_hooks
from openjobcenter.accounts.middleware import (
    SOCKET_ACTIVITY_EVERY,
    note_socket_activity,
    session_deadline,
)
from openjobcenter.core import clock
from openjobcenter.core.access import Perm, has_perm, staff_roles
from openjobcenter.core.languages import usable_language
from openjobcenter.core.metrics import CountedSocketMixin
from openjobcenter.messaging import layerwatch, notices, realtime, selectors, services
from openjobcenter.messaging.attachment_access import protected_for, protected_page
from openjobcenter.messaging.chat_access import (
    Access,
    admit,
    representative_may_write,
    team_access,
)

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User

logger = logging.getLogger(__name__)

MAX_FRAME = 64 * 1024
MAX_SUBSCRIPTIONS = 50
CLOSE_UNAUTHENTICATED = 4401
EXPIRY_RETRY_S = 5.0


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**62:
        return None
    return int(value)


def parse_frame(text: str | None) -> dict[str, Any] | str:
    """The frame's known fields, or the reason it is refused."""
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
    if kind not in ("subscribe", "sync", "unsubscribe", "send", "read", "typing", "ping"):
        return "Unknown frame type."
    if kind == "ping":
        return {"type": "ping"}
    conversation = _positive_int(data.get("conversation"))
    if conversation is None:
        return "conversation must be a conversation id."
    frame: dict[str, Any] = {"type": kind, "conversation": conversation}
    if kind in ("subscribe", "sync"):
        cursor = data.get("cursor", 0)
        cursor = 0 if cursor is None else _positive_int(cursor)
        if cursor is None:
            return "cursor must be a non-negative number."
        frame["cursor"] = cursor
    elif kind == "send":
        body, client_id = data.get("body", ""), data.get("client_id", "")
        if not isinstance(body, str) or not isinstance(client_id, str):
            return "body and client_id must be strings."
        frame["body"], frame["client_id"] = body, client_id
    elif kind == "read":
        upto = _positive_int(data.get("upto"))
        if upto is None:
            return "upto must be a message id."
        frame["upto"] = upto
    return frame


def _send_message(access: Access, user: User, body: str, client_id: str) -> dict[str, Any]:
    # message_send locks and re-reads the row (assignee, status may have changed).
    conversation = access.conversation
    if access.side == "staff":
        # A personal conversation may have been moved to another advisor, or the role
        # taken away, since the subscribe: staff writes are checked again.
        try:
            selectors.get_conversation_for_staff(conversation.jobcenter, user, conversation.pk)
        except (Http404, PermissionDenied):
            raise services.MessagingError("No such conversation.", code="not_found") from None
        if not has_perm(staff_roles(user, conversation.jobcenter), Perm.MESSAGING_USE):
            raise services.MessagingError("No such conversation.", code="not_found")
    representative = None
    if access.representative is not None:
        # Acting for the customer: the mandate again (revoked since the subscribe, or
        # reading only: refused), the message in the customer's name.
        if not representative_may_write(access):
            raise services.MessagingError("No such conversation.", code="not_found")
        representative, user = user, conversation.customer.user
    message = services.message_send(
        conversation=conversation,
        author=user,
        body=body,
        client_id=client_id,
        representative=representative,
    )
    return {
        "type": "ack",
        "conversation": conversation.pk,
        "client_id": client_id,
        "id": message.pk,
    }


def _history(access: Access, cursor: int) -> dict[str, Any]:
    conversation = access.conversation
    conversation.refresh_from_db(
        fields=["last_message_id", "customer_read_upto", "staff_read_upto", "staff_delivered_upto"]
    )
    reset = cursor > conversation.last_message_id  # stale: from another database or made up
    start = 0 if reset else cursor
    rows = selectors.messages_after(conversation, start)
    messages = [realtime.message_data(m) for m in rows]
    if access.side == "staff":
        # Need-to-know: attachments of a category this person may not read arrive in
        # their protected form (one query for the page's documents).
        messages = protected_page(
            rows, messages, access.readable, jobcenter_id=conversation.jobcenter_id
        )
    return {
        "reset": reset,
        "messages": messages,
        "more": len(rows) == selectors.HISTORY_PAGE,
        "last_id": conversation.last_message_id,
        "read": {
            "customer": conversation.customer_read_upto,
            "staff": conversation.staff_read_upto,
            "staff_delivered": conversation.staff_delivered_upto,
        },
    }


def _mark_read(access: Access, user: User, upto: int) -> None:
    # A representative reads on the customer's side (their cursor, not staff's).
    reader = access.conversation.customer.user if access.representative is not None else user
    services.conversation_mark_read(conversation=access.conversation, user=reader, upto=upto)


def _mark_delivered(access: Access, upto: int) -> None:
    services.conversation_mark_delivered(conversation=access.conversation, upto=upto)


class ChatConsumer(CountedSocketMixin, AsyncWebsocketConsumer):  # type: ignore[misc]
    socket_kind = "chat"
    user: User | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        session = self.scope.get("session")
        self.session_tag = logout_hooks.session_tag(getattr(session, "session_key", None))
        self.subscriptions: dict[int, Access] = {}
        teams = await database_sync_to_async(team_access)(user, self.scope.get("session"))
        # Need-to-know: per job centre, the topics of team conversations this person may
        # read; team-inbox events of other topics are dropped.
        self.team_topics = teams
        self.groups_joined = [
            realtime.user_group(user.pk),
            *(realtime.team_group(jobcenter_id) for jobcenter_id in teams),
        ]
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        self.connected_at = self.active_at = clock.now()
        self.noted_at = 0.0
        self.expiry: clock.Timer | None = None
        # Told when this process's channel layer lost events (layerwatch): resync.
        layerwatch.register(self)
        await self._check_expiry()

    # --- the session's lifetime -----------------------------------------------------------
    # A socket outlives no session: when the session's idle or absolute time is up (the
    # rules of SessionLifetimeMiddleware), it closes. What the person does on the socket
    # (subscribe, send, read, typing) counts as activity; pings and incoming messages
    # do not, so a forgotten open tab does not keep a session alive.

    async def _check_expiry(self) -> None:
        session = self.scope.get("session")
        key = getattr(session, "session_key", None)
        try:
            deadline = await database_sync_to_async(session_deadline)(
                key, since=self.connected_at, active_at=self.active_at
            )
        except Exception:
            # The cache (Redis) or the database is away: ask again soon rather than
            # never (the socket must not outlive its session).
            logger.warning("session deadline unknown; checking again", exc_info=True)
            self.expiry = clock.call_later(
                EXPIRY_RETRY_S, lambda: asyncio.ensure_future(self._check_expiry())
            )
            return
        if deadline is None:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        delay = max(1.0, deadline - clock.now())
        self.expiry = clock.call_later(delay, lambda: asyncio.ensure_future(self._check_expiry()))

    async def disconnect(self, code: int) -> None:
        if self.user is None:
            return
        expiry = getattr(self, "expiry", None)
        if expiry is not None:
            expiry.cancel()
        layerwatch.unregister(self)
        for group in getattr(self, "groups_joined", []):
            await self._leave(group)
        for conversation_id in list(getattr(self, "subscriptions", {})):
            await self._leave(realtime.conversation_group(conversation_id))
        self.subscriptions = {}

    async def _leave(self, group: str) -> None:
        """Leave a group; with the layer away this socket is out of it locally all the
        same, and the process's Redis subscription goes with the broken connection."""
        try:
            await self.channel_layer.group_discard(group, self.channel_name)
        except Exception:
            logger.debug("group_discard failed", exc_info=True)

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch, without its thread hop per event: Channels closes stale
        database connections before every event it hands to a handler, on the one shared
        sync thread. Each of this consumer's database calls runs through
        ``DatabaseSyncToAsync``, which does the same around the call itself; the events
        that touch no database (every message fanned out to every open chat window) skip
        the hop, which cost more CPU than the rest of their delivery (``bench/chat.py``).
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            msg = f"No handler for message type {message['type']}"
            raise ValueError(msg)
        await handler(message)

    async def _send(self, data: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(data))

    async def _error(self, code: str, message: str, **extra: Any) -> None:
        await self._send({"type": "error", "code": code, "message": message, **extra})

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.user is None:
            return
        frame = parse_frame(text_data)
        if isinstance(frame, str):
            await self._error("malformed", frame)
            return
        kind = frame["type"]
        if kind == "ping":
            await self._send({"type": "pong"})
            return
        if kind != "sync":  # a client catching up after a gap: not the person's doing
            await self._note_activity()
        conversation_id = frame["conversation"]
        if kind == "subscribe":
            await self._subscribe(conversation_id, frame["cursor"])
            return
        access = self.subscriptions.get(conversation_id)
        if access is None:
            await self._error(
                "not_subscribed",
                "Subscribe to the conversation first.",
                conversation=conversation_id,
            )
            return
        if kind == "sync":
            await self._catch_up(access, frame["cursor"])
        elif kind == "unsubscribe":
            del self.subscriptions[conversation_id]
            await self._leave(realtime.conversation_group(conversation_id))
        elif kind == "send":
            try:
                ack = await realtime.run_and_push(
                    _send_message, access, self.user, frame["body"], frame["client_id"]
                )
            except services.MessagingError as exc:
                await self._error(
                    exc.code,
                    exc.message,
                    conversation=conversation_id,
                    client_id=frame["client_id"],
                    retry_after=exc.retry_after,
                )
                return
            await self._send(ack)
        elif kind == "read":
            await realtime.run_and_push(_mark_read, access, self.user, frame["upto"])
        elif kind == "typing":
            try:
                await self.channel_layer.group_send(
                    realtime.conversation_group(conversation_id),
                    {
                        "type": "chat.typing",
                        "conversation": conversation_id,
                        "side": access.side,
                        "sender": self.channel_name,
                    },
                )
            except Exception:  # a hint, never replayed: lost with the layer, no harm
                logger.debug("typing not relayed", exc_info=True)

    async def _note_activity(self) -> None:
        self.active_at = clock.now()
        if self.active_at - self.noted_at >= SOCKET_ACTIVITY_EVERY:
            # Pages count it too: chatting for half an hour does not log the person out.
            self.noted_at = self.active_at
            key = getattr(self.scope.get("session"), "session_key", None)
            try:
                await database_sync_to_async(note_socket_activity)(key, self.active_at)
            except Exception:
                # The cache (Redis) is down: the chat itself goes on; noted next time.
                self.noted_at = 0.0
                logger.warning("socket activity not noted", exc_info=True)

    async def _subscribe(self, conversation_id: int, cursor: int) -> None:
        if self.user is None:
            return
        if (
            conversation_id not in self.subscriptions
            and len(self.subscriptions) >= MAX_SUBSCRIPTIONS
        ):
            await self._error("too_many", "Too many subscriptions.", conversation=conversation_id)
            return
        access = await database_sync_to_async(admit)(
            self.user, self.scope.get("session"), conversation_id
        )
        if access is None:
            # Same answer for "missing" and "not yours".
            await self._error("not_found", "No such conversation.", conversation=conversation_id)
            return
        # Join first, then read history: a message committed in between arrives twice at
        # worst, and clients drop ids they already have; none is lost.
        await self.channel_layer.group_add(
            realtime.conversation_group(conversation_id), self.channel_name
        )
        self.subscriptions[conversation_id] = access
        await self._catch_up(access, cursor)

    async def _catch_up(self, access: Access, cursor: int) -> None:
        """Everything after ``cursor`` as a ``subscribed`` event: after a subscribe, and
        when the client missed something (a ``resync``, a gap in ``prev``). For a
        conversation this socket is subscribed to, no new permission check (as for the
        events it receives) and no second audit entry."""
        conversation_id = access.conversation.pk
        history = await database_sync_to_async(_history)(access, cursor)
        history["messages"] = [self._worded(m) for m in history["messages"]]
        await self._send({"type": "subscribed", "conversation": conversation_id, **history})
        if access.side == "staff" and history["messages"]:
            await realtime.run_and_push(_mark_delivered, access, history["last_id"])

    async def resync(self) -> None:
        """This process's channel layer lost events (``layerwatch``): whatever this
        socket shows may be behind. Clients fetch the missed messages by cursor
        (``sync``) and reload lists."""
        await self._send({"type": "resync", "conversation": None})
        await self._recheck_session()

    async def _recheck_session(self) -> None:
        """A logout's ``chat.session_ended`` may have been among the lost events: look
        at the session now instead of at its next deadline."""
        if self.expiry is not None:
            self.expiry.cancel()
            self.expiry = None
        await self._check_expiry()

    def _worded(self, message: dict[str, Any]) -> dict[str, Any]:
        """A system notice worded in this socket user's language (events are shared by
        everyone in the group; only notices carry words of the server's)."""
        if not message.get("notice"):
            return message
        language = usable_language(getattr(self.user, "preferred_language", ""))
        return {**message, "body": notices.notice_text_in(message["notice"], language)}

    # --- group events -------------------------------------------------------------------

    async def chat_message(self, event: dict[str, Any]) -> None:
        message = event["message"]
        access = self.subscriptions.get(message["conversation"]) if self.user else None
        if access is None:
            return
        if access.side == "staff":
            # Need-to-know, per socket: the event names the attachment's categories
            # (absent: unknown, so protected) and this socket knows what its person reads.
            message = protected_for(message, event.get("attachment_categories"), access.readable)
        await self._send(
            {
                "type": "message",
                "conversation": message["conversation"],
                "message": self._worded(message),
                "prev": event.get("prev"),
            }
        )
        if access.side == "staff" and message["side"] == "customer":
            await realtime.run_and_push(_mark_delivered, access, message["id"])

    async def chat_read(self, event: dict[str, Any]) -> None:
        if event["conversation"] in self.subscriptions:
            await self._send(
                {
                    "type": "read",
                    "conversation": event["conversation"],
                    "side": event["side"],
                    "upto": event["upto"],
                }
            )

    async def chat_typing(self, event: dict[str, Any]) -> None:
        if event["sender"] != self.channel_name and event["conversation"] in self.subscriptions:
            await self._send(
                {"type": "typing", "conversation": event["conversation"], "side": event["side"]}
            )

    async def chat_session_ended(self, event: dict[str, Any]) -> None:
        """This socket's session was logged out: it may not stay open."""
        if event.get("session") == self.session_tag:
            await self.close(code=CLOSE_UNAUTHENTICATED)

    async def chat_resync(self, event: dict[str, Any]) -> None:
        """Another process could not publish events to a group of this socket's."""
        conversation = event.get("conversation")
        if conversation is None or conversation in self.subscriptions:
            await self._send({"type": "resync", "conversation": conversation})
        if conversation is None:  # this person's own group: a logout may be among them
            await self._recheck_session()

    async def home_changed(self, event: dict[str, Any]) -> None:
        """What waits for this person changed (home/realtime.py): the open home page
        fetches its list again. Carries nothing itself."""
        await self._send({"type": "home"})

    async def queue_changed(self, event: dict[str, Any]) -> None:
        """Something the staff work queue counts changed in one of this socket's job
        centres (home/realtime.py ``queue_event``; only team groups carry it): the open
        start page fetches its queue part again. Carries nothing itself."""
        await self._send({"type": "queue"})

    async def chat_updated(self, event: dict[str, Any]) -> None:
        jobcenter_id = event.get("jobcenter")
        if jobcenter_id is not None:  # a team-inbox event: need-to-know
            readable = getattr(self, "team_topics", {}).get(jobcenter_id, frozenset())
            if event.get("topic") not in readable:
                return
        await self._send(
            {"type": "updated", "conversation": event["conversation"], "last_id": event["last_id"]}
        )
