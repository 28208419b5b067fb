"""Every write of the messaging module (DESIGN §4.1), by sub-domain.

This module only re-exports the services, so callers keep writing
``services.message_send``. The code lives in ``services_send.py`` (``message_send``, its
row lock, attachments, rate limit, delivery after commit, notices and auto-reply),
``services_conversations.py`` (start, read and delivery cursors, assignment, status,
audit of staff reads), ``services_config.py`` (topics, text templates, chat settings,
template rendering) and ``attachments.py`` (checking and sweeping attachment files).
To replace a function in a test, patch it in the module that defines it.
"""

from __future__ import annotations

from openjobcenter.messaging.attachments import ORPHAN_AFTER, attachments_sweep_orphans
from openjobcenter.messaging.send_lock import AUTO_REPLY_EVERY
from openjobcenter.messaging.services_config import (
    chat_settings_save,
    template_delete,
    template_render,
    template_save,
    topic_save,
    topics_ensure_defaults,
)
from openjobcenter.messaging.services_conversations import (
    StartRequest,
    conversation_assign,
    conversation_audit_staff_read,
    conversation_mark_delivered,
    conversation_mark_read,
    conversation_set_status,
    conversation_start,
)
from openjobcenter.messaging.services_notices import attachment_processed, notice_post
from openjobcenter.messaging.services_send import (
    ATTACHMENT_SUFFIX,
    CLIENT_ID_MAX,
    MessagingError,
    clean_body,
    clean_client_id,
    customer_url,
    message_send,
    staff_url,
)

__all__ = [
    "ATTACHMENT_SUFFIX",
    "AUTO_REPLY_EVERY",
    "CLIENT_ID_MAX",
    "ORPHAN_AFTER",
    "MessagingError",
    "StartRequest",
    "attachment_processed",
    "attachments_sweep_orphans",
    "chat_settings_save",
    "clean_body",
    "clean_client_id",
    "conversation_assign",
    "conversation_audit_staff_read",
    "conversation_mark_delivered",
    "conversation_mark_read",
    "conversation_set_status",
    "conversation_start",
    "customer_url",
    "message_send",
    "notice_post",
    "staff_url",
    "template_delete",
    "template_render",
    "template_save",
    "topic_save",
    "topics_ensure_defaults",
]
