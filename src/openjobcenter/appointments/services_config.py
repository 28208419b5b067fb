"""Writes to a job centre's appointment configuration (DESIGN §4.1): appointment types,
weekly consultation hours and absences. Each is atomic and audited as
``appointment_config``; refusals raise ``AppointmentError`` with the message to show."""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openjobcenter.accounts.models import StaffMembership, User
from openjobcenter.appointments.models import Absence, AppointmentType, Channel, WeeklyHours
from openjobcenter.appointments.services import AppointmentError
from openjobcenter.appointments.slot_cache import slots_changed
from openjobcenter.core.audit import audit
from openjobcenter.core.content_i18n import checked_translations
from openjobcenter.core.models import AuditAction

if TYPE_CHECKING:
    from django.http import HttpRequest

    from openjobcenter.tenants.models import Jobcenter, Office

OBJECT_TYPE = "appointment_config"

TYPE_FIELDS = (
    "name",
    "description",
    "duration_min",
    "buffer_min",
    "channels",
    "self_bookable",
    "own_advisor_only",
    "horizon_days",
    "notice_hours",
    "what_to_bring",
    "legal_notice",
    "is_active",
)


def _audit(
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    action: AuditAction,
    object_id: int | str,
    detail: str,
    subject: User | None = None,
) -> None:
    audit(
        request=request,
        action=action,
        object_type=OBJECT_TYPE,
        object_id=object_id,
        jobcenter=jobcenter,
        subject=subject,
        actor=actor,
        detail=detail,
    )


def _require_staff_of(jobcenter: Jobcenter, staff: User) -> None:
    if not StaffMembership.objects.filter(jobcenter=jobcenter, user=staff).exists():
        raise AppointmentError(_("Diese Person gehört nicht zu diesem Jobcenter."), field="staff")


def _require_office_of(jobcenter: Jobcenter, office: Office | None) -> None:
    if office is not None and office.jobcenter_id != jobcenter.pk:
        raise AppointmentError(
            _("Diesen Standort gibt es in diesem Jobcenter nicht."), field="office"
        )


@transaction.atomic
def appointment_type_save(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    appt_type: AppointmentType | None,
    data: dict[str, Any],
) -> AppointmentType:
    """Create (``appt_type`` None) or change an appointment type of ``jobcenter``."""
    unknown = set(data) - {*TYPE_FIELDS, "translations"}
    if unknown:
        msg = f"Not editable: {sorted(unknown)}"
        raise ValueError(msg)
    if "translations" in data:
        data = {**data, "translations": checked_translations(data["translations"])}
    if appt_type is not None and appt_type.jobcenter_id != jobcenter.pk:
        raise AppointmentError(_("Diese Terminart gehört zu einem anderen Jobcenter."))
    channels = [str(c) for c in data.get("channels", appt_type.channels if appt_type else [])]
    if not channels or any(c not in Channel.values for c in channels):
        raise AppointmentError(_("Bitte wählen Sie mindestens einen Weg."), field="channels")
    # Keep the order of Channel so lists look the same everywhere.
    data = {**data, "channels": [c for c in Channel.values if c in channels]}
    creating = appt_type is None
    if appt_type is None:
        appt_type = AppointmentType(jobcenter=jobcenter)
    changed = [f for f, v in data.items() if creating or getattr(appt_type, f) != v]
    for field in changed:
        setattr(appt_type, field, data[field])
    try:
        appt_type.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise AppointmentError(" ".join(messages), field=field) from None
    if creating or changed:
        appt_type.save()
        _audit(
            request,
            actor,
            jobcenter,
            AuditAction.CREATE if creating else AuditAction.UPDATE,
            appt_type.pk,
            "type " + ("created" if creating else "fields=" + ",".join(changed)),
        )
        slots_changed(jobcenter.pk)
    return appt_type


@transaction.atomic
def weekly_hours_add(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    staff: User,
    office: Office | None,
    weekday: int,
    start: time,
    end: time,
) -> WeeklyHours:
    """Add one recurring consultation window; rows of one person may not overlap."""
    _require_staff_of(jobcenter, staff)
    _require_office_of(jobcenter, office)
    if weekday not in range(7):
        raise AppointmentError(_("Bitte wählen Sie einen Wochentag."), field="weekday")
    if end <= start:
        raise AppointmentError(_("Das Ende muss nach dem Beginn liegen."), field="end")
    # Lock the person so two parallel additions cannot both pass the overlap check.
    User.objects.select_for_update().filter(pk=staff.pk).first()
    overlapping = WeeklyHours.objects.filter(
        jobcenter=jobcenter, staff=staff, weekday=weekday, start__lt=end, end__gt=start
    ).exists()
    if overlapping:
        raise AppointmentError(
            _("Diese Zeit überschneidet sich mit einer anderen Sprechzeit am selben Tag."),
            field="start",
        )
    hours = WeeklyHours.objects.create(
        jobcenter=jobcenter, staff=staff, office=office, weekday=weekday, start=start, end=end
    )
    _audit(
        request,
        actor,
        jobcenter,
        AuditAction.CREATE,
        hours.pk,
        f"hours staff={staff.pk} day={weekday} {start:%H:%M}-{end:%H:%M}",
        subject=staff,
    )
    slots_changed(jobcenter.pk)
    return hours


@transaction.atomic
def weekly_hours_delete(*, request: HttpRequest | None, actor: User, hours: WeeklyHours) -> None:
    """Remove one consultation window; booked appointments stay as they are."""
    pk, jobcenter, staff = hours.pk, hours.jobcenter, hours.staff
    detail = f"hours staff={staff.pk} day={hours.weekday} {hours.start:%H:%M}-{hours.end:%H:%M}"
    hours.delete()
    _audit(request, actor, jobcenter, AuditAction.DELETE, pk, detail, subject=staff)
    slots_changed(jobcenter.pk)


@transaction.atomic
def absence_add(
    *,
    request: HttpRequest | None,
    actor: User,
    jobcenter: Jobcenter,
    staff: User | None,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
) -> Absence:
    """A period without bookable slots; ``staff`` None closes the whole job centre."""
    if staff is not None:
        _require_staff_of(jobcenter, staff)
    if ends_at <= starts_at:
        raise AppointmentError(_("Das Ende muss nach dem Beginn liegen."), field="ends_at")
    absence = Absence.objects.create(
        jobcenter=jobcenter, staff=staff, starts_at=starts_at, ends_at=ends_at, reason=reason[:120]
    )
    _audit(
        request,
        actor,
        jobcenter,
        AuditAction.CREATE,
        absence.pk,
        f"absence staff={staff.pk if staff else '*'} {starts_at:%Y-%m-%d %H:%M}Z-{ends_at:%Y-%m-%d %H:%M}Z",
        subject=staff,
    )
    slots_changed(jobcenter.pk)
    return absence


@transaction.atomic
def absence_delete(*, request: HttpRequest | None, actor: User, absence: Absence) -> None:
    pk, jobcenter, staff = absence.pk, absence.jobcenter, absence.staff
    detail = f"absence staff={staff.pk if staff else '*'} {absence.starts_at:%Y-%m-%d %H:%M}Z"
    absence.delete()
    _audit(request, actor, jobcenter, AuditAction.DELETE, pk, detail, subject=staff)
    slots_changed(jobcenter.pk)
