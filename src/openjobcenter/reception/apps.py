from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceptionConfig(AppConfig):
    name = "openjobcenter.reception"
    label = "reception"
    verbose_name = _("Empfang und Wartebereich")

    def ready(self) -> None:
        from openjobcenter.reception.retention import register_rules

        register_rules()
        from openjobcenter.home import registry
        from openjobcenter.reception.home import TicketProvider

        # "Sie sind angemeldet …" on the customer's home, live through home_changed.
        registry.register(TicketProvider())
