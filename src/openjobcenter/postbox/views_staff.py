"""Staff pages of the postbox under /<jc>/staff/postfach/: a customer's notices with the
deposit form, the notices to send by post, mark one as sent, download the original.

Notices are benefit data: roles with ``POSTBOX_DEPOSIT`` (caseworker, team lead) that may
read benefit data here (``core.need_to_know``); others 403, strangers 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from openjobcenter.core.access import (
    MissingPermission,
    Perm,
    has_perm,
    request_jobcenter,
    request_staff_roles,
    request_user,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.core.need_to_know import Category, require_content
from openjobcenter.postbox import backoffice, pdfcheck, selectors, services
from openjobcenter.postbox.forms import BackOfficeTokenForm, DepositForm
from openjobcenter.postbox.views_customer import pdf_response
from openjobcenter.tenants.modules import require_module

MODULE = "postbox"


def _benefit_data(request: HttpRequest) -> None:
    """Called after the object was found in the job centre (another job centre's object
    is a 404 before any 403): the permission, then need-to-know for benefit data."""
    if not has_perm(request_staff_roles(request), Perm.POSTBOX_DEPOSIT):
        raise MissingPermission(Perm.POSTBOX_DEPOSIT)
    require_content(
        roles=request_staff_roles(request),
        category=Category.BENEFIT_DATA,
        jobcenter=request_jobcenter(request),
    )


@require_http_methods(["GET", "POST"])
@never_cache
@require_module(MODULE)
@staff_required()
def customer_notices(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    customer = selectors.get_customer_for_staff(jobcenter, pk)
    _benefit_data(request)
    applications = [
        (a.pk, f"{a.reference} ({a.get_kind_display()})")
        for a in customer.applications.exclude(status="draft").order_by("-pk")[:50]
    ]
    form = DepositForm(request.POST or None, request.FILES or None, applications=applications)
    if request.method == "POST" and form.is_valid():
        app_id = form.cleaned_data["application"]
        application = customer.applications.filter(pk=app_id).first() if app_id else None
        upload = form.cleaned_data["file"]
        try:
            notice = services.notice_deposit(
                request=request,
                actor=request_user(request),
                customer=customer,
                data=services.NoticeInput(
                    kind=form.cleaned_data["kind"],
                    dated=form.cleaned_data["dated"],
                    data=upload.read(pdfcheck.MAX_NOTICE_BYTES + 1),
                    application=application,
                ),
            )
        except services.PostboxError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Das Schreiben liegt im Postfach; die Person wurde benachrichtigt.")
                if notice.channel == "electronic"
                else _(
                    "Keine Einwilligung in elektronische Bescheide: Das Schreiben ist für den Versand per Post vorgemerkt."
                ),
            )
            return redirect("staff:postbox_customer", jc=jc, pk=customer.pk)
    notices = selectors.notices_of_customer_for_staff(request, customer, limit=100)
    return render(
        request,
        "postbox/staff_customer.html",
        {
            "customer": customer,
            "notices": [(n, selectors.notice_dates(n)) for n in notices],
            "consent": selectors.consent_state(customer, history=False),
            "form": form,
        },
        status=422 if form.errors else 200,
    )


@require_GET
@never_cache
@require_module(MODULE)
@staff_required()
def outgoing(request: HttpRequest, jc: str) -> HttpResponse:
    _benefit_data(request)
    jobcenter = request_jobcenter(request)
    waiting = list(selectors.for_post(jobcenter)[:200])
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="notice_list",
        jobcenter=jobcenter,
        detail=f"for post: {len(waiting)}",
    )
    return render(request, "postbox/staff_outgoing.html", {"waiting": waiting})


@require_POST
@require_module(MODULE)
@staff_required()
def mark_posted(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    notice = selectors.get_notice_for_staff(request_jobcenter(request), pk)
    _benefit_data(request)
    if services.notice_mark_posted(request=request, actor=request_user(request), notice=notice):
        messages.success(request, _("Als per Post gesendet vermerkt."))
    else:
        messages.info(request, _("Dieses Schreiben wurde schon abgerufen oder per Post gesendet."))
    return redirect("staff:postbox_outgoing", jc=jc)


@require_GET
@never_cache
@require_module(MODULE)
@staff_required()
def notice_file(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    notice = selectors.get_notice_for_staff(request_jobcenter(request), pk)
    _benefit_data(request)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="notice",
        object_id=notice.pk,
        jobcenter=notice.jobcenter,
        subject=notice.customer.user,
        detail="staff download",
    )
    return pdf_response(services.notice_file(notice), f"schreiben-{notice.pk}.pdf")


@require_http_methods(["GET", "POST"])
@never_cache
@require_module(MODULE)
@staff_required(Perm.JOBCENTER_CONFIGURE)
def backoffice_tokens(request: HttpRequest, jc: str) -> HttpResponse:
    """The job centre's admin: keys for the back-office system (deposit of notices
    through the API). A new key is shown on this answer only, never again."""
    jobcenter = request_jobcenter(request)
    form = BackOfficeTokenForm(request.POST or None)
    key = ""
    if request.method == "POST" and form.is_valid():
        _token, key = backoffice.token_create(
            request=request,
            jobcenter=jobcenter,
            actor=request_user(request),
            name=form.cleaned_data["name"],
        )
        form = BackOfficeTokenForm()
    return render(
        request,
        "postbox/staff_tokens.html",
        {"form": form, "key": key, "tokens": backoffice.tokens_of(jobcenter)},
        status=422 if form.errors else 200,
    )


@require_POST
@require_module(MODULE)
@staff_required(Perm.JOBCENTER_CONFIGURE)
def backoffice_token_revoke(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    token = backoffice.token_for_admin(request_jobcenter(request), pk)
    backoffice.token_revoke(request=request, token=token, actor=request_user(request))
    messages.success(request, _("Der Schlüssel ist widerrufen. Er gilt ab sofort nicht mehr."))
    return redirect("staff:postbox_tokens", jc=jc)
