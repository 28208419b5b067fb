"""Tenant-scoped reads of appointments (DESIGN §4.2) and the free-slot search."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from openjobcenter.accounts.models import CustomerProfile, StaffMembership, User
from openjobcenter.appointments.models import (
    ACTIVE_STATUSES,
    Absence,
    Appointment,
    AppointmentType,
    WeeklyHours,
)
from openjobcenter.appointments.slots import BusyIndex, Slot, Window, generate_slots
from openjobcenter.core.access import ROLE_PERMISSIONS, Perm
from openjobcenter.tenants.models import Jobcenter, Office


def appointments_of_customer(customer: CustomerProfile) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(customer=customer, jobcenter=customer.jobcenter)
        .select_related("type", "staff", "office")
        .order_by("starts_at")
    )


def get_appointment_for_customer(customer: CustomerProfile, pk: int) -> Appointment:
    """The customer's own appointment, or 404 (also for another customer's)."""
    try:
        return appointments_of_customer(customer).select_related("proof").get(pk=pk)
    except Appointment.DoesNotExist:
        raise Http404 from None


def appointments_of_jobcenter(jobcenter: Jobcenter) -> QuerySet[Appointment]:
    return Appointment.objects.filter(jobcenter=jobcenter).select_related(
        "type", "staff", "office", "customer", "customer__user"
    )


def get_appointment_for_staff(jobcenter: Jobcenter, pk: int) -> Appointment:
    """An appointment of the staff member's job centre, or 404."""
    try:
        return appointments_of_jobcenter(jobcenter).select_related("proof").get(pk=pk)
    except Appointment.DoesNotExist:
        raise Http404 from None


def bookable_types(jobcenter: Jobcenter) -> QuerySet[AppointmentType]:
    return AppointmentType.objects.filter(jobcenter=jobcenter, is_active=True, self_bookable=True)


def get_type_for(jobcenter: Jobcenter, pk: int, *, self_bookable_only: bool) -> AppointmentType:
    qs = AppointmentType.objects.filter(jobcenter=jobcenter, is_active=True)
    if self_bookable_only:
        qs = qs.filter(self_bookable=True)
    try:
        return qs.get(pk=pk)
    except AppointmentType.DoesNotExist:
        raise Http404 from None


def staff_for_type(appt_type: AppointmentType, customer: CustomerProfile | None) -> list[int]:
    """Who can be booked: the customer's own advisor, or everyone with hours."""
    if appt_type.own_advisor_only:
        if customer is None or customer.advisor_id is None:
            return []
        return [customer.advisor_id]
    return list(
        WeeklyHours.objects.filter(jobcenter=appt_type.jobcenter)
        .values_list("staff_id", flat=True)
        .distinct()
    )


