"""Staff: the customers who deleted their online account ("Kontolöschungen"). From now on
the job centre reaches them by post; someone in the team takes note, and the request
leaves the work queue (``retention/queue.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from openjobcenter.core.access import (
    Perm,
    request_jobcenter,
    request_user,
    staff_required,
)
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.core.need_to_know import Category, content_required
from openjobcenter.retention.models import AccountDeletionRequest
from openjobcenter.retention.services_account import account_deletion_acknowledge

PAGE_SIZE = 50


@require_GET
@staff_required(Perm.CUSTOMERS_ASSIGN_NUMBER)
@content_required(Category.GENERAL)
def account_deletions(request: HttpRequest, jc: str) -> HttpResponse:
    """Open requests first (oldest first), then the latest acknowledged ones."""
    jobcenter = request_jobcenter(request)
    base = AccountDeletionRequest.objects.filter(
        jobcenter=jobcenter, customer__isnull=False
    ).select_related("customer__user", "acknowledged_by")
    waiting = list(base.filter(acknowledged_at__isnull=True).order_by("requested_at")[:PAGE_SIZE])
    done = list(base.filter(acknowledged_at__isnull=False).order_by("-acknowledged_at")[:20])
    shown = [r.customer_id for r in (*waiting, *done)]
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="account_deletion_requests",
        jobcenter=jobcenter,
        detail=f"customers={','.join(str(pk) for pk in shown)}"[:500],
    )
    return render(request, "retention/account_deletions.html", {"waiting": waiting, "done": done})


@require_POST
@staff_required(Perm.CUSTOMERS_ASSIGN_NUMBER)
@content_required(Category.GENERAL)
def account_deletion_ack(request: HttpRequest, jc: str, pk: int) -> HttpResponse:
    """Take note. Another job centre's request, or one whose customer is gone: 404."""
    jobcenter = request_jobcenter(request)
    deletion = AccountDeletionRequest.objects.filter(
        pk=pk, jobcenter=jobcenter, customer__isnull=False
    ).first()
    if deletion is None:
        raise Http404
    if account_deletion_acknowledge(
        request=request, actor=request_user(request), deletion=deletion
    ):
        messages.success(request, _("Vermerkt: Die Person wird künftig per Post angeschrieben."))
    else:
        messages.info(request, _("Das war bereits vermerkt."))
    back = request.POST.get("weiter", "")
    if (
        back
        and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and back.startswith("/")
    ):
        return redirect(back)
    return redirect("staff:account_deletions", jc=jc)
