from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "openjobcenter.core"
    label = "core"
    verbose_name = _("Zugriff und Protokoll")

    def ready(self) -> None:
        from django.conf import settings

        from openjobcenter.core import audit_buffer, metrics, randomstrings, scheduler, tasklease
        from openjobcenter.core.tasks import prune_task_results, sweep_outbox

        # The garbage collector's pauses in /metrics (ojc_gc_pause_seconds).
        metrics.time_garbage_collection()
        # CSRF tokens and session keys from one system call each (core/randomstrings.py).
        randomstrings.install()
        # Finished task rows hold task arguments: keep them briefly (core/tasks.py).
        scheduler.register("core.prune_task_results", 15 * 60, prune_task_results.enqueue)
        # Runs inside run_scheduler itself (not as a task): it must work while every
        # worker is busy or dead, since it is what recovers their tasks.
        scheduler.register(
            "core.task_leases", settings.TASKS_LEASES["sweep_s"], tasklease.sweep_quietly
        )
        scheduler.register("core.outbox", settings.OUTBOX["sweep_s"], sweep_outbox.enqueue)
        # Own reads buffered in Redis reach the audit table within seconds; run in the
        # scheduler itself (one bulk INSERT, no task row per flush).
        scheduler.register("core.audit_own_reads", 5, audit_buffer.flush_quietly)
