from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasefileConfig(AppConfig):
    name = "openjobcenter.casefile"
    label = "casefile"
    verbose_name = _("Fallübersicht")

    def ready(self) -> None:
        from openjobcenter.casefile.retention import register_rules

        register_rules()
