from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

MODULE = "feedback"


class FeedbackConfig(AppConfig):
    name = "openjobcenter.feedback"
    label = "feedback"
    verbose_name = _("Rückmeldungen und Mitmachen")

    def ready(self) -> None:
        from openjobcenter.feedback.retention import register_rules
        from openjobcenter.notifications.events import Event
        from openjobcenter.notifications.events import register as register_event
        from openjobcenter.tenants.modules import Module
        from openjobcenter.tenants.modules import register as register_module

        register_module(
            Module(
                MODULE,
                _("Rückmeldungen und Mitmachen"),
                _("„War diese Seite verständlich?“ auf jeder Seite und das Mitmachen-Panel"),
                # No entry on the start page's service list (nor under "Noch nicht
                # online"): customers reach the panel from "Meine Angaben".
                entry_url_name=None,
                service=_("das Mitmachen-Panel"),
            )
        )
        register_event(
            Event(
                "feedback.panel_invitation",
                _("Einladung zum Mitmachen"),
                _("Ihr Jobcenter lädt Sie ein, etwas Neues auszuprobieren."),
            )
        )
        register_rules()
