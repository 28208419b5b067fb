from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "openjobcenter.documents"
    label = "documents"
    verbose_name = _("Unterlagen")

    def ready(self) -> None:
        from pathlib import Path

        from django.conf import settings

        from openjobcenter.core import scheduler

        if not settings.PRODUCTION:
            # /readyz wants the media folder (web/health.py); development and tests make
            # it, production expects the operator's mounted volume and reports it missing.
            Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
        from openjobcenter.documents.home import OpenRequestsProvider
        from openjobcenter.documents.tasks import remind_requests_task, retention_task
        from openjobcenter.home import registry

        registry.register(OpenRequestsProvider())

        from openjobcenter.documents.queue import DocumentsQueueProvider

        # The staff work queue's part (home/staff_queue.py).
        registry.register(DocumentsQueueProvider())

        from openjobcenter.documents.retention import register_rules

        register_rules()
        scheduler.register("documents.request_reminders", 3600, remind_requests_task.enqueue)
        scheduler.register("documents.retention", 6 * 3600, retention_task.enqueue)
