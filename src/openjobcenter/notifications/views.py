"""Pages of the notifications module: the customer's preferences, the service worker and
the web app manifest (both at the site root, so the worker's scope is the whole site)."""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.core.access import customer_required, request_user
from openjobcenter.notifications.forms import PreferenceForm
from openjobcenter.notifications.services import (
    PreferenceInput,
    preference_of,
    preference_save,
)
from openjobcenter.notifications.vapid import vapid_keys

SW_SOURCE = Path(__file__).parent / "static" / "notifications" / "sw.js"


@require_http_methods(["GET", "POST"])
@customer_required
def preferences(request: HttpRequest, jc: str) -> HttpResponse:
    user = request_user(request)
    pref = preference_of(user)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            preference_save(
                user=user,
                data=PreferenceInput(
                    email=form.cleaned_data["email"],
                    push=form.cleaned_data["push"],
                    quiet_start=form.cleaned_data["quiet_start"],
                    quiet_end=form.cleaned_data["quiet_end"],
                ),
            )
            messages.success(request, _("Ihre Einstellungen sind gespeichert."))
            return redirect("customer:notification_preferences", jc=jc)
    else:
        form = PreferenceForm(
            initial={
                "email": pref.email,
                "push": pref.push,
                "quiet_start": pref.quiet_start,
                "quiet_end": pref.quiet_end,
            }
        )
    _private, public = vapid_keys()
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "vapid_public_key": public},
        # A refused form (e.g. "22:00+02:00", which is no wall-clock time) is a 4xx.
        status=422 if request.method == "POST" else 200,
    )


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(SW_SOURCE.read_bytes(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "OpenJobcenter",
        "short_name": "Jobcenter",
        "start_url": "/konto/weiter/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#004b87",
        "icons": [
            {"src": static("web/favicon.svg"), "sizes": "any", "type": "image/svg+xml"},
            # Chromium wants raster icons of 192 and 512 px before it offers to install.
            {"src": static("web/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("web/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return HttpResponse(json.dumps(data), content_type="application/manifest+json")
