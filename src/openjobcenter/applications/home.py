"""The applications module's part of the customer's home: an application to
continue (with its next step), one to complete after filing (what is still missing),
and decisions and status changes of submitted applications not seen yet."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _

from openjobcenter.applications import engine
from openjobcenter.applications.models import (
    ApplicationEvent,
    ApplicationStatus,
    ApplicationStep,
    EventKind,
    StepState,
)
from openjobcenter.applications.selectors import applications_of_customer
from openjobcenter.home.models import SeenMarker
from openjobcenter.home.registry import HomeItem, HomeProvider, Urgency

if TYPE_CHECKING:
    from openjobcenter.accounts.models import CustomerProfile
    from openjobcenter.applications.models import Application

SEEN_PREFIX = "application:"
MAX_MISSING_SHOWN = 3


def seen_key(application_id: int) -> str:
    return f"{SEEN_PREFIX}{application_id}"


def _draft_item(app: Application, slug: str) -> HomeItem | None:
    rows = [(s.step_key, s.answers, s.state) for s in app.steps.all()]
    answers = engine.Answers({k: a for k, a, _s in rows})
    done = [k for k, _a, s in rows if s == StepState.DONE]
    try:
        definition = engine.get_definition(app.form_key, app.form_version)
    except Exception:  # a retired form version: the application page explains it
        return None
    open_steps = [
        p
        for p in engine.progress_for(definition, answers, done)
        if p.status == engine.StepStatus.OPEN
    ]
    overview = reverse("customer:application", kwargs={"jc": slug, "pk": app.pk})
    if open_steps:
        url = reverse(
            "customer:application_step",
            kwargs={"jc": slug, "pk": app.pk, "step_key": open_steps[0].key},
        )
    else:
        url = reverse("customer:application_submit", kwargs={"jc": slug, "pk": app.pk})
    label = app.get_kind_display()
    if app.filed_at is not None:
        missing = ", ".join(str(p.title) for p in open_steps[:MAX_MISSING_SHOWN])
        if len(open_steps) > MAX_MISSING_SHOWN:
            missing += " …"
        return HomeItem(
            kind="application_complete",
            title=_("%(kind)s gestellt – bitte vervollständigen") % {"kind": label},
            detail=(_("Es fehlt noch: %(steps)s") % {"steps": missing})
            if open_steps
            else _("Alle Angaben sind da. Bitte prüfen und abschicken."),
            url=url,
            action=_("Jetzt vervollständigen"),
            urgency=Urgency.SOON,
            due=app.filed_at,
            count=1,
        )
    return HomeItem(
        kind="application_draft",
        title=_("%(kind)s weiter ausfüllen") % {"kind": label},
        detail=(_("Nächster Schritt: %(step)s") % {"step": open_steps[0].title})
        if open_steps
        else _("Alle Angaben sind da. Bitte prüfen und abschicken."),
        url=url if open_steps else overview,
        action=_("Weiter ausfüllen") if open_steps else _("Prüfen und abschicken"),
        urgency=Urgency.OPEN,
        due=app.updated_at,
    )


class ApplicationsProvider(HomeProvider):
    """Four queries whatever the number of applications: the applications, their
    steps (drafts) and customer-visible events (submitted ones), and the seen markers."""

    key = "applications.pending"
    module = "applications"

    def items(self, customer: CustomerProfile) -> list[HomeItem]:
        slug = customer.jobcenter.slug
        apps = list(
            applications_of_customer(customer)
            .exclude(status=ApplicationStatus.WITHDRAWN)
            .prefetch_related(
                Prefetch(
                    "steps",
                    queryset=ApplicationStep.objects.filter(
                        application__status=ApplicationStatus.DRAFT
                    ).only("application_id", "step_key", "answers", "state"),
                ),
                Prefetch(
                    "events",
                    queryset=ApplicationEvent.objects.filter(
                        internal=False,
                        kind__in=(EventKind.STATUS_CHANGED, EventKind.QUESTION, EventKind.ANSWER),
                    ).order_by("pk"),
                ),
            )[:20]
        )
        if not apps:
            return []
        seen = dict(
            SeenMarker.objects.filter(
                customer=customer, key__in=[seen_key(a.pk) for a in apps]
            ).values_list("key", "upto")
        )
        out: list[HomeItem] = []
        for app in apps:
            if app.status == ApplicationStatus.DRAFT:
                item = _draft_item(app, slug)
                if item is not None:
                    out.append(item)
                continue
            out.extend(self._news(app, slug, seen.get(seen_key(app.pk), 0)))
        return out

    def _news(self, app: Application, slug: str, seen_upto: int) -> list[HomeItem]:
        events = list(app.events.all())
        answered = {e.data.get("question") for e in events if e.kind == EventKind.ANSWER}
        out: list[HomeItem] = []
        overview = reverse("customer:application", kwargs={"jc": slug, "pk": app.pk})
        label = app.get_kind_display()
        for e in events:
            if e.kind == EventKind.QUESTION and e.pk not in answered:
                out.append(
                    HomeItem(
                        kind="application_question",
                        title=_("Rückfrage zu Ihrem %(kind)s") % {"kind": label},
                        detail=e.message[:200],
                        url=overview,
                        action=_("Frage beantworten"),
                        urgency=Urgency.SOON,
                        due=e.at,
                    )
                )
        changes = [e for e in events if e.kind == EventKind.STATUS_CHANGED and e.pk > seen_upto]
        if changes:
            last = changes[-1]
            status = (
                ApplicationStatus(last.status_to).label
                if last.status_to in ApplicationStatus.values
                else last.status_to
            )
            decided = last.status_to == ApplicationStatus.DECIDED
            out.append(
                HomeItem(
                    kind="application_status",
                    title=(
                        _("Entscheidung zu Ihrem %(kind)s")
                        if decided
                        else _("Neuer Stand: %(kind)s")
                    )
                    % {"kind": label},
                    detail=_("Status: %(status)s") % {"status": status}
                    + (f" – {last.message[:200]}" if last.message else ""),
                    url=reverse(
                        "customer:home_application_seen",
                        kwargs={"jc": slug, "pk": app.pk, "upto": last.pk},
                    ),
                    action=_("Ansehen"),
                    urgency=Urgency.NEWS if not decided else Urgency.SOON,
                    due=last.at,
                    post=True,
                )
            )
        return out
