from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "openjobcenter.messaging"
    label = "messaging"
    verbose_name = _("Nachrichten")

    def ready(self) -> None:
        from openjobcenter.messaging.retention import register_rules

        register_rules()
        from openjobcenter.accounts import logout_hooks
        from openjobcenter.core import scheduler
        from openjobcenter.documents import outcome_hooks
        from openjobcenter.home import registry
        from openjobcenter.messaging import notify_checks, realtime, services
        from openjobcenter.messaging.home import UnreadMessagesProvider
        from openjobcenter.messaging.tasks import sweep_orphan_attachments

        registry.register(UnreadMessagesProvider())
        from openjobcenter.messaging.queue import MessagingQueueProvider

        # The staff work queue's part (home/staff_queue.py).
        registry.register(MessagingQueueProvider())

        logout_hooks.register(realtime.close_session_sockets)
        # A chat photo that the documents pipeline refuses later gets a notice.
        outcome_hooks.register(services.attachment_processed)
        # A notification about a message read live in the meantime is not sent.
        notify_checks.register()
        scheduler.register("messaging.orphan_attachments", 3600, sweep_orphan_attachments.enqueue)
