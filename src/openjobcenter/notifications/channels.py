"""Notification channels (DESIGN §4.4: a registry with an abstract base class).

A channel delivers one rendered ``Payload`` to one person. Built in: ``email`` and
``webpush``. Payloads are built from ``events`` only, so no channel can leak content.
"""

from __future__ import annotations

import json
import logging
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage

from openjobcenter.core.mail import send_after_commit

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User
    from openjobcenter.notifications.models import NotificationPreference

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Payload:
    """What a notification says: a fixed title and body of the event, and a link."""

    event: str
    title: str
    body: str
    url: str

    def as_json(self) -> str:
        return json.dumps({"title": self.title, "body": self.body, "url": self.url})


class NotificationChannel(ABC):
    key: str

    @abstractmethod
    def wanted(self, user: User, pref: NotificationPreference) -> bool:
        """Does this person want (and can they get) notifications on this channel?"""

    @abstractmethod
    def send(self, user: User, payload: Payload) -> bool:
        """Deliver; True when something went out."""


class EmailChannel(NotificationChannel):
    key = "email"

    def wanted(self, user: User, pref: NotificationPreference) -> bool:
        return bool(pref.email and user.email and user.is_active)

    def send(self, user: User, payload: Payload) -> bool:
        link = payload.url if payload.url.startswith("http") else settings.SITE_URL + payload.url
        body = f"{payload.body}\n\n{link}\n"
        send_after_commit(
            EmailMessage(payload.title, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        )
        return True


class WebPushChannel(NotificationChannel):
    key = "webpush"

    def wanted(self, user: User, pref: NotificationPreference) -> bool:
        return bool(pref.push and user.push_subscriptions.exists())

    def send(self, user: User, payload: Payload) -> bool:
        from pywebpush import WebPushException, webpush  # type: ignore[import-untyped]

        from openjobcenter.notifications.services import push_subscription_forget
        from openjobcenter.notifications.vapid import vapid_keys

        private_key, _public = vapid_keys()
        sent = False
        for sub in user.push_subscriptions.all():
            try:
                webpush(
                    {"endpoint": sub.endpoint, "keys": {"p256dh": sub.p256dh, "auth": sub.auth}},
                    data=payload.as_json(),
                    vapid_private_key=private_key,
                    vapid_claims={"sub": settings.VAPID_SUBJECT},
                    ttl=24 * 3600,
                    timeout=10,
                )
                sent = True
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in (404, 410):  # the browser dropped the subscription
                    push_subscription_forget(subscription=sub)
                else:
                    logger.warning("web push failed", extra={"status": status})
            except Exception:  # a push service being down must not stop the others
                logger.exception("web push failed")
        return sent


_channels: dict[str, NotificationChannel] = {}


def register(channel: NotificationChannel) -> NotificationChannel:
    _channels[channel.key] = channel
    return channel


def all_channels() -> list[NotificationChannel]:
    return list(_channels.values())


register(EmailChannel())
register(WebPushChannel())
