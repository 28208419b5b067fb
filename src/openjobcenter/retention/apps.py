from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "openjobcenter.retention"
    label = "retention"
    verbose_name = _("Aufbewahrung und Löschung")

    def ready(self) -> None:
        from openjobcenter.core import scheduler
        from openjobcenter.home import registry
        from openjobcenter.retention import rules_accounts, rules_platform
        from openjobcenter.retention.queue import DeletionQueueProvider
        from openjobcenter.retention.tasks import retention_task

        registry.register(DeletionQueueProvider())
        rules_accounts.register_rules()
        rules_platform.register_rules()
        # Daily; the run is idempotent (it deletes what is due when it runs), so a second
        # scheduler enqueuing it too does no harm.
        scheduler.register("retention.daily", 24 * 3600, retention_task.enqueue)
