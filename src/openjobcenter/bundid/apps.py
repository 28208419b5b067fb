from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BundIDConfig(AppConfig):
    name = "openjobcenter.bundid"
    label = "bundid"
    verbose_name = _("BundID")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from openjobcenter.bundid.prefill import register_source

        register_source()
