"""The job-centre admin's page "Empfang einrichten": waiting areas (name, call-number
letter), desks, and the waiting-room displays' links (created, shown once, revoked)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.reception import selectors
from openjobcenter.reception import services_config as services
from openjobcenter.reception.services import ReceptionError
from openjobcenter.reception.views_staff import MODULE
from openjobcenter.tenants.modules import require_module

NAME_MAX = {"area": 80, "desk": 40, "display": 80}


def _name(request: HttpRequest, kind: str) -> str:
    name = request.POST.get("name", "").strip()
    if not name:
        raise ReceptionError(_("Bitte geben Sie eine Bezeichnung an."), field="name")
    if len(name) > NAME_MAX[kind]:
        raise ReceptionError(
            _("Die Bezeichnung darf höchstens %(n)s Zeichen lang sein.") % {"n": NAME_MAX[kind]},
            field="name",
        )
    return name


def _validation_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _setup_action(request: HttpRequest, action: str) -> str:
    """Run one of the page's forms; the new display's link, else ""."""
    jobcenter, user = request_jobcenter(request), request_user(request)
    new_link = ""
    if action == "area":
        raw = request.POST.get("pk", "")
        area = selectors.get_area(jobcenter, raw) if raw else None
        prefix = request.POST.get("prefix", "").strip().upper()
        saved_area = services.area_save(
            request=request,
            actor=user,
            jobcenter=jobcenter,
            area=area,
            name=_name(request, "area"),
            prefix=prefix,
            active=request.POST.get("active", "on" if area is None else "") == "on",
        )
        messages.success(
            request, _("Wartebereich %(name)s gespeichert.") % {"name": saved_area.name}
        )
    elif action == "desk":
        raw = request.POST.get("pk", "")
        desk = selectors.get_desk(jobcenter, raw) if raw else None
        saved_desk = services.desk_save(
            request=request,
            actor=user,
            jobcenter=jobcenter,
            desk=desk,
            area=selectors.get_area(jobcenter, request.POST.get("area")),
            name=_name(request, "desk"),
            active=request.POST.get("active", "on" if desk is None else "") == "on",
        )
        messages.success(request, _("Platz %(name)s gespeichert.") % {"name": saved_desk.name})
    elif action == "display":
        display, token = services.display_create(
            request=request,
            actor=user,
            jobcenter=jobcenter,
            area=selectors.get_area(jobcenter, request.POST.get("area")),
            name=_name(request, "display"),
        )
        new_link = request.build_absolute_uri(
            reverse("tenant:reception_display", kwargs={"jc": jobcenter.slug, "token": token})
        )
        messages.success(
            request,
            _(
                "Anzeige %(name)s angelegt. Öffnen Sie den Link unten auf dem Bildschirm im "
                "Wartebereich; er wird nur jetzt angezeigt."
            )
            % {"name": display.name},
        )
    elif action == "revoke":
        display = services.display_revoke(
            request=request,
            actor=user,
            display=selectors.get_display(jobcenter, request.POST.get("pk")),
        )
        messages.success(
            request,
            _("Der Link der Anzeige %(name)s gilt nicht mehr.") % {"name": display.name},
        )
    else:
        raise ReceptionError(_("Diese Aktion gibt es hier nicht."))

    return new_link


@require_module(MODULE)
@staff_required(Perm.JOBCENTER_CONFIGURE)
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    error, status = "", 200
    new_link = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            new_link = _setup_action(request, action)
        except ReceptionError as exc:
            error, status = exc.message, 400
        except ValidationError as exc:
            error, status = _validation_text(exc), 400
        else:
            if not new_link:
                return redirect(reverse("staff:reception_setup", kwargs={"jc": jobcenter.slug}))
    return render(
        request,
        "reception/staff_setup.html",
        {
            "areas": list(selectors.areas_of(jobcenter)),
            "desks": list(selectors.desks_of(jobcenter)),
            "displays": list(selectors.displays_of(jobcenter)),
            "error": error,
            "new_link": new_link,
            "posted": request.POST if status == 400 else {},
        },
        status=status,
    )
