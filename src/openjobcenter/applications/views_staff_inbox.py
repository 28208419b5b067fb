"""The back office's applications inbox: submitted applications of the job centre, newest
first, filtered, searched by name (ranked trigram matches) or by number, and paged by
keyset ("Weitere anzeigen") without ever counting them: a large city's job centre has
hundreds of thousands of applications, and the page must cost the same for it as for a
small one (issue 19). Filed, not yet complete applications are listed above.

Behind ``require_module("applications")``, ``staff_required`` and need-to-know for benefit
data like every back-office page of the module; every read is audited.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from openjobcenter.applications.forms_staff import InboxFilterForm
from openjobcenter.applications.inbox_rows import filed_rows, submitted_rows
from openjobcenter.applications.selectors_staff import (
    PAGE_COLUMNS,
    PAGE_SIZE,
    filed_drafts_of,
    inbox_page,
    processing_staff,
)
from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_reads
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.core.need_to_know import Category
from openjobcenter.tenants.modules import require_module

MODULE = "applications"
# The cursor parameter: the id of the previous page's last application.
AFTER = "nach"


def _cursor(raw: str | None) -> int | None:
    """The ``nach`` cursor as an id; ``ValueError`` when it is not one."""
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ValueError(raw)
    return int(raw)


@require_module(MODULE)
@staff_reads(Perm.APPLICATIONS_PROCESS, Category.BENEFIT_DATA)
@require_GET
@never_cache
def inbox(request: HttpRequest, jc: str) -> HttpResponse:
    """Submitted applications of the job centre, newest first, 50 per page."""
    jobcenter, user = request_jobcenter(request), request_user(request)
    staff = list(processing_staff(jobcenter))
    params = {k: v for k, v in request.GET.items() if k not in (AFTER, "page") and v}
    form = InboxFilterForm(params or None, staff=staff)
    status = 200
    problem = ""
    if form.is_bound and not form.is_valid():
        status = 400
    flt = form.to_filter()
    try:
        after = _cursor(request.GET.get(AFTER))
        page = inbox_page(jobcenter, user, flt, after=after, columns=PAGE_COLUMNS)
    except (ValueError, Http404):
        # A cursor that is no application of this job centre (typed, stale or foreign):
        # the first page again, with a word why.
        status, after = 400, None
        problem = _("Die Seitenangabe ist ungültig. Es wird wieder die erste Seite gezeigt.")
        page = inbox_page(jobcenter, user, flt, columns=PAGE_COLUMNS)
    # Filed, not yet complete: at once in the back office, oldest filing first (the
    # date is secured; the complete application joins the list below on submission).
    filings = (
        []
        if params or after
        else list(
            filed_drafts_of(jobcenter)
            .only("pk", "reference", "kind", "customer_name", "customer_number", "filed_at")
            .order_by("filed_at", "pk")[:PAGE_SIZE]
        )
    )
    query = urlencode(params)
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="application_list",
        jobcenter=jobcenter,
        detail=f"inbox {query[:300]} after={after or ''} n={len(page.rows)} filed={len(filings)}",
    )
    next_query = ""
    if page.next_after is not None:
        next_query = urlencode({**params, AFTER: page.next_after})
    return render(
        request,
        "applications/staff/inbox.html",
        {
            "form": form,
            "page": page,
            "rows": page.rows,
            "rows_html": submitted_rows(page.rows, jobcenter.slug),
            "filings": filings,
            "filings_html": filed_rows(filings, jobcenter.slug),
            "query": query,
            "next_query": next_query,
            "continued": after is not None,
            "filtered": bool(params),
            "page_size": page.size,
            "problem": problem,
        },
        status=status,
    )
