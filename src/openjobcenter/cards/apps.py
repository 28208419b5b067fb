from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CardsConfig(AppConfig):
    name = "openjobcenter.cards"
    label = "cards"
    verbose_name = _("Kundenkarte")

    def ready(self) -> None:
        from openjobcenter.tenants.modules import Module, register

        register(
            Module(
                "customer_card",
                _("Kundenkarte"),
                _("Digitale Kundenkarte"),
                entry_url_name="customer:card",
                service=_("die digitale Kundenkarte"),
            )
        )
