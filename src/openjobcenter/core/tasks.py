"""Background tasks of the platform core."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(
    *, subject: str, body: str, to: list[str], from_email: str, html: str | None = None
) -> int:
    """Send one e-mail. Runs in the worker so a slow mail server never blocks a page."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
