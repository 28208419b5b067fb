from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "openjobcenter.news"
    label = "news"
    verbose_name = _("Neuigkeiten")

    def ready(self) -> None:
        from openjobcenter.core import scheduler
        from openjobcenter.news import federation
        from openjobcenter.news.retention import register_rules
        from openjobcenter.news.tasks import publish_due
        from openjobcenter.tenants import modules

        modules.register(
            modules.Module(
                "news",
                _("Neuigkeiten"),
                _("Aktuelles aus dem Jobcenter, auch im Fediverse"),
                # No entry page in the list of online services: a job centre without news
                # has nothing "not yet online" (the start page shows the posts instead).
                service=_("Neuigkeiten"),
            )
        )
        federation.register()
        register_rules()
        scheduler.register("news.publish_due", 60, publish_due.enqueue)
