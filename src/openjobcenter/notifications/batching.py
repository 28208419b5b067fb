"""When a notification goes out, and what one notification says for several events.

Two rules keep notifications from pulling people away for nothing:

* An event that ``waits_for_reading`` (a new message) is due ``NOTIFY_READ_DELAY_S``
  after it happened. When it is due, the module that raised it is asked whether the
  person has read it meanwhile (live in the chat, on another device); then nothing is
  sent. Modules register that question per event (``register_read_check``); the outbox
  row carries only an opaque ``ref`` (e.g. the message id) for it.
* Events that arrive for one person while another is still waiting join that one's
  due time, and everything due for a person at once goes out as one notification per
  channel: the event's own text when it is one thing, else the neutral digest text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings

if TYPE_CHECKING:
    from openjobcenter.accounts.models import User
    from openjobcenter.notifications.models import PendingNotification

# (person, ref) -> True when the person has already seen what the event was about.
ReadCheck = Callable[["User", str], bool]

_read_checks: dict[str, ReadCheck] = {}


def register_read_check(event_key: str, check: ReadCheck) -> None:
    _read_checks[event_key] = check


def already_read(pending: PendingNotification) -> bool:
    check = _read_checks.get(pending.event)
    if check is None or not pending.ref:
        return False
    return check(pending.user, pending.ref)


def read_delay() -> timedelta:
    return timedelta(seconds=settings.NOTIFY_READ_DELAY_S)


def batch_due_at(earliest_waiting: datetime | None, own_due: datetime, now: datetime) -> datetime:
    """A new event joins a notification still waiting for the person (one digest, not a
    second notification a minute later); otherwise it keeps its own due time."""
    if earliest_waiting is not None and now < earliest_waiting <= own_due:
        return earliest_waiting
    return own_due


def digest_url(urls: Sequence[str]) -> str:
    """The deepest page that leads to all of ``urls``: for a customer's message and
    appointment that is their home ("/fulda/mein-bereich/")."""
    split = [urlsplit(u) for u in urls]
    origins = {(s.scheme, s.netloc) for s in split}
    origin = "{}://{}".format(*origins.pop()) if len(origins) == 1 and split[0].netloc else ""
    common: list[str] = []
    for segments in zip(*(s.path.strip("/").split("/") for s in split), strict=False):
        if len(set(segments)) != 1 or not segments[0]:
            break
        common.append(segments[0])
    return origin + ("/" + "/".join(common) + "/" if common else "/")
