"""What a filing or a submission leaves to do, recorded in its own transaction.

The PDFs and the hand-offs of a submitted application must not be lost when the process
dies between the commit and the work (DESIGN §7). So ``application_submit`` writes,
in the same transaction as the status change:

- one ``HandoffDelivery`` per switched-on backend (``handoff.record_deliveries``),
- an outbox row ``applications.submitted`` (``core/outbox.py``): the summary PDF, then
  the deliveries (the file drop hands the summary over), and
- an outbox row ``applications.receipt``: the receipt PDF.

Each row is its own task after the commit (issue 19), so two workers draw the summary
and the receipt at the same time instead of one after the other; neither is drawn under
a row lock or inside the submission's transaction (``services_submit._store_pdf``).
The periodic sweepers (``core.outbox``, ``applications.handoffs``) deliver whatever is
left: a nudge that was never enqueued, a worker killed mid-way, a receiver that was
down. Every step is idempotent (a stored PDF is not drawn again; a delivered hand-off is
not due again). A row ``applications.submitted`` written before the receipt had its own
row (its payload lacks ``receipt_apart``) still draws the receipt at its end.
A filing (the first step) writes ``applications.filed``: its worker draws the receipt PDF
and hands the filing off (``handoff.file_handoffs``: deliveries of phase "filing", so the
filing date is secured in the back-office system before the application is complete).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from openjobcenter.core import outbox

if TYPE_CHECKING:
    from openjobcenter.applications.models import Application
    from openjobcenter.core.fastsql import Along
    from openjobcenter.core.models import OutboxItem

SUBMITTED = "applications.submitted"
FILED = "applications.filed"
RECEIPT = "applications.receipt"


def record_filed(application: Application) -> None:
    """In the filing's transaction: the receipt PDF is to be drawn."""
    outbox.put(topic=FILED, key=str(application.pk), payload={"application_id": application.pk})


def record_submitted(application: Application) -> None:
    """In the submission's transaction: the deliveries and the PDFs (idempotent)."""
    from openjobcenter import handoff

    handoff.record_deliveries(application_id=application.pk, jobcenter_id=application.jobcenter_id)
    outbox.put(
        topic=SUBMITTED,
        key=str(application.pk),
        payload={"application_id": application.pk, "receipt_apart": True},
    )
    outbox.put(topic=RECEIPT, key=str(application.pk), payload={"application_id": application.pk})


def submitted_items(application: Application) -> list[OutboxItem]:
    """The two rows ``record_submitted`` puts, unsaved (``submitted_rows`` writes them)."""
    from openjobcenter.core.models import OutboxItem

    return [
        OutboxItem(
            topic=SUBMITTED,
            key=str(application.pk),
            payload={"application_id": application.pk, "receipt_apart": True},
        ),
        OutboxItem(
            topic=RECEIPT, key=str(application.pk), payload={"application_id": application.pk}
        ),
    ]


def submitted_rows(
    application: Application, items: list[OutboxItem], *, version: str | None = None
) -> tuple[Along, ...]:
    """What ``record_submitted`` writes, as rows to write with the submission in one
    statement (``core.fastsql``'s ``along``; the items' keys reserved): the deliveries and
    the outbox rows, each only if new, and the nudges' task rows. ``version``: the shared
    version the job centre was read under (``tenants.jccache.version_of``): the switched-on
    backends then come from this process's copy without a round trip."""
    from openjobcenter.applications import handoff
    from openjobcenter.core.fastsql import IfNew

    deliveries = handoff.new_deliveries(
        application_id=application.pk, jobcenter_id=application.jobcenter_id, version=version
    )
    return (
        *(IfNew(d) for d in deliveries),
        *(row for item in items for row in outbox.rows_along(item)),
    )


def _deliver_filed(payload: Mapping[str, Any]) -> None:
    from openjobcenter import handoff
    from openjobcenter.applications.services import application_pdfs_store

    application_id = int(payload["application_id"])
    handoff.file_handoffs(application_id)
    application_pdfs_store(application_id=application_id)


def _deliver_submitted(payload: Mapping[str, Any]) -> None:
    from openjobcenter import handoff
    from openjobcenter.applications.services import application_pdfs_store

    application_id = int(payload["application_id"])
    application_pdfs_store(application_id=application_id, parts=("summary",))
    # Right away rather than on the sweeper's next round: the summary PDF (what a file
    # drop hands over) is there now.
    handoff.run_for_application(application_id)
    if not payload.get("receipt_apart"):  # a row from before the receipt's own row
        application_pdfs_store(application_id=application_id, parts=("receipt",))


def _deliver_receipt(payload: Mapping[str, Any]) -> None:
    from openjobcenter.applications.services import application_pdfs_store

    application_pdfs_store(application_id=int(payload["application_id"]), parts=("receipt",))


def register() -> None:
    outbox.register(FILED, _deliver_filed)
    outbox.register(SUBMITTED, _deliver_submitted)
    outbox.register(RECEIPT, _deliver_receipt)
