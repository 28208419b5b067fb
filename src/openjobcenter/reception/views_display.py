"""The waiting-room display: a full-screen page opened with the display's link (the token
authenticates it; no login), showing call numbers and desks only. Live over the socket
``/ws/wartebereich/<jc>/<token>/`` (``consumers.DisplayConsumer``), with a JSON poll as
fallback."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from openjobcenter.core.access import request_jobcenter
from openjobcenter.reception import selectors
from openjobcenter.reception.views_staff import MODULE
from openjobcenter.tenants.modules import require_module


@require_module(MODULE)
@require_GET
@never_cache
def display(request: HttpRequest, jc: str, token: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    screen = selectors.display_by_token(jobcenter, token)
    response = render(
        request,
        "reception/display.html",
        {"display": screen, "area": screen.area, "calls": selectors.recent_calls(screen.area)},
    )
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


@require_module(MODULE)
@require_GET
@never_cache
def display_calls(request: HttpRequest, jc: str, token: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    screen = selectors.display_by_token(jobcenter, token)
    return JsonResponse({"calls": selectors.recent_calls(screen.area)})
