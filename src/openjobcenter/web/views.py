"""Public pages: the landing page, each job centre's start and legal pages, languages."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import get_urlconf, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from openjobcenter.accounts.middleware import set_language_cookie
from openjobcenter.accounts.models import CustomerProfile, StaffMembership
from openjobcenter.accounts.services import LANGUAGE_CHOSEN_KEY, user_set_language
from openjobcenter.core.access import MissingPermission, request_jobcenter, roles_with
from openjobcenter.core.content_i18n import translated
from openjobcenter.core.languages import usable_language
from openjobcenter.core.unavailable import outage_code, unavailable_response, wants_json
from openjobcenter.tenants import modules
from openjobcenter.tenants.colours import on_colour
from openjobcenter.tenants.selectors import active_jobcenters, lookup
from openjobcenter.web.fragments import cached_part, jobcenters_part


@require_safe
def landing(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    found = lookup(query) if query else None
    context: dict[str, Any] = {"query": query, "found": found}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/_lookup_results.html", context)

    def render_list() -> str:
        jobcenters = list(active_jobcenters().only("slug", "name", "kind"))
        return render_to_string(
            "web/_landing_list.html",
            {
                "municipal": [jc for jc in jobcenters if jc.kind == "municipal"],
                "joint": [jc for jc in jobcenters if jc.kind == "joint"],
            },
        )

    # All job centres, the same for everyone of one language: rendered once per process
    # and job-centre version (web/fragments.py), with its query.
    context["list_html"] = jobcenters_part("landing", get_urlconf() or "", render_list)
    return render(request, "web/landing.html", context)


_jobcenter = request_jobcenter


@require_safe
def tenant_home(request: HttpRequest, jc: str | None = None) -> HttpResponse:
    jobcenter = _jobcenter(request)
    authenticated = bool(request.user.is_authenticated)
    with_news = modules.is_enabled(jobcenter, "news")

    def render_main() -> str:
        news_posts = []
        if with_news:
            from openjobcenter.news.selectors import visible_posts

            news_posts = list(visible_posts(jobcenter)[:3])
        return render_to_string(
            "web/_tenant_home_main.html",
            {
                "jobcenter": jobcenter,
                "authenticated": authenticated,
                "offices": list(jobcenter.offices.all()),
                "enabled_modules": modules.entries_for(jobcenter),
                "not_offered": modules.not_offered(jobcenter),
                "news_posts": news_posts,
            },
        )

    def news_until() -> datetime | None:
        # A scheduled post appears or a shown one expires without any write: the cached
        # part is valid only until then (writes set a new job-centre version).
        from openjobcenter.news.selectors import next_change

        return next_change(jobcenter, timezone.now())

    # The same for everyone of one language and login state: rendered once per process
    # and job-centre version (web/fragments.py), with the offices query.
    # The URL configuration is part of the key: the links are reversed under the request's
    # own (a job centre's host name has its own, config/urls_host.py).
    variant = f"{'in' if authenticated else 'out'}:{get_urlconf() or ''}"
    main = cached_part(
        "home", jobcenter, variant, render_main, until=news_until if with_news else None
    )
    return render(request, "web/tenant_home.html", {"main_html": main})


LEGAL_PAGES = {
    "imprint": (_("Impressum"), "imprint"),
    "privacy": (_("Datenschutzerklärung"), "privacy"),
    "accessibility": (_("Erklärung zur Barrierefreiheit"), "accessibility"),
}


@require_safe
def legal_page(request: HttpRequest, jc: str, page: str) -> HttpResponse:
    if page not in LEGAL_PAGES:
        raise Http404
    title, field = LEGAL_PAGES[page]
    jobcenter = _jobcenter(request)
    return render(
        request,
        "web/legal_page.html",
        {"title": title, "page": page, "text": translated(jobcenter, field)},
    )


@require_safe
@cache_control(max_age=300)
def theme_css(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = _jobcenter(request)
    css = render_to_string(
        "web/theme.css",
        {"primary": jobcenter.primary_colour, "on_primary": on_colour(jobcenter.primary_colour)},
    )
    return HttpResponse(css, content_type="text/css; charset=utf-8")


@require_safe
@cache_control(max_age=300)
def logo(request: HttpRequest, jc: str) -> FileResponse:
    jobcenter = _jobcenter(request)
    if not jobcenter.logo or not default_storage.exists(jobcenter.logo.name):
        raise Http404
    response = FileResponse(default_storage.open(jobcenter.logo.name, "rb"))
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the language (a plain form POST, works without JavaScript) and remember it."""
    # An unknown or no longer offered language is German, never an error page.
    language = usable_language(request.POST.get("language", "")[:20])
    next_url = request.POST.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated:
        user_set_language(user=request.user, language=language)
    else:
        # Kept through the login and stored on the account then (issue 23).
        request.session[LANGUAGE_CHOSEN_KEY] = language
    response = HttpResponseRedirect(next_url)
    set_language_cookie(response, language)
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", {"landing_url": reverse("web:landing")}, status=404)


def _start_page(request: HttpRequest) -> tuple[str, bool]:
    """Where the refused person works or has their business: (address, is staff)."""
    jobcenter = getattr(request, "jobcenter", None)
    user = getattr(request, "user", None)
    if jobcenter is None or user is None or not user.is_authenticated:
        return reverse("web:landing"), False
    if StaffMembership.objects.filter(user=user, jobcenter=jobcenter).exists():
        return reverse("staff:dashboard", kwargs={"jc": jobcenter.slug}), True
    if CustomerProfile.objects.filter(user=user, jobcenter=jobcenter).exists():
        return reverse("customer:home", kwargs={"jc": jobcenter.slug}), False
    return reverse("web:landing"), False


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 403 page: says in plain words what is missing, who would have it, and the way
    back. (The API answers its own JSON; ``JsonErrorsMiddleware`` keeps it so.)"""
    from openjobcenter.core.need_to_know import NeedToKnowDenied

    start_url, is_staff = _start_page(request)
    roles = []
    if is_staff and isinstance(exception, MissingPermission):
        roles = [role.label for role in roles_with(exception.perm)]
    context: dict[str, object] = {"start_url": start_url, "is_staff": is_staff, "roles": roles}
    if isinstance(exception, NeedToKnowDenied):
        # Need-to-know: the person may know this exists, not read it; say who may.
        context["need_to_know"] = exception.note()
    return render(request, "web/403.html", context, status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    # Called while Django handles the exception, so it is still in sys.exc_info(). An
    # unreachable database raised in a middleware (session, tenant lookup) lands here
    # rather than in DatabaseUnavailableMiddleware, and gets the same calm 503.
    exc = sys.exc_info()[1]
    code = outage_code(exc)
    if code is not None:
        assert exc is not None  # noqa: S101 - outage_code(None) is None
        return unavailable_response(request, exc, code)
    if wants_json(request):
        return JsonResponse({"detail": "Internal server error"}, status=500)
    return render(request, "web/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "web/csrf_failure.html", status=403)
