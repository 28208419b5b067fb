from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "openjobcenter.appointments"
    label = "appointments"
    verbose_name = _("Termine")

    def ready(self) -> None:
        from openjobcenter.appointments.tasks import send_due_reminders_task
        from openjobcenter.core import scheduler

        scheduler.register("appointments.reminders", 60, send_due_reminders_task.enqueue)
