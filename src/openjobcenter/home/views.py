"""The customer's home ("Mein Bereich"): what is waiting first, the modules below."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from openjobcenter.core.access import customer_required, request_customer, request_jobcenter
from openjobcenter.home.cache import cached_customer_home
from openjobcenter.tenants import modules


def _context(request: HttpRequest) -> dict[str, object]:
    customer = request_customer(request)
    home = cached_customer_home(customer)
    counts = home.counts()
    jobcenter = request_jobcenter(request)
    entries = [
        {
            "label": m.label,
            "description": m.description,
            "url": reverse(m.entry_url_name, kwargs={"jc": jobcenter.slug})
            if m.entry_url_name
            else None,
            "key": m.key,
            "count": counts.get(m.key, 0),
        }
        for m in modules.all_modules()
        if modules.is_enabled(jobcenter, m.key)
    ]
    return {
        "home": home,
        "home_items": home.items,
        "home_total": home.total,
        "module_cards": entries,
    }


@require_GET
@never_cache
@customer_required
def customer_home_page(request: HttpRequest, jc: str) -> HttpResponse:
    context = _context(request)
    # The navigation badge of this page comes from the same figures (no second count).
    request.home_total = context["home_total"]  # type: ignore[attr-defined]
    # The customer card (issue 21) sits on the home page as soon as it exists.
    from openjobcenter.cards.home import home_card

    context["customer_card"] = home_card(request)
    return render(request, "home/customer_home.html", context)


@require_GET
@never_cache
@customer_required
def customer_home_fragment(request: HttpRequest, jc: str) -> HttpResponse:
    """What the open home page fetches after a ``home`` event of the chat socket: the
    list of waiting items as HTML and the counts (JSON)."""
    context = _context(request)
    html = render_to_string("home/_items.html", context, request=request)
    home = context["home"]
    return JsonResponse(
        {"total": context["home_total"], "counts": home.counts(), "html": html}  # type: ignore[attr-defined]
    )


@require_POST
@modules.require_module("applications")
@customer_required
def application_seen(request: HttpRequest, jc: str, pk: int, upto: int) -> HttpResponse:
    """ "Ansehen" on a status change: mark it seen, then open the application. A second
    tap, or one from an old tab, changes nothing and opens the same page."""
    from openjobcenter.applications.home import seen_key
    from openjobcenter.applications.selectors import get_application_for_customer
    from openjobcenter.home.services import seen_marker_advance

    customer = request_customer(request)
    app = get_application_for_customer(customer, pk)
    # An id beyond any event's is cut to the largest one a marker can hold.
    upto = min(upto, 2**62)
    seen_marker_advance(request=request, customer=customer, key=seen_key(app.pk), upto=upto)
    return redirect("customer:application", jc=jc, pk=app.pk)
