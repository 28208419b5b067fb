"""Staff pages for configuring appointments: consultation hours, absences and types.

Split from ``views_staff`` (which keeps the calendar, invitations, one appointment and
reception); the same gates and helpers apply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.accounts.models import User
from openjobcenter.appointments import services_config
from openjobcenter.appointments.forms_staff import (
    ABSENCE_KINDS,
    AbsenceForm,
    AppointmentTypeForm,
    WeeklyHoursForm,
)
from openjobcenter.appointments.models import (
    Absence,
    Channel,
    WeeklyHours,
)
from openjobcenter.appointments.selectors import (
    bookable_staff,
    get_absence,
    get_hours,
    get_staff_member,
    get_type_for_config,
    offices_of,
    types_of,
)
from openjobcenter.appointments.services import AppointmentError
from openjobcenter.core.access import Perm, staff_required
from openjobcenter.tenants.modules import require_module

if TYPE_CHECKING:
    pass

from openjobcenter.appointments.views_staff import (
    MODULE,
    _add_service_error,
    _can_configure,
    _jc,
    _user,
)

# --- Consultation hours and absences ---------------------------------------------------


def _may_edit(request: HttpRequest, staff: User | None) -> bool:
    """Own rows for everyone with a calendar; others' and job-centre-wide ones for leads."""
    return _can_configure(request) or (staff is not None and staff.pk == request.user.pk)


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_OWN)
@require_http_methods(["GET", "POST"])
def hours(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter, user = _jc(request), _user(request)
    can_configure = _can_configure(request)
    person = user
    raw_person = request.GET.get("person", "")
    if raw_person and raw_person != str(user.pk):
        if not can_configure:
            raise PermissionDenied
        person = get_staff_member(jobcenter, raw_person)
    offices = offices_of(jobcenter)
    hours_form = WeeklyHoursForm(prefix="hours", offices=offices)
    absence_form = AbsenceForm(prefix="absence", allow_everyone=can_configure)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        status = 400
        try:
            if action == "add_hours":
                hours_form = WeeklyHoursForm(request.POST, prefix="hours", offices=offices)
                if hours_form.is_valid():
                    data = hours_form.cleaned_data
                    services_config.weekly_hours_add(
                        request=request,
                        actor=user,
                        jobcenter=jobcenter,
                        staff=person,
                        office=data["office"],
                        weekday=data["weekday"],
                        start=data["start"],
                        end=data["end"],
                    )
                    messages.success(request, _("Die Sprechzeit wurde hinzugefügt."))
                    return redirect(request.get_full_path())
            elif action == "add_absence":
                absence_form = AbsenceForm(
                    request.POST, prefix="absence", allow_everyone=can_configure
                )
                if absence_form.is_valid():
                    data = absence_form.cleaned_data
                    services_config.absence_add(
                        request=request,
                        actor=user,
                        jobcenter=jobcenter,
                        staff=None if data.get("everyone") else person,
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        reason=data["kind"],
                    )
                    messages.success(request, _("Die Abwesenheit wurde eingetragen."))
                    return redirect(request.get_full_path())
            elif action == "delete_hours":
                row = get_hours(jobcenter, request.POST.get("row"))
                if not _may_edit(request, row.staff):
                    raise PermissionDenied
                services_config.weekly_hours_delete(request=request, actor=user, hours=row)
                messages.success(request, _("Die Sprechzeit wurde gelöscht."))
                return redirect(request.get_full_path())
            elif action == "delete_absence":
                absence = get_absence(jobcenter, request.POST.get("row"))
                if not _may_edit(request, absence.staff):
                    raise PermissionDenied
                services_config.absence_delete(request=request, actor=user, absence=absence)
                messages.success(request, _("Die Abwesenheit wurde gelöscht."))
                return redirect(request.get_full_path())
            else:
                raise BadRequest(_("Diese Aktion gibt es nicht."))
        except AppointmentError as exc:
            _add_service_error(hours_form if action == "add_hours" else absence_form, exc)
    weekly = WeeklyHours.objects.filter(jobcenter=jobcenter, staff=person).select_related("office")
    absences = (
        Absence.objects.filter(jobcenter=jobcenter, ends_at__gt=timezone.now())
        .filter(Q(staff=person) | Q(staff__isnull=True))
        .select_related("staff")
        .order_by("starts_at")
    )
    return render(
        request,
        "appointments/staff_hours.html",
        {
            "person": person,
            "is_self": person == user,
            "weekly": list(weekly),
            "absences": [(a, ABSENCE_KINDS.get(a.reason, a.reason)) for a in absences],
            "hours_form": hours_form,
            "absence_form": absence_form,
            "can_configure": can_configure,
            "people": list(bookable_staff(jobcenter)) if can_configure else [],
        },
        status=status,
    )


# --- Appointment types -----------------------------------------------------------------


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_CONFIGURE)
@require_GET
def types(request: HttpRequest, jc: str) -> HttpResponse:
    rows = [
        (t, [Channel(c).label for c in (t.channels or []) if c in Channel.values])
        for t in types_of(_jc(request))
    ]
    return render(request, "appointments/staff_types.html", {"rows": rows})


@require_module(MODULE)
@staff_required(Perm.APPOINTMENTS_CONFIGURE)
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, jc: str, type_id: int | None = None) -> HttpResponse:
    jobcenter, user = _jc(request), _user(request)
    appt_type = get_type_for_config(jobcenter, type_id) if type_id is not None else None
    initial = (
        {f: getattr(appt_type, f) for f in services_config.TYPE_FIELDS}
        if appt_type is not None
        else {"channels": [Channel.IN_PERSON.value]}
    )
    # The form never saves: it validates, and the service writes.
    form = AppointmentTypeForm(
        request.POST or None,
        initial=initial,
        translations=appt_type.translations if appt_type is not None else None,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {f: form.cleaned_data[f] for f in services_config.TYPE_FIELDS}
            data["translations"] = form.translations()
            try:
                services_config.appointment_type_save(
                    request=request,
                    actor=user,
                    jobcenter=jobcenter,
                    appt_type=appt_type,
                    data=data,
                )
            except AppointmentError as exc:
                _add_service_error(form, exc)
            else:
                messages.success(request, _("Die Terminart wurde gespeichert."))
                return redirect(reverse("staff:appointment_types", kwargs={"jc": jc}))
    return render(
        request,
        "appointments/staff_type_edit.html",
        {"form": form, "appt_type": appt_type},
        status=status,
    )
