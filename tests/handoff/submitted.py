"""A real submitted application or change notice for the hand-off tests: started, filled
step by step through the customer's pages, submitted through the service, and the
outbox rows (filing, summary PDF, receipt) delivered as the worker would."""

from __future__ import annotations

from typing import Any

from django.test import Client

from openjobcenter.accounts.models import CustomerProfile
from openjobcenter.applications.models import Application
from openjobcenter.applications.selectors import settings_for
from openjobcenter.applications.services import application_start, application_submit
from openjobcenter.core import outbox
from openjobcenter.core.models import OutboxItem
from tests.applications.customer_data import COUPLE, enable, fill_all

CHANGE_NOTICE: dict[str, dict[str, Any]] = {
    "filing": COUPLE["filing"],
    "changes": {"what": ["job"], "since": "01.02.2026"},
    "job": {
        "employer": "Stadtwerke Fulda",
        "start": "01.02.2026",
        "hours": "20",
        "gross_earnings": "1200",
        "net_earnings": "950",
    },
    "declarations": {"truthful": "1", "data_processing": "1"},
}


def drain_outbox() -> None:
    """Run every due outbox row once (the worker's job), until none is left due."""
    for _ in range(5):
        due = list(
            OutboxItem.objects.filter(delivered_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not due:
            return
        ran = [outbox.deliver(pk) for pk in due]
        if all(r is None for r in ran):
            return


def submit(client: Client, customer: CustomerProfile, kind: str) -> Application:
    """``kind``: ``initial`` (a couple with a child, renting) or ``change_notice`` (a new
    job). The customer's ``client`` must be logged in."""
    jobcenter = customer.jobcenter
    enable(jobcenter)
    if kind == "change_notice":
        conf = settings_for(jobcenter)
        conf.change_notice_enabled = True
        conf.save()
    app = application_start(request=None, customer=customer, kind=kind)
    fill_all(client, app, COUPLE if kind == "initial" else CHANGE_NOTICE)
    app = application_submit(request=None, application=app)
    drain_outbox()
    app.refresh_from_db()
    return app
