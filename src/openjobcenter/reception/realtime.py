"""Live pushes of the reception module, after the commit (best effort; pages resync by
loading the current state on every (re)connect and poll).

- The customer: ``home.realtime.home_changed`` (the chat socket's person group); the
  customer's home shows the open ticket ("Sie sind angemeldet …", "Bitte kommen Sie jetzt
  zu Platz 3") through ``reception.home.TicketProvider``.
- Displays: the group ``reception.<job centre id>.<area id>`` gets ``reception.call``
  with the call number and the desk only; ``reception.display.<id>`` gets
  ``reception.revoked`` when the admin revokes the display's link.
"""

from __future__ import annotations

from typing import Any

from openjobcenter.messaging.realtime import push_after_commit
from openjobcenter.reception.models import Ticket


def area_group(jobcenter_id: int, area_id: int) -> str:
    return f"reception.{jobcenter_id}.{area_id}"


def display_group(display_id: int) -> str:
    return f"reception.display.{display_id}"


def call_pushed(ticket: Ticket, data: dict[str, Any]) -> None:
    event = {"type": "reception.call", "call": data}
    push_after_commit([area_group(ticket.jobcenter_id, ticket.area_id)], event)


def display_revoked(display_id: int) -> None:
    push_after_commit([display_group(display_id)], {"type": "reception.revoked"})
