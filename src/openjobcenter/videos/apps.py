from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VideosConfig(AppConfig):
    name = "openjobcenter.videos"
    label = "videos"
    verbose_name = _("Erklärvideos")

    def ready(self) -> None:
        # The module switch (tenants/modules.py's registry, registered by its capability).
        from openjobcenter.tenants import modules
        from openjobcenter.videos import feedback_use, retention

        modules.register(
            modules.Module(
                "videos",
                _("Erklärvideos"),
                _("Kurze Videos erklären Anträge, Unterlagen und Termine"),
                entry_url_name="tenant:videos",
                service=_("Erklärvideos"),
            )
        )
        retention.register_rules()
        retention.register_audit_labels()
        # Views and completion per application step beside the feedback dashboard's rows.
        feedback_use.register()
