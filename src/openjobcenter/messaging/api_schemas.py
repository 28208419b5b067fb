"""Request and response schemas of the messaging API (``messaging/api.py``).

Every ninja ``Schema`` the customer and staff operations take or return: conversations
(with the staff view), messages with attachments, a page of history and its cursor
query, the staff inbox filter, start/send/read/assign/status inputs and text templates.
The class names are the OpenAPI component names, so they must not change.
"""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import ConfigDict, Field


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class ConversationOut(Schema):
    id: int
    subject: str
    topic: str | None
    personal: bool
    status: str
    unread: int
    last_message_id: int
    last_message_at: datetime | None
    customer_read_upto: int
    staff_read_upto: int
    staff_delivered_upto: int


class StaffConversationOut(ConversationOut):
    customer_id: int
    customer_number: str | None
    assignee_id: int | None
    # Need-to-know: False where the caller may only know that the conversation exists
    # (its subject is then empty; reading it is a 403).
    readable: bool = True


class AttachmentOut(Schema):
    name: str
    size: int
    url: str


class MessageOut(Schema):
    id: int
    conversation: int
    side: str
    author: str
    # Set when a representative wrote in the customer's name (mandate with the chat scope).
    representative: str = ""
    body: str
    client_id: str
    created_at: datetime
    attachment: AttachmentOut | None


class HistoryOut(Schema):
    messages: list[MessageOut]
    more: bool
    last_id: int
    reset: bool


class ConversationStartIn(Strict):
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(max_length=100_000)
    topic_id: int | None = None
    to_advisor: bool = False
    client_id: str = Field(default="", max_length=64)


class SendIn(Strict):
    body: str = Field(max_length=100_000)
    client_id: str = Field(default="", max_length=64)


class ReadIn(Strict):
    upto: int | None = Field(default=None, ge=0)


class ReadOut(Schema):
    upto: int


class ConversationAssignIn(Strict):
    assignee_id: int | None


class ConversationStatusIn(Strict):
    status: str = Field(pattern="^(open|answered|closed)$")


class StaffStartIn(Strict):
    customer_id: int
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(max_length=100_000)
    personal: bool = False
    appointment_id: int | None = None
    document_request_id: int | None = None
    client_id: str = Field(default="", max_length=64)


class TemplateOut(Schema):
    id: int
    title: str
    body: str


class RenderedOut(Schema):
    text: str


class HistoryQuery(Schema):
    after: int = Field(default=0, ge=0, description="cursor: the last message id the client has")
    limit: int = Field(default=100, ge=1, le=200)


class ConversationInboxQuery(Schema):
    topic_id: int | None = None
    mine: bool = False
    status: str = Field(default="active", pattern="^(active|open|answered|closed|all)$")
