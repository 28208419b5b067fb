"""The customer's card under /<jc>/mein-bereich/kundenkarte/: the card with its QR code,
the print version (PDF), the Apple Wallet pass, the Google Wallet link, block and renew
(confirmation pages that work without JavaScript)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openjobcenter.cards import google, pkpass, selectors, services
from openjobcenter.cards import pdf as card_print
from openjobcenter.cards.models import CardStatus
from openjobcenter.cards.qr import qr_svg
from openjobcenter.core.access import (
    customer_required,
    request_customer,
    request_jobcenter,
    request_user,
)
from openjobcenter.core.audit_buffer import audit_own_read
from openjobcenter.tenants.modules import require_module

MODULE = "customer_card"


def _audit_read(request: HttpRequest, card_id: int, detail: str) -> None:
    audit_own_read(
        request=request,
        user=request_user(request),
        object_type="customer_card",
        object_id=card_id,
        jobcenter=request_jobcenter(request),
        detail=detail,
    )


def card_context(request: HttpRequest) -> dict[str, object]:
    customer = request_customer(request)
    view = selectors.card_view(customer)
    card = view.card
    config = selectors.wallet_settings(customer.jobcenter)
    outdated = card.pass_downloaded_at is not None and card.pass_downloaded_at < view.modified
    return {
        "view": view,
        "card": card,
        "qr": qr_svg(card.payload, scale=7, title=_("QR-Code Ihrer Kundenkarte"))
        if card.is_active
        else None,
        "apple_available": config is not None and config.apple_configured,
        "google_available": config is not None and config.google_configured,
        "pass_outdated": outdated,
        "logo_url": bool(customer.jobcenter.logo),
    }


@require_GET
@never_cache
@require_module(MODULE)
@customer_required
def card_page(request: HttpRequest, jc: str) -> HttpResponse:
    context = card_context(request)
    _audit_read(request, context["card"].pk, "card page")  # type: ignore[attr-defined]
    return render(request, "cards/card.html", context)


@require_GET
@never_cache
@require_module(MODULE)
@customer_required
def card_pdf(request: HttpRequest, jc: str) -> HttpResponse:
    view = selectors.card_view(request_customer(request))
    if not view.card.is_active:
        raise Http404
    pdf = card_print.card_pdf(view, request=request)
    _audit_read(request, view.card.pk, "card pdf")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="kundenkarte.pdf"'
    return response


@require_GET
@never_cache
@require_module(MODULE)
@customer_required
def card_pkpass(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    view = selectors.card_view(customer)
    if not view.card.is_active:
        raise Http404
    try:
        data = pkpass.build_pkpass(view, selectors.wallet_settings(customer.jobcenter))
    except pkpass.WalletNotConfiguredError:
        raise Http404 from None
    services.card_pass_downloaded(card=view.card, version=view.modified)
    _audit_read(request, view.card.pk, "wallet pass")
    response = HttpResponse(data, content_type="application/vnd.apple.pkpass")
    response["Content-Disposition"] = 'attachment; filename="kundenkarte.pkpass"'
    response["Last-Modified"] = http_date(view.modified.timestamp())
    return response


@require_GET
@never_cache
@require_module(MODULE)
@customer_required
def card_google(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    view = selectors.card_view(customer)
    url = google.save_url(view, selectors.wallet_settings(customer.jobcenter))
    if url is None:
        raise Http404
    _audit_read(request, view.card.pk, "google wallet")
    return HttpResponseRedirect(url)


@require_http_methods(["GET", "POST"])
@never_cache
@require_module(MODULE)
@customer_required
def card_block(request: HttpRequest, jc: str) -> HttpResponse:
    card = selectors.own_card(request_customer(request))
    if request.method == "POST":
        if card.status == CardStatus.ACTIVE:
            services.card_block(card=card, actor=request_user(request), request=request)
            messages.success(
                request,
                _("Ihre Kundenkarte ist gesperrt. Der QR-Code gilt ab sofort nicht mehr."),
            )
        return redirect("customer:card", jc=jc)
    return render(request, "cards/confirm_block.html", {"card": card})


@require_http_methods(["GET", "POST"])
@never_cache
@require_module(MODULE)
@customer_required
def card_renew(request: HttpRequest, jc: str) -> HttpResponse:
    card = selectors.own_card(request_customer(request))
    if request.method == "POST":
        services.card_renew(card=card, actor=request_user(request), request=request)
        messages.success(
            request,
            _(
                "Sie haben eine neue Kundenkarte. Der alte QR-Code gilt nicht mehr. Laden "
                "Sie die Karte in Ihrer Wallet bitte neu herunter."
            ),
        )
        return redirect("customer:card", jc=jc)
    return render(request, "cards/confirm_renew.html", {"card": card})


@require_POST
@require_module(MODULE)
@customer_required
def card_settings(request: HttpRequest, jc: str) -> HttpResponse:
    card = selectors.own_card(request_customer(request))
    show = request.POST.get("show_next_appointment") == "1"
    services.card_set_show_appointment(
        card=card,
        show=show,
        actor=request_user(request),
        request=request,
    )
    messages.success(
        request,
        _("Ihr nächster Termin wird auf der Karte angezeigt.")
        if show
        else _("Ihr nächster Termin wird nicht mehr auf der Karte angezeigt."),
    )
    return redirect("customer:card", jc=jc)
