"""E-mail leaves the platform only after the transaction that caused it committed."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction

from openjobcenter.core.tasks import send_email


def send_after_commit(message: EmailMessage) -> None:
    html: str | None = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    subject, body = str(message.subject), str(message.body)
    to, from_email = list(message.to), str(message.from_email or settings.DEFAULT_FROM_EMAIL)
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=subject, body=body, to=to, from_email=from_email, html=html
        )
    )
