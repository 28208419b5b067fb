from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "openjobcenter.appointments"
    label = "appointments"
    verbose_name = _("Termine")

    def ready(self) -> None:
        from openjobcenter.appointments.retention import register_rules

        register_rules()
        from openjobcenter.accounts import logout_hooks
        from openjobcenter.appointments import realtime
        from openjobcenter.appointments.home import AppointmentsProvider
        from openjobcenter.appointments.tasks import send_due_reminders_task
        from openjobcenter.core import scheduler
        from openjobcenter.home import registry

        registry.register(AppointmentsProvider())

        from openjobcenter.appointments.queue import AppointmentsQueueProvider

        # The staff work queue's part (home/staff_queue.py).
        registry.register(AppointmentsQueueProvider())

        logout_hooks.register(realtime.close_session_sockets)
        scheduler.register("appointments.reminders", 60, send_due_reminders_task.enqueue)
