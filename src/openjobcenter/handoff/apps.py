from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandoffAppConfig(AppConfig):
    name = "openjobcenter.handoff"
    label = "handoff"
    verbose_name = _("Übergabe")

    def ready(self) -> None:
        from openjobcenter.core import scheduler
        from openjobcenter.handoff import items
        from openjobcenter.handoff.home import DeadLetterProvider
        from openjobcenter.handoff.tasks import retry_due_items
        from openjobcenter.home import registry

        # Documents, objections, transcripts recorded with their event (handoff/items.py).
        items.register()
        scheduler.register("handoff.items", 60, retry_due_items.enqueue)
        # The team lead's work queue counts the dead letters (handoff/home.py).
        registry.register(DeadLetterProvider())
