"""The events a person can be notified of, and the only words a notification may carry.

A notification says *that* something is waiting, never *what*: no message text, no
names, no benefit or appointment details (social data, § 35 SGB I). Each event is a
fixed, translatable title and body; callers pass only the event key and a link into the
platform, where the person reads the content after logging in.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Event:
    key: str
    title: str | Promise
    body: str | Promise
    # Channels that carry this event; None: every channel the person wants.
    channels: frozenset[str] | None = None
    # Wait ``NOTIFY_READ_DELAY_S`` before telling: a person who reads it live in the
    # meantime is not told at all (the read checks in ``batching``).
    waits_for_reading: bool = False

    def allows(self, channel_key: str) -> bool:
        return self.channels is None or channel_key in self.channels


_events: dict[str, Event] = {}


def register(event: Event) -> Event:
    _events[event.key] = event
    return event


def get_event(key: str) -> Event:
    try:
        return _events[key]
    except KeyError:
        msg = f"Unknown notification event {key!r}"
        raise ValueError(msg) from None


def all_events() -> list[Event]:
    return list(_events.values())


MESSAGE_NEW = register(
    Event(
        "message.new",
        _("Neue Nachricht"),
        _("Sie haben eine neue Nachricht von Ihrem Jobcenter."),
        waits_for_reading=True,
    )
)
MESSAGE_NEW_STAFF = register(
    Event(
        "message.new_staff",
        _("Neue Nachricht"),
        _("In Ihrem Postfach wartet eine neue Nachricht."),
        waits_for_reading=True,
    )
)
APPOINTMENT_REMINDER = register(
    Event(
        "appointment.reminder",
        _("Terminerinnerung"),
        _("Sie haben bald einen Termin bei Ihrem Jobcenter."),
        # The e-mail reminder (with time and place) comes from appointments/notify.py;
        # this event adds the push notification beside it, not a second e-mail.
        channels=frozenset({"webpush"}),
    )
)
DIGEST = register(
    Event(
        "digest",
        _("Neuigkeiten für Sie"),
        _("Es gibt mehrere Neuigkeiten für Sie. Bitte melden Sie sich an, um sie zu sehen."),
    )
)
