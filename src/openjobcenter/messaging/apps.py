from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "openjobcenter.messaging"
    label = "messaging"
    verbose_name = _("Nachrichten")

    def ready(self) -> None:
        from openjobcenter.accounts import logout_hooks
        from openjobcenter.core import scheduler
        from openjobcenter.documents import outcome_hooks
        from openjobcenter.home import registry
        from openjobcenter.messaging.home import UnreadMessagesProvider

        registry.register(UnreadMessagesProvider())
        from openjobcenter.messaging import realtime, services
        from openjobcenter.messaging.tasks import sweep_orphan_attachments

        logout_hooks.register(realtime.close_session_sockets)
        # A chat photo that the documents pipeline refuses later gets a notice.
        outcome_hooks.register(services.attachment_processed)
        scheduler.register("messaging.orphan_attachments", 3600, sweep_orphan_attachments.enqueue)
