"""The appointments module's part of the customer's home: invitations to confirm,
today's appointments and the next one."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from openjobcenter.appointments import selectors
from openjobcenter.appointments.models import ACTIVE_STATUSES, Status
from openjobcenter.core.content_i18n import translated
from openjobcenter.home.registry import HomeItem, HomeProvider, Urgency, urgency_for

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.appointments.models import Appointment


def _when(appointment: Appointment) -> str:
    local = timezone.localtime(appointment.starts_at)
    return _("%(date)s um %(time)s Uhr") % {
        "date": formats.date_format(local, "SHORT_DATE_FORMAT"),
        "time": formats.time_format(local, "H:i"),
    }


class AppointmentsProvider(HomeProvider):
    """Open invitations (each one), today's appointments and the next one after today;
    one query. An appointment leaves the home once it is over or cancelled, an
    invitation once it is answered."""

    key = "appointments.upcoming"
    module = "appointments"

    def items(self, customer: CustomerProfile) -> list[HomeItem]:
        now = timezone.now()
        today = timezone.localdate()
        rows = selectors.appointments_of_customer(customer).filter(
            status__in=ACTIVE_STATUSES, ends_at__gt=now
        )[:50]
        out: list[HomeItem] = []
        next_shown = False
        for appt in rows:
            url = reverse(
                "customer:appointment", kwargs={"jc": customer.jobcenter.slug, "pk": appt.pk}
            )
            where = translated(appt.type, "name")
            if appt.status == Status.INVITED:
                out.append(
                    HomeItem(
                        kind="appointment_invitation",
                        title=_("Einladung: bitte bestätigen Sie den Termin"),
                        detail=f"{where}, {_when(appt)}",
                        url=url,
                        action=_("Ansehen und bestätigen"),
                        urgency=min(urgency_for(appt.starts_at), Urgency.SOON),
                        due=appt.starts_at,
                        until=appt.ends_at,
                    )
                )
                continue
            day = timezone.localdate(appt.starts_at)
            if day == today:
                title = _("Heute: Ihr Termin")
            elif not next_shown and day > today and day - today <= timedelta(days=60):
                title = _("Ihr nächster Termin")
            else:
                continue
            next_shown = next_shown or day > today
            out.append(
                HomeItem(
                    kind="appointment",
                    title=title,
                    detail=f"{where}, {_when(appt)}",
                    url=url,
                    action=_("Termin ansehen"),
                    urgency=urgency_for(appt.starts_at),
                    due=appt.starts_at,
                    until=appt.ends_at,
                )
            )
        return out
