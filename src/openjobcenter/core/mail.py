"""E-mail leaves the platform only after the transaction that caused it committed.

The message is written, sealed, to an ``OutgoingMail`` row in the same transaction, and
the task gets only the row's id: task rows keep their arguments (and are kept for a
while), and a mail's body can hold a password-reset or verification link. The worker
opens the row, sends, and deletes it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Model

from openjobcenter.core import taskrows
from openjobcenter.core.models import OutgoingMail
from openjobcenter.core.tasks import send_email

_INFO = "core:outgoing-mail"


def _seal(payload: dict[str, Any], token: str) -> bytes:
    from openjobcenter.documents.storage import seal

    return seal(json.dumps(payload).encode(), info=_INFO, aad=token.encode())


def open_mail(mail: OutgoingMail) -> dict[str, Any]:
    from openjobcenter.documents.storage import unseal

    data: dict[str, Any] = json.loads(
        unseal(bytes(mail.sealed), info=_INFO, aad=mail.token.encode())
    )
    return data


def sealed_mail(message: EmailMessage) -> OutgoingMail:
    """The unsaved row that holds ``message``, sealed."""
    html: str | None = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    payload = {
        "subject": str(message.subject),
        "body": str(message.body),
        "to": list(message.to),
        "from_email": str(message.from_email or settings.DEFAULT_FROM_EMAIL),
        "html": html,
    }
    mail = OutgoingMail(sealed=b"")
    mail.sealed = _seal(payload, mail.token)
    return mail


def send_after_commit(message: EmailMessage) -> None:
    mail = sealed_mail(message)
    mail.save()
    mail_id = mail.pk
    transaction.on_commit(lambda: send_email.enqueue(mail_id=mail_id))


def rows_along(mail: OutgoingMail) -> tuple[Model, ...]:
    """What ``send_after_commit`` writes, for a caller that writes it with its change in
    one statement (``core.fastsql``'s ``along``): the sealed row (its key reserved by the
    caller, ``fastsql.reserve_keys``) and the task's row (``core/taskrows.py``); with
    another task backend the task is enqueued after the commit."""
    if mail.pk is None:
        msg = "reserve the mail's key first (fastsql.reserve_keys)"
        raise ValueError(msg)
    return (mail, *taskrows.rows_for(send_email, mail_id=mail.pk))


def send_outgoing(mail_id: int) -> int:
    """Send one stored mail and delete it; 0 when it is gone (sent already)."""
    mail = OutgoingMail.objects.filter(pk=mail_id).first()
    if mail is None:
        return 0
    data = open_mail(mail)
    message = EmailMultiAlternatives(
        data["subject"], data["body"], data["from_email"], list(data["to"])
    )
    if data.get("html"):
        message.attach_alternative(data["html"], "text/html")
    sent = message.send()
    mail.delete()
    return sent