def free_slots(
    *,
    appt_type: AppointmentType,
    staff_ids: list[int],
    now: datetime | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[Slot]:
    """Free slots for ``appt_type`` with any of ``staff_ids``, within notice and horizon."""
    if not staff_ids:
        return []
    now = now or timezone.now()
    earliest = max(now + timedelta(hours=appt_type.notice_hours), start or now)
    latest = now + timedelta(days=appt_type.horizon_days)
    if end is not None:
        latest = min(latest, end)
    if latest <= earliest:
        return []
    jobcenter = appt_type.jobcenter
    windows = [
        Window(h.staff_id, h.weekday, h.start, h.end, h.office_id)
        for h in WeeklyHours.objects.filter(jobcenter=jobcenter, staff_id__in=staff_ids)
    ]
    margin = timedelta(hours=12)
    taken = (
        Appointment.objects.filter(
            staff_id__in=staff_ids,
            status__in=ACTIVE_STATUSES,
            starts_at__lt=latest + margin,
            ends_at__gt=earliest - margin,
        )
        .annotate(buffer=F("type__buffer_min"))
        .values_list("staff_id", "starts_at", "ends_at", "buffer")
    )
    absences = Absence.objects.filter(
        Q(staff_id__in=staff_ids) | Q(staff__isnull=True),
        jobcenter=jobcenter,
        starts_at__lt=latest + margin,
        ends_at__gt=earliest - margin,
    ).values_list("staff_id", "starts_at", "ends_at")
    busy = BusyIndex(
        [(s, a, b + timedelta(minutes=buf or 0)) for s, a, b, buf in taken] + list(absences)
    )
    return generate_slots(
        windows=windows,
        busy=busy,
        duration=timedelta(minutes=appt_type.duration_min),
        step=timedelta(minutes=appt_type.step_min),
        earliest=earliest,
        latest=latest,
    )


def staff_members(jobcenter: Jobcenter) -> QuerySet[User]:
    return User.objects.filter(memberships__jobcenter=jobcenter).distinct().order_by("last_name")


# --- Back-office lookups (configuration pages) ---------------------------------------


def parse_pk(raw: str | None) -> int:
    """A forged or malformed id is "not found", like an id of another job centre."""
    if not raw or not raw.isdigit() or len(raw) > 18:
        raise Http404
    return int(raw)


def bookable_staff(jobcenter: Jobcenter) -> QuerySet[User]:
    """Staff of the job centre who hold appointments (not reception only)."""
    roles = [str(r) for r in ROLE_PERMISSIONS[Perm.APPOINTMENTS_OWN]]
    return (
        User.objects.filter(memberships__jobcenter=jobcenter, memberships__role__in=roles)
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )


def advisors_for(jobcenter: Jobcenter) -> QuerySet[User]:
    """Who can hold an appointment of this job centre: active accounts with a role that
    has its own appointments (not reception only), sorted by name, each with
    ``advisor_roles`` (its roles here, for the picker's "Petra Berger – Arbeitsvermittlung").

    Appointment types have no per-type list of people; when they get one, it narrows
    this list here (the invite form and the services both ask this function)."""
    roles = [str(r) for r in ROLE_PERMISSIONS[Perm.APPOINTMENTS_OWN]]
    return (
        User.objects.filter(
            is_active=True, memberships__jobcenter=jobcenter, memberships__role__in=roles
        )
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=StaffMembership.objects.filter(
                    jobcenter=jobcenter, role__in=roles
                ).order_by("role"),
                to_attr="advisor_roles",
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def advisor_label(user: User) -> str:
    """ "Petra Berger – Arbeitsvermittlung" (roles from ``advisors_for``)."""
    memberships = getattr(user, "advisor_roles", [])
    roles = ", ".join(str(m.get_role_display()) for m in memberships)
    return f"{user.display_name} – {roles}" if roles else user.display_name


def get_staff_member(jobcenter: Jobcenter, raw: str | None) -> User:
    try:
        return staff_members(jobcenter).get(pk=parse_pk(raw))
    except User.DoesNotExist:
        raise Http404 from None


def types_of(jobcenter: Jobcenter) -> QuerySet[AppointmentType]:
    return AppointmentType.objects.filter(jobcenter=jobcenter).order_by("-is_active", "name")


def get_type_for_config(jobcenter: Jobcenter, pk: int) -> AppointmentType:
    try:
        return types_of(jobcenter).get(pk=pk)
    except AppointmentType.DoesNotExist:
        raise Http404 from None


def offices_of(jobcenter: Jobcenter) -> QuerySet[Office]:
    return Office.objects.filter(jobcenter=jobcenter).order_by("position", "name")


def get_office(jobcenter: Jobcenter, raw: str | None) -> Office:
    try:
        return offices_of(jobcenter).get(pk=parse_pk(raw))
    except Office.DoesNotExist:
        raise Http404 from None


def get_hours(jobcenter: Jobcenter, raw: str | None) -> WeeklyHours:
    try:
        return WeeklyHours.objects.select_related("staff", "jobcenter").get(
            pk=parse_pk(raw), jobcenter=jobcenter
        )
    except WeeklyHours.DoesNotExist:
        raise Http404 from None


def get_absence(jobcenter: Jobcenter, raw: str | None) -> Absence:
    try:
        return Absence.objects.select_related("staff", "jobcenter").get(
            pk=parse_pk(raw), jobcenter=jobcenter
        )
    except Absence.DoesNotExist:
        raise Http404 from None
