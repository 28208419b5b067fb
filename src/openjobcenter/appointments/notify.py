"""What people are told about appointments. Called after commit by the services.

E-mails carry the date, time and kind of appointment only: no reason, no message text,
nothing about the person's situation (a mailbox is not a safe place for social data).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from openjobcenter.appointments.models import Appointment
from openjobcenter.core.content_i18n import translated
from openjobcenter.core.languages import usable_language
from openjobcenter.core.mail import send_after_commit


def _load(pk: int) -> Appointment | None:
    return (
        Appointment.objects.select_related("type", "customer__user", "staff", "jobcenter", "office")
        .filter(pk=pk)
        .first()
    )


def when(appointment: Appointment) -> str:
    local = timezone.localtime(appointment.starts_at)
    return f"{date_format(local, 'DATE_FORMAT')}, {date_format(local, 'TIME_FORMAT')}"


def _mail(to: str, language: str, subject: str, body: str) -> None:
    send_after_commit(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to]))


def _to_customer(pk: int, subject: str, text: str) -> None:
    appointment = _load(pk)
    if appointment is None:
        return
    user = appointment.customer.user
    with translation.override(usable_language(user.preferred_language)):
        link = settings.SITE_URL + reverse(
            "customer:appointment", kwargs={"jc": appointment.jobcenter.slug, "pk": pk}
        )
        body = _(
            "Guten Tag,\n\n%(text)s\n\nTermin: %(type)s am %(when)s\nDetails: %(link)s\n\nIhr %(jc)s"
        ) % {
            "text": _(text),
            "type": translated(appointment.type, "name"),
            "when": when(appointment),
            "link": link,
            "jc": appointment.jobcenter.name,
        }
        _mail(user.email, usable_language(user.preferred_language), _(subject), body)


def _to_staff(pk: int, subject: str, text: str) -> None:
    appointment = _load(pk)
    if appointment is None:
        return
    staff = appointment.staff
    with translation.override(usable_language(staff.preferred_language)):
        link = settings.SITE_URL + reverse(
            "staff:appointment", kwargs={"jc": appointment.jobcenter.slug, "pk": pk}
        )
        body = _("%(text)s\n\nTermin: %(type)s am %(when)s\n%(link)s") % {
            "text": _(text),
            "type": appointment.type.name,
            "when": when(appointment),
            "link": link,
        }
        _mail(staff.email, usable_language(staff.preferred_language), _(subject), body)


# The texts are marked (gettext_noop) where they are defined and translated when sent, in the
# recipient's language.
def booked(pk: int) -> None:
    _to_customer(
        pk, gettext_noop("Ihr Termin ist gebucht"), gettext_noop("Ihr Termin ist gebucht.")
    )


def invited(pk: int) -> None:
    _to_customer(
        pk,
        gettext_noop("Einladung zu einem Termin"),
        gettext_noop(
            "Ihr Jobcenter lädt Sie zu einem Termin ein. Bitte bestätigen Sie den Termin oder bitten Sie um einen anderen."
        ),
    )


def rescheduled(pk: int) -> None:
    _to_customer(
        pk,
        gettext_noop("Ihr Termin wurde verschoben"),
        gettext_noop("Ihr Termin wurde verschoben."),
    )


def cancelled_by_staff(pk: int) -> None:
    _to_customer(
        pk,
        gettext_noop("Ihr Termin wurde abgesagt"),
        gettext_noop("Ihr Termin muss leider ausfallen. Wir melden uns bei Ihnen."),
    )


def change_requested(pk: int) -> None:
    _to_staff(
        pk,
        gettext_noop("Kundin oder Kunde kann den Termin nicht wahrnehmen"),
        gettext_noop(
            "Eine Kundin oder ein Kunde hat abgesagt oder bittet um einen anderen Termin."
        ),
    )


def arrived(pk: int) -> None:
    _to_staff(
        pk,
        gettext_noop("Ihre Kundin oder Ihr Kunde ist da"),
        gettext_noop("Ihre Kundin oder Ihr Kunde hat sich am Empfang angemeldet."),
    )


def reminder(pk: int) -> None:
    _to_customer(
        pk,
        gettext_noop("Erinnerung an Ihren Termin"),
        gettext_noop("Wir erinnern Sie an Ihren Termin."),
    )
    appointment = _load(pk)
    if appointment is not None:
        # Web Push beside the e-mail, for those who switched it on (fixed text, no details).
        from openjobcenter.notifications.services import notify

        notify(
            user=appointment.customer.user,
            event="appointment.reminder",
            url=settings.SITE_URL
            + reverse("customer:appointment", kwargs={"jc": appointment.jobcenter.slug, "pk": pk}),
        )
