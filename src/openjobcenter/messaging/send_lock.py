"""The send's locking read (``services_send``): one hand-written statement that locks the
conversation row and reads everything the send decides on, and on PostgreSQL the new
message's id in the same round trip; ``send_pipeline`` sends the statements of a send in
psycopg's pipeline mode.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.utils import timezone

from openjobcenter.messaging.models import ChatSettings, Conversation, Message

AUTO_REPLY_EVERY = timedelta(hours=12)


@dataclass(frozen=True)
class SendState:
    """What ``message_send`` decides on, read in the same statement that locks the row."""

    customer_user_id: int
    advisor_id: int | None
    assignee_id: int | None
    last_message_id: int
    customer_read_upto: int
    staff_read_upto: int
    existing_id: int | None  # a message with this client id is already stored
    recent: int  # the author's messages in the rate window, counted up to the limit
    auto_reply_due: bool  # on for the job centre, and none sent to it lately
    next_id: int | None = None  # the new message's id, taken from its sequence (PostgreSQL)


_LOCK_SQL = (
    "SELECT c.advisor_id, c.assignee_id, c.last_message_id, c.customer_read_upto,"
    " c.staff_read_upto,"
    " (SELECT p.user_id FROM {profile} p WHERE p.id = c.customer_id),"
    " (SELECT m.id FROM {msg} m WHERE m.conversation_id = c.id AND m.author_id = %s"
    "  AND m.client_id = %s AND m.client_id <> ''),"
    " (SELECT COUNT(*) FROM (SELECT 1 FROM {msg} r WHERE r.author_id = %s"
    "  AND r.created_at > %s LIMIT %s) recent),"
    " (SELECT s.auto_reply_enabled FROM {chat} s WHERE s.jobcenter_id = c.jobcenter_id"
    "  AND s.expected_response <> '')"
    "  AND (c.last_auto_reply_at IS NULL OR c.last_auto_reply_at <= %s)"
    " FROM {conv} c WHERE c.id = %s"
)


@lru_cache(maxsize=4)
def _lock_sql(vendor: str, *, for_update: bool) -> str:
    """The send's one read: lock the conversation row and bring what the send needs.

    Hand-written because it is the hottest statement of the chat: the ORM's compilation
    of the same (row lock, three sub-selects) cost more CPU than the database's work, and
    a chat process is bound by its CPU (``bench/chat.py``). Portable SQL; SQLite has no
    row locks and serialises writers instead.
    """
    del vendor  # part of the cache key only: the SQL text differs by ``for_update``
    from openjobcenter.accounts.models import CustomerProfile

    q = connection.ops.quote_name
    conv, msg = q(Conversation._meta.db_table), q(Message._meta.db_table)
    profile, chat = q(CustomerProfile._meta.db_table), q(ChatSettings._meta.db_table)
    # Only the models' own table names, quoted, are formatted in; values are parameters.
    sql = _LOCK_SQL.format(conv=conv, msg=msg, profile=profile, chat=chat)
    return sql + (" FOR UPDATE OF c" if for_update else "")


def pipelined() -> bool:
    """PostgreSQL: the send's statements go out in psycopg's pipeline mode."""
    return connection.vendor == "postgresql"


@lru_cache(maxsize=1)
def _next_id_sql() -> str:
    table = Message._meta.db_table
    column = Message._meta.pk.column if Message._meta.pk is not None else "id"
    # The model's own table and column names only; they contain no quote.
    return f"SELECT nextval(pg_get_serial_sequence('{table}', '{column}'))"


def send_pipeline() -> AbstractContextManager[Any]:
    """Statements sent without waiting for each one's answer until a result is read
    (psycopg's pipeline mode): the send's lock and the new message's id in one round
    trip, its three writes (message, conversation, audit entry) in one more, instead of
    five. The chat is bound by round trips on a busy machine (``bench/chat.py``)."""
    if not pipelined():
        return nullcontext()
    connection.ensure_connection()
    return cast("AbstractContextManager[Any]", connection.connection.pipeline())


def lock_for_send(conversation_id: int, *, author_id: int, client_id: str) -> SendState:
    limit = int(settings.MESSAGING["rate_count"])
    now = timezone.now()
    since = now - timedelta(seconds=int(settings.MESSAGING["rate_window_s"]))
    adapt = connection.ops.adapt_datetimefield_value
    sql = _lock_sql(connection.vendor, for_update=connection.features.has_select_for_update)
    params: list[Any] = [
        author_id,
        client_id,
        author_id,
        adapt(since),
        limit,
        adapt(now - AUTO_REPLY_EVERY),
        conversation_id,
    ]
    with connection.cursor() as cursor, connection.cursor() as sequence:
        cursor.execute(sql, params)
        next_id = None
        if pipelined():
            # The new message's id, taken after the lock (the statement runs after the
            # one above, in the same round trip): ids follow the order of the commits.
            sequence.execute(_next_id_sql())
        row = cursor.fetchone()
        if pipelined():
            next_id = sequence.fetchone()[0]
    if row is None:
        raise Conversation.DoesNotExist
    return SendState(
        next_id=next_id,
        advisor_id=row[0],
        assignee_id=row[1],
        last_message_id=int(row[2]),
        customer_read_upto=int(row[3]),
        staff_read_upto=int(row[4]),
        customer_user_id=int(row[5]),
        existing_id=row[6],
        recent=int(row[7]),
        auto_reply_due=bool(row[8]),
    )
