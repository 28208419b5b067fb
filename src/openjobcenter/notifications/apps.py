from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "openjobcenter.notifications"
    label = "notifications"
    verbose_name = _("Benachrichtigungen")

    def ready(self) -> None:
        from openjobcenter.core import scheduler
        from openjobcenter.notifications.tasks import send_due_notifications

        scheduler.register("notifications.send_due", 60, send_due_notifications.enqueue)
