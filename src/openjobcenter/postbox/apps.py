from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PostboxConfig(AppConfig):
    name = "openjobcenter.postbox"
    label = "postbox"
    verbose_name = _("Postfach")

    def ready(self) -> None:
        from openjobcenter.home import registry
        from openjobcenter.postbox import (
            events,  # noqa: F401  (registers its event)
            retention,
        )
        from openjobcenter.postbox.home import NewNoticeProvider, PostQueueProvider
        from openjobcenter.tenants.modules import Module, register

        register(
            Module(
                "postbox",
                _("Postfach"),
                _("Bescheide und Schreiben elektronisch im Postfach (§ 37 Abs. 2a SGB X)"),
                entry_url_name="customer:postbox",
                service=_("das elektronische Postfach"),
            )
        )
        registry.register(NewNoticeProvider())
        registry.register(PostQueueProvider())
        retention.register_rules()
