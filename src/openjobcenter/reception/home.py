"""The reception's part of the customer's home: today's open ticket, live.

Every ticket change calls ``home_changed``, so the open home page fetches its list again
the moment reception checks the customer in or an advisor calls the number. One query.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.translation import gettext as _

from openjobcenter.home.registry import HomeItem, HomeProvider, Urgency
from openjobcenter.reception import selectors
from openjobcenter.reception.models import TicketStatus

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile


class TicketProvider(HomeProvider):
    key = "reception.ticket"
    module = "appointments"

    def items(self, customer: CustomerProfile) -> list[HomeItem]:
        ticket = selectors.open_ticket_of(customer)
        if ticket is None:
            return []
        url = reverse("customer:home", kwargs={"jc": customer.jobcenter.slug})
        if ticket.status == TicketStatus.CALLED and ticket.desk is not None:
            return [
                HomeItem(
                    kind="reception_called",
                    title=_("Bitte kommen Sie jetzt zu %(desk)s") % {"desk": ticket.desk.name},
                    detail=_("Aufruf-Nr. %(number)s") % {"number": ticket.call_number},
                    url=url,
                    action=_("Aktualisieren"),
                    urgency=Urgency.OVERDUE,
                    due=ticket.called_at,
                )
            ]
        return [
            HomeItem(
                kind="reception_waiting",
                title=_(
                    "Sie sind angemeldet – bitte warten Sie im Wartebereich %(area)s, "
                    "Aufruf-Nr. %(number)s"
                )
                % {"area": ticket.area.name, "number": ticket.call_number},
                detail=_("Wir rufen Ihre Nummer auf dem Bildschirm im Wartebereich auf."),
                url=url,
                action=_("Aktualisieren"),
                urgency=Urgency.OVERDUE,
                due=ticket.created_at,
            )
        ]
