from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "openjobcenter.core"
    label = "core"
    verbose_name = _("Zugriff und Protokoll")

    def ready(self) -> None:
        from openjobcenter.core import scheduler
        from openjobcenter.core.tasks import prune_task_results

        # Finished task rows hold task arguments: keep them briefly (core/tasks.py).
        scheduler.register("core.prune_task_results", 15 * 60, prune_task_results.enqueue)
