"""Staff: the dead letters of the hand-off ("Fehlgeschlagene Übergaben"). Team leads and
admins (``Perm.QUEUE_LEAD``) of the job centre; the list holds no personal data
(reference, kind, system, tries, reason); every look and every retry is audited."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from openjobcenter.core.access import Perm, request_jobcenter, request_user, staff_required
from openjobcenter.core.audit import audit
from openjobcenter.core.models import AuditAction
from openjobcenter.handoff import deadletter
from openjobcenter.handoff.models import ItemSubject
from openjobcenter.handoff.registry import all_backends

SUBJECT_LABELS = {
    "application": _("Antrag"),
    "change_notice": _("Veränderungsmitteilung"),
}


def _subject_label(subject: str) -> str:
    labels = {**dict(ItemSubject.choices), **SUBJECT_LABELS}
    return str(labels.get(subject, subject))


@require_GET
@never_cache
@staff_required(Perm.QUEUE_LEAD)
def dead_letters(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    rows = deadletter.dead_letters(jobcenter)
    backends = {b.key: str(b.label) for b in all_backends()}
    audit(
        request=request,
        action=AuditAction.READ,
        object_type="handoff_dead_letters",
        jobcenter=jobcenter,
        detail=f"count={len(rows)}",
    )
    return render(
        request,
        "handoff/dead_letters.html",
        {
            "rows": [
                {
                    "row": row,
                    "subject": _subject_label(row.subject),
                    "backend": backends.get(row.backend, row.backend),
                }
                for row in rows
            ]
        },
    )


@require_POST
@staff_required(Perm.QUEUE_LEAD)
def dead_letter_retry(request: HttpRequest, jc: str) -> HttpResponse:
    jobcenter = request_jobcenter(request)
    source = request.POST.get("source", "")
    try:
        pk = int(request.POST.get("pk", ""))
        started = deadletter.retry(
            request=request,
            actor=request_user(request),
            jobcenter=jobcenter,
            source=source,
            pk=pk,
        )
    except (ValueError, deadletter.NotFound) as exc:
        raise Http404 from exc
    if started:
        messages.success(request, _("Die Übergabe wird erneut versucht."))
    else:
        messages.info(request, _("Diese Übergabe ist nicht mehr fehlgeschlagen."))
    return redirect("staff:handoff_dead_letters", jc=jobcenter.slug)
