"""The customer's postbox under /<jc>/mein-bereich/postfach/ and the consent page
/<jc>/mein-bereich/profil/einwilligungen/."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from openjobcenter.bundid import guard as bundid_guard
from openjobcenter.bundid import policy as bundid_policy
from openjobcenter.core.access import (
    OWN_ACCOUNT_ONLY,
    acting_module,
    customer_required,
    request_customer,
)
from openjobcenter.core.audit_buffer import audit_own_read
from openjobcenter.notifications.services import preference_of
from openjobcenter.postbox import pdf, selectors, services
from openjobcenter.postbox.forms import ConsentForm, ObjectionForm, QuestionForm
from openjobcenter.postbox.models import Notice
from openjobcenter.tenants.modules import require_module

MODULE = "postbox"


def _audit(request: HttpRequest, object_type: str, object_id: int | str, detail: str) -> None:
    customer = request_customer(request)
    audit_own_read(
        request=request,
        user=customer.user,
        object_type=object_type,
        object_id=object_id,
        jobcenter=customer.jobcenter,
        detail=detail,
    )


def pdf_response(data: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@never_cache
@require_module(MODULE)
@customer_required
@acting_module(OWN_ACCOUNT_ONLY)  # consent is the customer's own (issue 25 §1)
def consent(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    state = selectors.consent_state(customer)
    form = ConsentForm(
        request.POST or None, initial={"notices": "electronic" if state.electronic else "post"}
    )
    if request.method == "POST" and form.is_valid():
        electronic = form.cleaned_data["notices"] == "electronic"
        if electronic != state.electronic:
            # The job centre may require a BundID login of some level for it.
            refused = bundid_guard.refusal_page(
                request, customer.jobcenter, bundid_policy.POSTBOX_CONSENT
            )
            if refused is not None:
                return refused
        services.consent_set(request=request, customer=customer, electronic=electronic)
        messages.success(
            request,
            _("Gespeichert: Sie erhalten neue Bescheide ab jetzt elektronisch in Ihrem Postfach.")
            if electronic
            else _("Gespeichert: Sie erhalten neue Bescheide ab jetzt per Post."),
        )
        return redirect("customer:postbox_consent", jc=jc)
    _audit(request, "postbox_consent", customer.pk, "consent page")
    return render(
        request,
        "postbox/consent.html",
        {"form": form, "state": state, "alerts": preference_of(customer.user)},
        status=422 if form.errors else 200,
    )


@require_GET
@never_cache
@require_module(MODULE)
@customer_required
def postbox(request: HttpRequest, jc: str) -> HttpResponse:
    customer = request_customer(request)
    notices = list(selectors.notices_for_customer(customer)[:200])
    _audit(request, "notice_list", "", f"{len(notices)} notices")
    return render(
        request,
        "postbox/postbox.html",
        {"rows": list_rows(jc, notices), "electronic": selectors.consents_electronic(customer)},
    )


def list_rows(jc: str, notices: list[Notice]) -> list[tuple[str, str, str, bool]]:
    """(link, title, state, new) per notice, the words looked up once per request: the
    list stays cheap with hundreds of notices (bench/postbox.py)."""
    from django.urls import reverse
    from django.utils import dateformat, formats

    from openjobcenter.postbox.models import NoticeKind

    base = reverse("customer:postbox", kwargs={"jc": jc})
    kinds = {value: str(label) for value, label in NoticeKind.choices}
    fmt = formats.get_format("SHORT_DATE_FORMAT")
    dated = _("vom %(date)s")
    copy, read, new = _("Kopie – per Post verschickt"), _("gelesen"), _("neu")
    rows = []
    for n in notices:
        title = f"{kinds.get(n.kind, n.kind)} {dated % {'date': dateformat.format(n.dated, fmt)}}"
        if n.posted_at:
            state, fresh = copy, False
        elif n.retrieved_at:
            state, fresh = read, False
        else:
            state, fresh = new, True
        rows.append((f"{base}{n.pk}/", title, state, fresh))
    return rows


def _notice(request: HttpRequest, pk: int) -> Notice:
    return selectors.get_notice_for_customer(request_customer(request), pk)


@require_GET
@never_cache
@require_module(MODULE)
@customer_required
def notice_detail(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    _audit(request, "notice", notice.pk, "detail")
    return render(
        request,
        "postbox/notice.html",
        {
            "notice": notice,
            "dates": selectors.notice_dates(notice),
            "objections": list(notice.objections.order_by("-submitted_at")),
        },
    )


@require_GET
@never_cache
@require_module(MODULE)
@customer_required
def notice_pdf(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    data = services.notice_retrieve(
        request=request, customer=request_customer(request), notice=notice
    )
    copy = "-kopie" if notice.posted_at else ""
    return pdf_response(data, f"schreiben-{notice.dated:%Y-%m-%d}-{notice.pk}{copy}.pdf")


@require_http_methods(["GET", "POST"])
@never_cache
@require_module(MODULE)
@customer_required
def objection(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    if not notice.objectable:
        messages.info(request, _("Gegen dieses Schreiben ist kein Widerspruch vorgesehen."))
        return redirect("customer:postbox_notice", jc=jc, pk=notice.pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.objection_submit(
                request=request,
                customer=request_customer(request),
                notice=notice,
                reasons=form.cleaned_data["reasons"],
                request_text=form.cleaned_data["request_text"],
            )
        except services.PostboxError as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "Ihr Widerspruch ist eingegangen (Nummer %(ref)s). Die Eingangsbestätigung können Sie herunterladen."
                )
                % {"ref": filed.reference},
            )
            return redirect("customer:postbox_notice", jc=jc, pk=notice.pk)
    return render(
        request,
        "postbox/objection.html",
        {"notice": notice, "form": form, "dates": selectors.notice_dates(notice)},
        status=422 if form.errors else 200,
    )


@require_GET
@never_cache
@require_module(MODULE)
@customer_required
def objection_receipt(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    filed = selectors.get_objection_for_customer(request_customer(request), pk)
    _audit(request, "objection", filed.pk, "receipt")
    return pdf_response(pdf.objection_receipt(filed), f"widerspruch-{filed.reference}.pdf")


@require_http_methods(["GET", "POST"])
@never_cache
@require_module(MODULE)
@customer_required
def question(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    from openjobcenter.messaging.services import MessagingError

    notice = _notice(request, pk)
    form = QuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            conversation = services.notice_question(
                request=request,
                customer=request_customer(request),
                notice=notice,
                body=form.cleaned_data["body"],
            )
        except MessagingError as exc:
            form.add_error("body", exc.message)
        else:
            return redirect("customer:conversation", jc=jc, pk=conversation.pk)
    return render(
        request,
        "postbox/question.html",
        {"notice": notice, "form": form},
        status=422 if form.errors else 200,
    )
