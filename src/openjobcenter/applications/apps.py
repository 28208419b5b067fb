from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "openjobcenter.applications"
    label = "applications"
    verbose_name = _("Anträge")

    def ready(self) -> None:
        from openjobcenter.applications.retention import register_rules

        register_rules()
        from openjobcenter.applications import outbox
        from openjobcenter.applications.home import ApplicationsProvider
        from openjobcenter.home import registry

        registry.register(ApplicationsProvider())
        from openjobcenter.applications.proof_status import proof_targets
        from openjobcenter.documents import proof_targets as documents_targets

        # The application's proofs are what chat attachments and requests can answer.
        documents_targets.register(proof_targets)

        from openjobcenter.applications.queue import ApplicationsQueueProvider

        # The staff work queue's part (home/staff_queue.py).
        registry.register(ApplicationsQueueProvider())
        from openjobcenter.core import scheduler
        from openjobcenter.handoff.tasks import retry_due_handoffs

        # PDFs and hand-offs recorded with a filing or submission (applications/outbox.py).
        outbox.register()
        # Hand-off tries whose backoff has run out (A2, handoff/).
        scheduler.register("applications.handoffs", 60, retry_due_handoffs.enqueue)
