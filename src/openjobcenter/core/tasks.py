"""Background tasks of the platform core."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

from openjobcenter.core import failpoints


@task()
def send_email(
    *, subject: str, body: str, to: list[str], from_email: str, html: str | None = None
) -> int:
    """Send one e-mail. Runs in the worker so a slow mail server never blocks a page."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    failpoints.hit("core.send_email")
    return message.send()


@task()
def deliver_outbox_item(*, item_id: int) -> str | None:
    """Deliver one outbox row right after the commit that wrote it (``core.outbox``)."""
    from openjobcenter.core import outbox

    return outbox.deliver(item_id)


@task()
def sweep_outbox() -> int:
    """Periodic (``core.scheduler``): deliver every outbox row still due; prune old ones."""
    from openjobcenter.core import outbox

    ran = outbox.sweep()
    outbox.prune()
    return ran
