from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MandatesConfig(AppConfig):
    name = "openjobcenter.mandates"
    label = "mandates"
    verbose_name = _("Vertretung und Mitunterzeichnung")

    def ready(self) -> None:
        from openjobcenter.applications import pdf
        from openjobcenter.core import access
        from openjobcenter.mandates import acting, retention
        from openjobcenter.mandates.selectors_cosign import pdf_rows
        from openjobcenter.mandates.services_cosign import register_outbox
        from openjobcenter.tenants.modules import Module, register

        register(
            Module(
                "mandates",
                _("Vertretung"),
                _("Bevollmächtigte, Betreuer, Beratungsstellen und Mitunterzeichnung"),
                entry_url_name="customer:mandates",
                service=_("die Vertretung durch andere Personen"),
            )
        )
        access.register_acting_resolver(acting.resolve)
        access.register_api_acting_resolver(acting.api_resolve)
        pdf.register_summary_extra("cosigners", pdf_rows)
        retention.register_rules()
        register_outbox()
