from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicationsConfig(AppConfig):
    name = "openjobcenter.applications"
    label = "applications"
    verbose_name = _("Anträge")

    def ready(self) -> None:
        from openjobcenter.applications.handoff.tasks import retry_due_handoffs
        from openjobcenter.core import scheduler

        # Hand-off tries whose backoff has run out (A2, applications/handoff/).
        scheduler.register("applications.handoffs", 60, retry_due_handoffs.enqueue)
